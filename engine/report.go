package engine

import (
	"encoding/json"
	"strings"
)

// Report is the result of a headless run (CLI.md's JSON report) and what the
// window's timeline shows. Field names are a contract: add, never rename.
type Report struct {
	Model    string          `json:"model"`
	Folder   string          `json:"folder"`
	Mode     string          `json:"mode"`
	Steps    []StepReport    `json:"steps"`
	Contexts []ContextInfo   `json:"contexts"`
	Files    FileCounts      `json:"files"`
	Errors   []ErrorRecord   `json:"errors"`
	Messages []MessageRecord `json:"messages"`
	Handlers map[string]int  `json:"handlers"`
	Classes  int             `json:"classes"`
	Stubs    []StubRecord    `json:"stubs"`
	Events   []EventResult   `json:"events"`
	Output   []OutputLine    `json:"output"`
	Ms       float64         `json:"ms"`
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

// Result answers one Command.
type Result struct {
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
	Result string `json:"result,omitempty"` // eval: values as tostring, tab separated
	// Changes says which contexts a command created, removed, merged or split.
	Changes *ContextChanges `json:"changes,omitempty"`
	// Data carries views (pages, diffs, registries) for the window.
	Data any `json:"data,omitempty"`
}

// ContextChanges lists contexts a command created, removed, merged or split.
type ContextChanges struct {
	Created []string `json:"created,omitempty"`
	Removed []string `json:"removed,omitempty"`
	Merged  []string `json:"merged,omitempty"`
	Split   []string `json:"split,omitempty"`
}

// Failed is a Result for a command that could not be carried out.
func Failed(format string, args ...any) Result {
	return Result{Error: sprintf(format, args...)}
}

// MarshalJSON writes "result" for every successful eval line, even when
// the code returned nothing (CLI.md: result holds what an eval returned).
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
