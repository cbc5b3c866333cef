package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The bundled samples, with the event scripts their READMEs play.
const (
	sectorsSample = "../assets/samples/sectors"
	sectorsEvents = "../assets/samples/sectors/playthrough.events"
	scriptsSample = "../assets/samples/scripts"
	scriptsEvents = "../assets/samples/scripts/policies.events"
	autorunSample = "../assets/samples/autorun"
	autorunEvents = "../assets/samples/autorun/playthrough.events"
)

// outcome is what one command line did.
type outcome struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command line in process, as the binary would, with
// stdin as standard input. It fails the test when any output looks like a
// Go panic trace (docs/cli.md: never a Go panic trace) or when the window opens.
func runCLI(t *testing.T, stdin string, args ...string) outcome {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Window: func(dir string) error {
			t.Errorf("modscope %q opened the window on %q", args, dir)
			return nil
		},
	})
	o := outcome{code: code, stdout: out.String(), stderr: errb.String()}
	assertNoPanicTrace(t, args, o)
	return o
}

func assertNoPanicTrace(t *testing.T, args []string, o outcome) {
	t.Helper()
	for _, s := range []string{o.stdout, o.stderr} {
		for _, bad := range []string{"goroutine ", "panic:", "runtime error:", "internal error"} {
			if strings.Contains(s, bad) {
				t.Errorf("modscope %q printed %q:\n%s", args, bad, s)
			}
		}
	}
}

// ---- the JSON report, as docs/report.md spells it ----

// report mirrors docs/report.md's JSON report with its own field names, so that a
// renamed engine field fails here even if the engine's structs agree with
// themselves.
type jsonReport struct {
	Model string `json:"model"`
	Mode  string `json:"mode"`
	Steps []struct {
		Name  string  `json:"name"`
		Ms    float64 `json:"ms"`
		Files []struct {
			Path    string  `json:"path"`
			Context string  `json:"context"`
			OK      bool    `json:"ok"`
			Ms      float64 `json:"ms"`
		} `json:"files"`
		Messages     []string `json:"messages"`
		GlobalsAdded []string `json:"globals_added"`
	} `json:"steps"`
	Contexts []struct {
		Name      string   `json:"name"`
		State     string   `json:"state"`
		Globals   int      `json:"globals"`
		Residents []string `json:"residents"`
	} `json:"contexts"`
	Files struct {
		OK     int `json:"ok"`
		Failed int `json:"failed"`
	} `json:"files"`
	Errors []struct {
		Context   string `json:"context"`
		Step      string `json:"step"`
		File      string `json:"file"`
		Line      int    `json:"line"`
		Message   string `json:"message"`
		Traceback string `json:"traceback"`
	} `json:"errors"`
	Messages []struct {
		Name     string  `json:"name"`
		Context  string  `json:"context"`
		Handlers int     `json:"handlers"`
		Ms       float64 `json:"ms"`
	} `json:"messages"`
	Handlers map[string]int `json:"handlers"`
	Classes  int            `json:"classes"`
	Stubs    []struct {
		Name  string `json:"name"`
		Calls int    `json:"calls"`
		First string `json:"first"`
	} `json:"stubs"`
	Events []event `json:"events"`
}

type event struct {
	Line   int    `json:"line"`
	Event  string `json:"event"`
	OK     bool   `json:"ok"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

func (r jsonReport) stepNames() []string {
	var out []string
	for _, s := range r.Steps {
		out = append(out, s.Name)
	}
	return out
}

func (r jsonReport) contextNames() []string {
	var out []string
	for _, c := range r.Contexts {
		out = append(out, c.Name)
	}
	return out
}

func (r jsonReport) event(t *testing.T, line int) event {
	t.Helper()
	for _, e := range r.Events {
		if e.Line == line {
			return e
		}
	}
	t.Fatalf("no event entry for line %d in %+v", line, r.Events)
	return event{}
}

// JSON kinds of the fields docs/report.md lists; every one must be present.
type schema map[string]string

var (
	reportSchema = schema{"model": "string", "steps": "array", "contexts": "array", "files": "object",
		"errors": "array", "messages": "array", "handlers": "object", "classes": "number",
		"stubs": "array", "events": "array"}
	stepSchema    = schema{"name": "string", "ms": "number", "files": "array", "messages": "array", "globals_added": "array"}
	fileSchema    = schema{"path": "string", "context": "string", "ok": "bool", "ms": "number"}
	contextSchema = schema{"name": "string", "state": "string", "globals": "number"}
	countsSchema  = schema{"ok": "number", "failed": "number"}
	errorSchema   = schema{"context": "string", "step": "string", "file": "string", "line": "number",
		"message": "string", "traceback": "string"}
	messageSchema = schema{"name": "string", "context": "string", "handlers": "number", "ms": "number"}
	stubSchema    = schema{"name": "string", "calls": "number", "first": "string"}
	eventSchema   = schema{"line": "number", "event": "string", "ok": "bool"}
)

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func checkSchema(t *testing.T, where string, v any, s schema) map[string]any {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: want a JSON object, got %s", where, kindOf(v))
		return nil
	}
	for name, kind := range s {
		got, ok := obj[name]
		if !ok {
			t.Errorf("%s: field %q is missing (docs/report.md lists it)", where, name)
			continue
		}
		if k := kindOf(got); k != kind {
			t.Errorf("%s: field %q is %s, want %s", where, name, k, kind)
		}
	}
	return obj
}

func checkEach(t *testing.T, where string, v any, s schema) []map[string]any {
	t.Helper()
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for i, e := range list {
		out = append(out, checkSchema(t, fmt.Sprintf("%s[%d]", where, i), e, s))
	}
	return out
}

// decodeReport checks that stdout is exactly one JSON object holding every
// field docs/report.md lists, with the right kinds, and decodes it.
func decodeReport(t *testing.T, stdout string) jsonReport {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		t.Fatalf("stdout holds more than one JSON value (%v)", err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	top := checkSchema(t, "report", generic, reportSchema)
	if top == nil {
		t.FailNow()
	}
	for _, st := range checkEach(t, "steps", top["steps"], stepSchema) {
		if st != nil {
			checkEach(t, "steps[].files", st["files"], fileSchema)
		}
	}
	checkEach(t, "contexts", top["contexts"], contextSchema)
	checkSchema(t, "files", top["files"], countsSchema)
	checkEach(t, "errors", top["errors"], errorSchema)
	checkEach(t, "messages", top["messages"], messageSchema)
	checkEach(t, "stubs", top["stubs"], stubSchema)
	if h, ok := top["handlers"].(map[string]any); ok {
		for name, n := range h {
			if kindOf(n) != "number" {
				t.Errorf("handlers[%q] is %s, want number", name, kindOf(n))
			}
		}
	}
	for i, e := range checkEach(t, "events", top["events"], eventSchema) {
		if e == nil {
			continue
		}
		// result|error: a failed line says why. (An eval that returned no
		// value has no result: the engine omits an empty one.)
		if e["ok"] == false && kindOf(e["error"]) != "string" {
			t.Errorf("events[%d] failed without an error: %v", i, e)
		}
		for _, f := range []string{"result", "error"} {
			if v, ok := e[f]; ok && kindOf(v) != "string" {
				t.Errorf("events[%d].%s is %s, want string", i, f, kindOf(v))
			}
		}
	}
	var r jsonReport
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decode report: %v", err)
	}
	return r
}

// checkCounts pins files.ok + files.failed to the file executions the steps
// list, and the exit status to the errors and events (docs/cli.md).
func checkCounts(t *testing.T, r jsonReport, code int) {
	t.Helper()
	ok, failed := 0, 0
	for _, st := range r.Steps {
		for _, f := range st.Files {
			if f.OK {
				ok++
			} else {
				failed++
			}
		}
	}
	if r.Files.OK != ok || r.Files.Failed != failed {
		t.Errorf("files = %+v, but the steps ran %d files ok and %d failed", r.Files, ok, failed)
	}
	want := ExitOK
	if len(r.Errors) > 0 {
		want = ExitLua
	}
	for _, e := range r.Events {
		if !e.OK {
			want = ExitLua
		}
	}
	if code != want {
		t.Errorf("exit status %d, want %d for %d errors and events %+v", code, want, len(r.Errors), r.Events)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRunJSON drives `run DIR --json` on small fixtures and on the samples.
func TestRunJSON(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		check func(t *testing.T, r jsonReport)
		// model, when set, skips the case until that model is linked in
		// and args[1] exists (the autorun sample arrives with its model).
		model string
	}{
		{
			name: "clean sectors folder runs every file and exits 0",
			args: []string{"run", "testdata/clean", "--json"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if r.Model != "sectors" || r.Mode != "stubs" {
					t.Errorf("model %q mode %q", r.Model, r.Mode)
				}
				if got := r.stepNames(); !slices.Equal(got, []string{"Server context", "Generator", "server_started"}) {
					t.Errorf("steps %q", got)
				}
				if r.Files.OK != 2 || r.Files.Failed != 0 || len(r.Errors) != 0 {
					t.Errorf("files %+v errors %+v", r.Files, r.Errors)
				}
				if got := r.Steps[0].GlobalsAdded; !slices.Equal(got, []string{"answer", "players", "config", "doubled"}) {
					t.Errorf("globals_added %q", got)
				}
				if got := r.Steps[2].Messages; !slices.Equal(got, []string{"server_started"}) {
					t.Errorf("messages %q", got)
				}
				if len(r.Contexts) != 1 || r.Contexts[0].Name != "server" || r.Contexts[0].State != "active" || r.Contexts[0].Globals == 0 {
					t.Errorf("contexts %+v", r.Contexts)
				}
				if len(r.Events) != 0 || len(r.Stubs) != 0 || r.Classes != 0 {
					t.Errorf("events %+v stubs %+v classes %d", r.Events, r.Stubs, r.Classes)
				}
			},
		},
		{
			name: "passing event script: eval results are tostring'd and tab-joined",
			args: []string{"run", "testdata/clean", "--json", "--events", "testdata/events/clean.events"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				want := []event{
					{Line: 2, Event: "join p1 alpha", OK: true},
					{Line: 3, Event: "eval sector:alpha return where, visits", OK: true, Result: "alpha\t1"},
					{Line: 4, Event: "eval server return answer, doubled, #players", OK: true, Result: "42\t84\t1"},
					{Line: 5, Event: `eval server return 1, "two", nil, true, 2.5`, OK: true, Result: "1\ttwo\tnil\ttrue\t2.5"},
				}
				if !slices.Equal(r.Events, want) {
					t.Errorf("events\n got %+v\nwant %+v", r.Events, want)
				}
				if got := r.contextNames(); !slices.Equal(got, []string{"server", "sector:alpha"}) {
					t.Errorf("contexts %q", got)
				}
				if r.Handlers["player_logged_in"] != 1 || r.Handlers["sector_player_added"] != 1 || len(r.Handlers) != 2 {
					t.Errorf("handlers %v", r.Handlers)
				}
				var names []string
				for _, m := range r.Messages {
					names = append(names, m.Context+" "+m.Name)
				}
				// One bus: every context gets every event; a delivery is
				// recorded where a handler ran.
				want2 := []string{"server server_started", "server player_logged_in", "sector:alpha sector_player_added"}
				if !slices.Equal(names, want2) {
					t.Errorf("messages %q", names)
				}
			},
		},
		{
			name:  "--events - reads the script from standard input",
			args:  []string{"run", "testdata/clean", "--json", "--events", "-"},
			stdin: readFile(t, "testdata/events/clean.events"),
			code:  ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if len(r.Events) != 4 || r.event(t, 4).Result != "42\t84\t1" {
					t.Errorf("events %+v", r.Events)
				}
			},
		},
		{
			name: "bad event lines are errors with their line numbers and the script goes on",
			args: []string{"run", "testdata/clean", "--json", "--events", "testdata/events/mixed.events"},
			code: ExitLua,
			check: func(t *testing.T, r jsonReport) {
				var lines []int
				var oks []bool
				for _, e := range r.Events {
					lines = append(lines, e.Line)
					oks = append(oks, e.OK)
				}
				if !slices.Equal(lines, []int{2, 3, 4, 5, 6, 7, 8}) || !slices.Equal(oks, []bool{true, false, true, false, false, false, true}) {
					t.Errorf("events %+v", r.Events)
				}
				for line, want := range map[int][]string{
					3: {"line 3", `unknown event "nonsense"`},
					5: {`"nowhere"`},
					6: {"line 6", "usage: jump"},
					7: {"eval boom"},
				} {
					e := r.event(t, line)
					for _, w := range want {
						if !strings.Contains(e.Error, w) {
							t.Errorf("line %d: error %q does not mention %q", line, e.Error, w)
						}
					}
				}
				if r.event(t, 4).Result != "1" || r.event(t, 8).Result != "42" {
					t.Errorf("lines after failures: %+v %+v", r.event(t, 4), r.event(t, 8))
				}
				if len(r.Errors) != 1 || r.Errors[0].Context != "server" || !strings.Contains(r.Errors[0].Message, "eval boom") ||
					r.Errors[0].Step != `eval server return error("eval boom")` || r.Errors[0].File != "eval" || r.Errors[0].Line != 1 {
					t.Errorf("errors %+v", r.Errors)
				}
			},
		},
		{
			name: "Lua errors are recorded with file and line and loading goes on",
			args: []string{"run", "testdata/luaerror", "--json"},
			code: ExitLua,
			check: func(t *testing.T, r jsonReport) {
				if r.Files.OK != 1 || r.Files.Failed != 2 {
					t.Errorf("files %+v", r.Files)
				}
				var got []string
				for _, e := range r.Errors {
					got = append(got, fmt.Sprintf("%s|%s|%s:%d", e.Context, e.Step, e.File, e.Line))
				}
				want := []string{"server|Server context|base/server.lua:3", "server|Server context|syntax/server.lua:2"}
				if !slices.Equal(got, want) {
					t.Errorf("errors %q, want %q", got, want)
				}
				if len(r.Errors) > 0 && (!strings.Contains(r.Errors[0].Message, "nil") || !strings.Contains(r.Errors[0].Traceback, "base/server.lua:3")) {
					t.Errorf("runtime error %+v", r.Errors[0])
				}
				if len(r.Steps) > 0 && !slices.Contains(r.Steps[0].GlobalsAdded, "later_ran") {
					t.Errorf("the mod after the failing one did not run: %q", r.Steps[0].GlobalsAdded)
				}
			},
		},
		{
			name: "--until a step stops after it",
			args: []string{"run", "testdata/clean", "--json", "--until", "Server context"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if got := r.stepNames(); !slices.Equal(got, []string{"Server context"}) {
					t.Errorf("steps %q", got)
				}
				if len(r.Messages) != 0 {
					t.Errorf("messages %+v", r.Messages)
				}
			},
		},
		{
			name: "--until a message stops after the step that sent it",
			args: []string{"run", "testdata/clean", "--json", "--until", "server_started"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if got := r.stepNames(); !slices.Equal(got, []string{"Server context", "Generator", "server_started"}) {
					t.Errorf("steps %q", got)
				}
			},
		},
		{
			name: "--until on the scripts sample stops after the first entity",
			args: []string{"run", scriptsSample, "--json", "--until", "Entity 1 (door)"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if got := r.stepNames(); !slices.Equal(got, []string{"Entity 1 (door)"}) {
					t.Errorf("steps %q", got)
				}
				want := []string{"entity:1/script:scripts/door.lua", "entity:1/script:scripts/health.lua"}
				if got := r.contextNames(); !slices.Equal(got, want) {
					t.Errorf("contexts %q", got)
				}
			},
		},
		{
			name: "stub mode (the default without engine definitions) records engine stand-ins",
			args: []string{"run", "testdata/stubs", "--json"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if r.Mode != "stubs" || len(r.Stubs) != 1 || r.Stubs[0].Name != "engine.spawn_fleet" ||
					r.Stubs[0].Calls != 2 || r.Stubs[0].First != "base/server.lua:3" {
					t.Errorf("mode %q stubs %+v", r.Mode, r.Stubs)
				}
			},
		},
		{
			name: "--strict turns an unknown engine function into a Lua error",
			args: []string{"run", "testdata/stubs", "--strict", "--json"},
			code: ExitLua,
			check: func(t *testing.T, r jsonReport) {
				if r.Mode != "strict" || len(r.Stubs) != 0 {
					t.Errorf("mode %q stubs %+v", r.Mode, r.Stubs)
				}
				if len(r.Errors) != 1 || r.Errors[0].File != "base/server.lua" || r.Errors[0].Line != 3 {
					t.Errorf("errors %+v", r.Errors)
				}
			},
		},
		{
			name: "a folder's strict mode applies without flags",
			args: []string{"run", "testdata/strictfolder", "--json"},
			code: ExitLua,
			check: func(t *testing.T, r jsonReport) {
				if r.Mode != "strict" || len(r.Errors) != 1 {
					t.Errorf("mode %q errors %+v", r.Mode, r.Errors)
				}
			},
		},
		{
			name: "--stubs overrides a folder's strict mode",
			args: []string{"run", "testdata/strictfolder", "--stubs", "--json"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if r.Mode != "stubs" || len(r.Errors) != 0 || len(r.Stubs) != 1 || r.Stubs[0].Calls != 2 {
					t.Errorf("mode %q errors %+v stubs %+v", r.Mode, r.Errors, r.Stubs)
				}
			},
		},
		{
			name: "a scene with nothing attached reports empty lists, not null",
			args: []string{"run", "testdata/emptyscene", "--json"},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if r.Model != "scripts" || len(r.Contexts) != 0 {
					t.Errorf("model %q contexts %+v", r.Model, r.Contexts)
				}
			},
		},
		{
			name: "hostile eval lines fail one by one and the host survives",
			args: []string{"run", "testdata/clean", "--json", "--timeout", "500ms", "--events", "testdata/events/hostile.events"},
			code: ExitLua,
			check: func(t *testing.T, r jsonReport) {
				if len(r.Events) != 11 {
					t.Fatalf("want 11 event entries, got %+v", r.Events)
				}
				for _, e := range r.Events[:10] {
					if e.OK || e.Error == "" {
						t.Errorf("line %d should have failed: %+v", e.Line, e)
					}
				}
				if last := r.Events[10]; !last.OK || last.Result != "still\talive" {
					t.Errorf("last line %+v", last)
				}
				if e := r.event(t, 11); !strings.Contains(e.Error, "infinite loop") {
					t.Errorf("the loop line: %+v", e)
				}
			},
		},
		{
			name: "sectors sample with its playthrough",
			args: []string{"run", sectorsSample, "--json", "--events", sectorsEvents},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if r.Model != "sectors" || r.Files.OK != 15 || r.Files.Failed != 0 {
					t.Errorf("model %q files %+v", r.Model, r.Files)
				}
				for _, e := range r.Events {
					if !e.OK {
						t.Errorf("line %d failed: %s", e.Line, e.Error)
					}
				}
				for line, want := range map[int]string{
					11: "alpha\t1\t4", 12: "1", 16: "beta\t1", 21: "set in alpha",
					25: "1", 26: "2", 31: "1 tick(s) of 50 ms", 41: "2\tset in alpha",
				} {
					if got := r.event(t, line).Result; got != want {
						t.Errorf("line %d: result %q, want %q", line, got, want)
					}
				}
				// Everything the sample calls on engine is implemented.
				for _, s := range r.Stubs {
					if strings.HasPrefix(s.Name, "engine.") {
						t.Errorf("stub %+v", s)
					}
				}
				if got := r.contextNames(); !slices.Equal(got, []string{"server"}) {
					t.Errorf("contexts at the end %q", got)
				}
				if r.Handlers["player_logged_in"] != 2 || r.Handlers["server_started"] != 1 {
					t.Errorf("handlers %v", r.Handlers)
				}
			},
		},
		{
			name: "scripts sample with its policy tour",
			args: []string{"run", scriptsSample, "--json", "--events", scriptsEvents},
			code: ExitOK,
			check: func(t *testing.T, r jsonReport) {
				if r.Model != "scripts" || r.Files.Failed != 0 {
					t.Errorf("model %q files %+v", r.Model, r.Files)
				}
				for _, e := range r.Events {
					if !e.OK {
						t.Errorf("line %d failed: %s", e.Line, e.Error)
					}
				}
				for line, want := range map[int]string{
					8: "door", 16: "1\t4", 24: "door, health\t1\t2\tentity 1, script scripts/health.lua",
					33: "health, health, health\t3", 39: "90\t90\t90\t6",
					44: "door, health, health, patrol, health, game_rules\t3", 46: "6", 48: "100\t75\t100",
					50: "2v1", 54: "game_rules", 61: "door\tentity 3, script scripts/door.lua",
				} {
					if got := r.event(t, line).Result; got != want {
						t.Errorf("line %d: result %q, want %q", line, got, want)
					}
				}
				if len(r.Contexts) != 6 {
					t.Errorf("contexts %q", r.contextNames())
				}
				for _, c := range r.Contexts {
					if c.State != "active" || len(c.Residents) == 0 {
						t.Errorf("context %+v", c)
					}
				}
			},
		},
		{
			name:  "autorun sample with its playthrough",
			args:  []string{"run", autorunSample, "--json", "--events", autorunEvents},
			code:  ExitOK,
			model: engine.ModelAutorun,
			check: func(t *testing.T, r jsonReport) {
				if r.Model != "autorun" || r.Classes == 0 || len(r.Handlers) == 0 || r.Files.Failed != 0 {
					t.Errorf("model %q classes %d handlers %v files %+v", r.Model, r.Classes, r.Handlers, r.Files)
				}
				if got := r.contextNames(); !slices.Equal(got, []string{"main"}) {
					t.Errorf("contexts %q", got)
				}
				if len(r.Events) == 0 {
					t.Error("no events")
				}
				for _, e := range r.Events {
					if !e.OK {
						t.Errorf("line %d failed: %s", e.Line, e.Error)
					}
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.model != "" {
				if !slices.Contains(engine.RegisteredModels(), tc.model) {
					t.Fatalf("model %q is not linked in", tc.model)
				}
				if _, err := os.Stat(tc.args[1]); err != nil {
					t.Fatalf("the repository ships this sample: %v", err)
				}
			}
			o := runCLI(t, tc.stdin, tc.args...)
			if o.code != tc.code {
				t.Fatalf("exit status %d, want %d\nstderr: %s", o.code, tc.code, o.stderr)
			}
			if o.stderr != "" {
				t.Errorf("stderr: %s", o.stderr)
			}
			r := decodeReport(t, o.stdout)
			checkCounts(t, r, o.code)
			tc.check(t, r)
		})
	}
}

// TestTimeoutStopsInfiniteLoop: --timeout stops a file that never ends; the
// error names the file and line and the run still reports and exits 1.
func TestTimeoutStopsInfiniteLoop(t *testing.T) {
	start := time.Now()
	o := runCLI(t, "", "run", "testdata/loop", "--timeout", "200ms", "--json")
	if el := time.Since(start); el > time.Minute {
		t.Errorf("the run took %v with a 200ms watchdog", el)
	}
	if o.code != ExitLua {
		t.Fatalf("exit status %d, want %d\nstderr: %s", o.code, ExitLua, o.stderr)
	}
	r := decodeReport(t, o.stdout)
	checkCounts(t, r, o.code)
	if len(r.Errors) != 1 {
		t.Fatalf("errors %+v", r.Errors)
	}
	e := r.Errors[0]
	if e.File != "scripts/spin.lua" || e.Line != 3 || e.Context != "entity:1/script:scripts/spin.lua" ||
		!strings.Contains(e.Message, "infinite loop") || !strings.Contains(e.Message, "scripts/spin.lua:3") {
		t.Errorf("error %+v", e)
	}
	if r.Files.Failed != 1 {
		t.Errorf("files %+v", r.Files)
	}

	// The text report says the same for people.
	o = runCLI(t, "", "run", "testdata/loop", "--timeout", "200ms")
	if o.code != ExitLua || !strings.Contains(o.stdout, "scripts/spin.lua:3: stopped after 200ms") {
		t.Errorf("text report (exit %d):\n%s", o.code, o.stdout)
	}
}

// TestUsageErrors: bad usage and unreadable folders exit 2 with a one-line
// reason on standard error and nothing on standard output.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the reason
		// usage is true when the usage text may follow the reason.
		usage bool
	}{
		{name: "run without a folder", args: []string{"run"}, want: "one game folder"},
		{name: "run with two folders", args: []string{"run", "testdata/clean", "testdata/stubs"}, want: "one game folder"},
		{name: "folder that does not exist", args: []string{"run", "testdata/does-not-exist"}, want: "does-not-exist"},
		{name: "a file instead of a folder", args: []string{"run", "testdata/events/clean.events"}, want: "not a folder"},
		{name: "folder that matches no model", args: []string{"run", "testdata/nomodel", "--json"}, want: "matches no model"},
		{name: "unknown flag", args: []string{"run", "--bogus", "testdata/clean"}, want: "bogus"},
		{name: "flag of globals given to run", args: []string{"run", "testdata/clean", "--context", "server"}, want: "context"},
		{name: "timeout that is not a duration", args: []string{"run", "testdata/clean", "--timeout", "soon"}, want: "timeout"},
		{name: "negative timeout", args: []string{"run", "testdata/clean", "--timeout", "-1s"}, want: "timeout"},
		{name: "strict and stubs together", args: []string{"run", "testdata/clean", "--strict", "--stubs"}, want: "--strict and --stubs"},
		{name: "event script that does not exist", args: []string{"run", "testdata/clean", "--events", "testdata/events/nope.events"}, want: "nope.events"},
		{name: "until names no step or message", args: []string{"run", "testdata/clean", "--until", "Nope"}, want: `"Nope"`},
		{name: "globals of a context that does not exist", args: []string{"globals", "testdata/clean", "--context", "sector:nowhere"}, want: "sector:nowhere"},
		{name: "globals at a path that does not exist", args: []string{"globals", "testdata/clean", "--path", "config.nope.deeper"}, want: "nope"},
		{name: "globals of an unreadable folder", args: []string{"globals", "testdata/does-not-exist", "--json"}, want: "does-not-exist"},
		{name: "unknown command", args: []string{"frobnicate", "testdata/clean"}, want: "frobnicate", usage: true},
		{name: "unknown top-level flag", args: []string{"--frobnicate"}, want: "frobnicate", usage: true},
		{name: "window on a path that is not a folder", args: []string{"testdata/does-not-exist"}, want: "does-not-exist", usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code != ExitUsage {
				t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", o.code, ExitUsage, o.stdout, o.stderr)
			}
			if o.stdout != "" {
				t.Errorf("stdout should be empty, got:\n%s", o.stdout)
			}
			lines := strings.Split(strings.TrimSuffix(o.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "modscope: ") || !strings.Contains(lines[0], tc.want) {
				t.Errorf("first line of stderr %q should be modscope: and a reason mentioning %q", lines[0], tc.want)
			}
			if !tc.usage && len(lines) != 1 {
				t.Errorf("stderr should be one line, got %d:\n%s", len(lines), o.stderr)
			}
		})
	}
}

// TestVersionAndHelp: version prints the version; help prints the usage.
func TestVersionAndHelp(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		o := runCLI(t, "", arg)
		if o.code != ExitOK || o.stdout != "modscope "+Version+"\n" || o.stderr != "" {
			t.Errorf("%s: %+v", arg, o)
		}
	}
	o := runCLI(t, "", "help")
	if o.code != ExitOK || !strings.Contains(o.stdout, "modscope run DIR [flags]") || !strings.Contains(o.stdout, "--timeout DUR") {
		t.Errorf("help: %+v", o)
	}
}

// TestWindowCommands: without a command the window opens, on the bundled
// sample or on DIR; a window that fails exits 2 with its reason.
func TestWindowCommands(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		err     error
		wantDir string
		code    int
	}{
		{name: "no arguments open the bundled sample", args: nil, wantDir: "", code: ExitOK},
		{name: "a folder opens that folder", args: []string{"testdata/clean"}, wantDir: "testdata/clean", code: ExitOK},
		{name: "a window that fails exits 2", args: []string{"testdata/clean"}, err: errors.New("no display\nat all"), wantDir: "testdata/clean", code: ExitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			var opened []string
			code := Main(tc.args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
				Window: func(dir string) error { opened = append(opened, dir); return tc.err }})
			assertNoPanicTrace(t, tc.args, outcome{code, out.String(), errb.String()})
			if code != tc.code || !slices.Equal(opened, []string{tc.wantDir}) {
				t.Errorf("exit %d, window opened on %q; want exit %d on %q", code, opened, tc.code, tc.wantDir)
			}
			if tc.err != nil && errb.String() != "modscope: no display; at all\n" {
				t.Errorf("stderr %q", errb.String())
			}
		})
	}
}

// TestGlobals drives `globals DIR` with --context, --path and --json.
func TestGlobals(t *testing.T) {
	type node struct {
		Key   string `json:"key"`
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	type page struct {
		Text  string `json:"text"`
		Type  string `json:"type"`
		Total int    `json:"total"`
		Nodes []node `json:"nodes"`
	}
	rows := func(p page) []string {
		var out []string
		for _, n := range p.Nodes {
			out = append(out, n.Key+"="+n.Value)
		}
		return out
	}
	tests := []struct {
		name  string
		args  []string
		json  bool
		check func(t *testing.T, out string, p page)
	}{
		{
			name: "--path a.b descends into nested tables",
			args: []string{"globals", "testdata/clean", "--context", "server", "--path", "config.limits", "--json"},
			json: true,
			check: func(t *testing.T, _ string, p page) {
				if p.Text != "config.limits" || p.Type != "table" || !slices.Equal(rows(p), []string{"players=8", "sectors=2"}) {
					t.Errorf("page %+v", p)
				}
			},
		},
		{
			name: "the default context of a sectors game is server",
			args: []string{"globals", "testdata/clean", "--json"},
			json: true,
			check: func(t *testing.T, _ string, p page) {
				got := strings.Join(rows(p), " ")
				for _, want := range []string{"answer=42", "doubled=84", "config=table (2)", "players=table (0)"} {
					if !strings.Contains(got, want) {
						t.Errorf("no %s in %s", want, got)
					}
				}
			},
		},
		{
			name: "the text view shows where globals were set",
			args: []string{"globals", "testdata/clean"},
			check: func(t *testing.T, out string, _ page) {
				if !strings.HasPrefix(out, "(root) = table") || !regexp.MustCompile(`(?m)^answer\s+number\s+42\s+set base/server.lua:5$`).MatchString(out) {
					t.Errorf("text view:\n%s", out)
				}
			},
		},
		{
			name: "events run before the globals are read",
			args: []string{"globals", sectorsSample, "--events", sectorsEvents, "--context", "server", "--path", "online_players", "--json"},
			json: true,
			check: func(t *testing.T, _ string, p page) {
				if !slices.Equal(rows(p), []string{`[1]="p1"`, `[2]="p2"`}) {
					t.Errorf("online_players %q", rows(p))
				}
			},
		},
		{
			name: "a scripts context by name",
			args: []string{"globals", scriptsSample, "--context", "script:scripts/game_rules.lua", "--path", "rules", "--json"},
			json: true,
			check: func(t *testing.T, _ string, p page) {
				if !slices.Equal(rows(p), []string{"friendly_fire=false", "max_hp=100"}) {
					t.Errorf("rules %q", rows(p))
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code != ExitOK || o.stderr != "" {
				t.Fatalf("exit %d stderr %s", o.code, o.stderr)
			}
			var p page
			if tc.json {
				dec := json.NewDecoder(strings.NewReader(o.stdout))
				if err := dec.Decode(&p); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, o.stdout)
				}
				if dec.More() {
					t.Errorf("more than one JSON value:\n%s", o.stdout)
				}
			}
			tc.check(t, o.stdout, p)
		})
	}
}

// Times and the folder's absolute path vary between runs and machines.
var (
	msPattern     = regexp.MustCompile(` +[0-9]+(\.[0-9]+)? ms\b`)
	stoppedAfter  = regexp.MustCompile(`stopped after [0-9.]+m?s`)
	trailingBlank = regexp.MustCompile(`(?m)[ \t]+$`)
	rawTime       = regexp.MustCompile(`[0-9] ?m?s\b`)
)

func normalizeText(s, folder string) string {
	s = strings.ReplaceAll(s, folder, "<folder>")
	s = msPattern.ReplaceAllString(s, " <t> ms")
	s = stoppedAfter.ReplaceAllString(s, "stopped after <t>")
	return s
}

// TestTextReportGolden pins the text report (times normalised) of the two
// samples with their event scripts, of a folder with Lua errors and of an
// event script with bad lines.
// go test ./cli -run TextReportGolden -update rewrites the goldens.
func TestTextReportGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{name: "sectors sample playthrough", args: []string{"run", sectorsSample, "--events", sectorsEvents}, code: ExitOK, golden: "sectors.txt"},
		{name: "scripts sample policy tour", args: []string{"run", scriptsSample, "--events", scriptsEvents}, code: ExitOK, golden: "scripts.txt"},
		{name: "folder with Lua errors", args: []string{"run", "testdata/luaerror"}, code: ExitLua, golden: "luaerror.txt"},
		{name: "bad event lines", args: []string{"run", "testdata/clean", "--events", "testdata/events/mixed.events"}, code: ExitLua, golden: "mixed-events.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code != tc.code || o.stderr != "" {
				t.Fatalf("exit %d, want %d; stderr %s", o.code, tc.code, o.stderr)
			}
			if trailingBlank.MatchString(o.stdout) {
				t.Errorf("the text report has trailing blanks:\n%q", o.stdout)
			}
			abs, err := filepath.Abs(tc.args[1])
			if err != nil {
				t.Fatal(err)
			}
			got := normalizeText(o.stdout, abs)
			if m := rawTime.FindString(got); m != "" {
				t.Errorf("a time escaped normalisation: %q", m)
			}
			checkGolden(t, filepath.Join("testdata", "golden", tc.golden), got)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test ./cli -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
