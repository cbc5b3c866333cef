package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"modscope/engine"
	"modscope/inspector"
)

// ServeArg is the hidden subcommand that turns the program into an engine
// child. It is never listed in the usage.
const ServeArg = "engine-serve"

// protocolVersion changes whenever a message below changes meaning.
const protocolVersion = 1

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

// wireResult is an engine.Result whose Data travels as JSON with the name
// of its Go type, so the parent gets the same type back (the CLI renders an
// inspector.PageResult as a table).
type wireResult struct {
	OK       bool                   `json:"ok"`
	Error    string                 `json:"error,omitempty"`
	Result   string                 `json:"result,omitempty"`
	Changes  *engine.ContextChanges `json:"changes,omitempty"`
	DataType string                 `json:"data_type,omitempty"`
	Data     json.RawMessage        `json:"data,omitempty"`
}

func toWire(r engine.Result) wireResult {
	w := wireResult{OK: r.OK, Error: r.Error, Result: r.Result, Changes: r.Changes}
	if r.Data == nil {
		return w
	}
	b, err := json.Marshal(r.Data)
	if err != nil {
		w.OK = false
		if w.Error == "" {
			w.Error = fmt.Sprintf("engine: cannot send the %T view: %v", r.Data, err)
		}
		return w
	}
	w.DataType, w.Data = reflect.TypeOf(r.Data).String(), b
	return w
}

func fromWire(w wireResult) engine.Result {
	r := engine.Result{OK: w.OK, Error: w.Error, Result: w.Result, Changes: w.Changes}
	if len(w.Data) == 0 {
		return r
	}
	r.Data = w.Data // a type this side does not know stays JSON
	typesMu.RLock()
	t, ok := dataTypes[w.DataType]
	typesMu.RUnlock()
	if ok {
		v := reflect.New(t)
		if json.Unmarshal(w.Data, v.Interface()) == nil {
			r.Data = v.Elem().Interface()
		}
	}
	return r
}

var (
	typesMu   sync.RWMutex
	dataTypes = map[string]reflect.Type{}
)

// RegisterData makes results whose Data has v's type arrive in the parent
// with that type (by default they arrive as json.RawMessage). The engine's
// and the inspector's view types are registered already.
func RegisterData(v any) {
	t := reflect.TypeOf(v)
	typesMu.Lock()
	dataTypes[t.String()] = t
	typesMu.Unlock()
}

func init() {
	for _, v := range []any{
		inspector.PageResult{}, inspector.DiffResult{}, inspector.SearchResult{},
		engine.Registries{}, engine.Provenance{}, []engine.Provenance{},
	} {
		RegisterData(v)
	}
}
