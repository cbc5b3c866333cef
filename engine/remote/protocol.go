package remote

import (
	"encoding/json"
	"errors"
	"fmt"

	"modscope/engine"
)

// ServeArg is the hidden subcommand that turns the program into an engine
// child. It is never listed in the usage.
const ServeArg = "engine-serve"

// protocolVersion changes whenever a message below changes meaning.
// 2: a command's answer is an engine.Result as its JSON (typed views).
const protocolVersion = 2

// Environment variables of the child.
const (
	// envChild is set in every engine child's environment; a child never
	// starts children of its own.
	envChild = "MODSCOPE_ENGINE_CHILD"
	// envCrash is for tests only: "HOW:FILE" makes the child die, the way
	// HOW says (see crashHook), when the Lua file FILE begins to run.
	envCrash = "MODSCOPE_ENGINE_TEST_CRASH"
)

// request is one call from the parent, one JSON line on the child's
// standard input.
type request struct {
	ID     uint64          `json:"id"`
	Method string          `json:"method"`
	Dir    string          `json:"dir,omitempty"`
	Opt    *engine.Options `json:"opt,omitempty"`
	Cmd    *engine.Command `json:"cmd,omitempty"`
	Lines  []wireLine      `json:"lines,omitempty"`
	On     bool            `json:"on,omitempty"`
}

// The methods of the protocol: one per engine.Driver method, plus open.
const (
	mOpen      = "open"
	mDo        = "do"
	mScript    = "script"
	mSteps     = "steps"
	mContexts  = "contexts"
	mReport    = "report"
	mLog       = "log"
	mWatches   = "watches"
	mFolder    = "folder"
	mTrack     = "track"
	mInterrupt = "interrupt"
	mClose     = "close"
)

// reply is one JSON line on the child's standard output: the greeting, an
// event (ID 0) or the answer to request ID.
type reply struct {
	ID    uint64          `json:"id,omitempty"`
	Hello *hello          `json:"hello,omitempty"`
	Event *engine.Event   `json:"event,omitempty"`
	Err   string          `json:"err,omitempty"` // the call failed as a whole
	Data  json.RawMessage `json:"data,omitempty"`
}

// hello is the child's first line.
type hello struct {
	Version int `json:"version"`
	Pid     int `json:"pid"`
}

// openInfo answers open.
type openInfo struct {
	Model  string `json:"model"`
	Folder string `json:"folder"`
	Mode   string `json:"mode"`
}

// stepsInfo answers steps.
type stepsInfo struct {
	Names []string `json:"names"`
	Next  int      `json:"next"`
}

// wireLine is an engine.ScriptLine (whose Err is an error value).
type wireLine struct {
	Line int            `json:"line"`
	Text string         `json:"text"`
	Cmd  engine.Command `json:"cmd"`
	Err  string         `json:"err,omitempty"`
}

func toWireLines(lines []engine.ScriptLine) []wireLine {
	out := make([]wireLine, len(lines))
	for i, l := range lines {
		out[i] = wireLine{Line: l.Line, Text: l.Text, Cmd: l.Cmd}
		if l.Err != nil {
			out[i].Err = l.Err.Error()
		}
	}
	return out
}

func fromWireLines(lines []wireLine) []engine.ScriptLine {
	out := make([]engine.ScriptLine, len(lines))
	for i, l := range lines {
		out[i] = engine.ScriptLine{Line: l.Line, Text: l.Text, Cmd: l.Cmd}
		if l.Err != "" {
			out[i].Err = errors.New(l.Err)
		}
	}
	return out
}

// sendable is r encoded as the answer to a command: r itself when it
// encodes as JSON (the views of an engine.Result are typed, so the parent
// decodes them as they were), else a failure that says why, without the
// view (a model registry row holding a NaN, say).
func sendable(r engine.Result, op string) json.RawMessage {
	b, err := json.Marshal(r)
	if err == nil {
		return b
	}
	f := engine.Result{Error: r.Error, Result: r.Result, Changes: r.Changes}
	if f.Error == "" {
		f.Error = fmt.Sprintf("engine: cannot send the %s view: %v", op, err)
	}
	b, err = json.Marshal(f)
	if err != nil { // cannot happen: strings and lists of strings encode
		return json.RawMessage(`{"ok":false,"error":"engine: cannot encode an answer"}`)
	}
	return b
}
