package record

import (
	"encoding/json"
	"strings"
)

// The plain records below cross goroutines and processes (JSON tags), so
// they hold no Lua values. Package engine names them too (engine.FileRun
// is record.FileRun); their JSON field names are a contract of the report
// (docs/report.md): add, never rename.

// Event kinds streamed from a session while it runs.
const (
	EventFile      = "file"       // a file finished (File)
	EventFileBegin = "file_begin" // a file is about to run (Text = path)
	EventError     = "error"      // a Lua error was recorded (Error)
	EventOutput    = "output"     // print/io.write/logger output (Text, Where, Level)
	EventContext   = "context"    // a context changed state (Text = new state)
	EventRead      = "read"       // game code read a file through the engine (Text = path)
	EventMessage   = "message"    // a message or event was dispatched (Message)
	EventStep      = "step"       // a step or command finished (Step, Log)
	EventStepBegin = "step_begin" // a step or command began (Step; Log: its kind and text)
)

// Event is one plain-data notification from the engine.
type Event struct {
	Kind    string         `json:"kind"`
	Context string         `json:"context,omitempty"`
	Step    string         `json:"step,omitempty"`
	Text    string         `json:"text,omitempty"`
	Where   string         `json:"where,omitempty"`
	Level   string         `json:"level,omitempty"`
	File    *FileRun       `json:"file,omitempty"`
	Error   *ErrorRecord   `json:"error,omitempty"`
	Message *MessageRecord `json:"message,omitempty"`
	Log     *LogEntry      `json:"log,omitempty"`
}

// MessageRecord is one dispatch of a message or event to one context.
type MessageRecord struct {
	Name     string   `json:"name"`
	Context  string   `json:"context"`
	Args     []string `json:"args,omitempty"`
	Handlers int      `json:"handlers"`
	Ms       float64  `json:"ms"`
	Step     string   `json:"step,omitempty"`
	// Target is whom it was delivered for, when a context handles it for
	// several (scripts: the attachment, "entity:3 scripts/door.lua").
	Target string `json:"target,omitempty"`
	// Failed is how many of the handlers raised an error.
	Failed int `json:"failed,omitempty"`
	// Contexts, First and Last: a record that stands for the deliveries
	// to several contexts (sectors: context "*") says how many, and the
	// first and last of them in load order.
	Contexts int    `json:"contexts,omitempty"`
	First    string `json:"first,omitempty"`
	Last     string `json:"last,omitempty"`
}

// LogEntry is one entry of the session's event log: every step, message,
// event, reload, attach/detach or eval, with what it ran.
type LogEntry struct {
	Seq      int      `json:"seq"`
	Kind     string   `json:"kind"` // step, reload, msg, event, join, attach, eval, ...
	Name     string   `json:"name"`
	Text     string   `json:"text,omitempty"` // the event-script line that replays it
	Context  string   `json:"context,omitempty"`
	Files    int      `json:"files"`
	Handlers int      `json:"handlers"`
	Ms       float64  `json:"ms"`
	Errors   []string `json:"errors,omitempty"`
	OK       bool     `json:"ok"`
}

// FileRun is one execution of one Lua file.
type FileRun struct {
	Path    string  `json:"path"`
	Context string  `json:"context"`
	Step    string  `json:"step,omitempty"`
	OK      bool    `json:"ok"`
	Ms      float64 `json:"ms"`
	Error   string  `json:"error,omitempty"`
	// Parent is the file whose code loaded this one (require, dofile,
	// dofolder called from Lua); empty when the step itself ran it. A
	// step lists its files in the order they finished, so a file comes
	// after the files it loaded.
	Parent string `json:"parent,omitempty"`
}

// ErrorRecord is one Lua error with where it happened.
type ErrorRecord struct {
	Context   string `json:"context"`
	Step      string `json:"step"` // docs/report.md lists step, file, line and traceback:
	File      string `json:"file"` // they stay in the JSON even when empty
	Line      int    `json:"line"`
	Message   string `json:"message"`
	Traceback string `json:"traceback"`
	Fatal     bool   `json:"fatal,omitempty"`
	// ID names this error so that others can point at it as their cause
	// (stub mode's root-cause analysis fills it in).
	ID string `json:"id,omitempty"`
	// Cause is "root" for an error that is a problem of its own, or the ID
	// of the error, failed file or stand-in this one follows from.
	Cause string `json:"cause,omitempty"`
}

// OutputLine is one line written by print, io.write or a logger.
type OutputLine struct {
	Context string `json:"context"`
	Where   string `json:"where,omitempty"` // file:line of the caller
	Level   string `json:"level,omitempty"` // "", info, warn, error
	Text    string `json:"text"`
}

// StepReport is one loading step (Kind "step") or one command that ran Lua
// (Kind "event"), with the files it ran and what it did to the globals.
type StepReport struct {
	Name           string    `json:"name"`
	Kind           string    `json:"kind"`
	Ms             float64   `json:"ms"`
	Files          []FileRun `json:"files"`
	Messages       []string  `json:"messages"`
	GlobalsAdded   []string  `json:"globals_added"`
	GlobalsChanged []string  `json:"globals_changed,omitempty"`
	GlobalsRemoved []string  `json:"globals_removed,omitempty"`
	Errors         int       `json:"errors"`
	Fatal          bool      `json:"fatal,omitempty"`
}

// FileCounts counts every Lua file execution of the run.
type FileCounts struct {
	OK     int `json:"ok"`
	Failed int `json:"failed"`
}

// EventResult is the outcome of one event-script line.
type EventResult struct {
	Line   int    `json:"line"`
	Event  string `json:"event"`
	OK     bool   `json:"ok"`
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// MarshalJSON writes "result" for every successful eval line, even when
// the code returned nothing (docs/report.md: result holds what an eval returned).
func (e EventResult) MarshalJSON() ([]byte, error) {
	type plain EventResult
	if e.OK && e.Result == "" && strings.HasPrefix(e.Event, "eval ") {
		return json.Marshal(struct {
			plain
			Result string `json:"result"`
		}{plain(e), ""})
	}
	return json.Marshal(plain(e))
}
