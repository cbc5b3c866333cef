package remote

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"modscope/engine"
	"modscope/engine/models"
)

// TestMain lets the test binary be its own engine child.
func TestMain(m *testing.M) {
	ServeIfChild()
	os.Exit(m.Run())
}

// Generous bounds: a 2-core machine shared with concurrent builds.
const (
	waitLong = 2 * time.Minute
	crashDir = "testdata/crash"
)

// long is a watchdog limit the looping fixture never reaches in a test.
var long = engine.Options{Timeout: 10 * time.Minute}

func openRemote(t *testing.T, dir string, opt engine.Options, ro Options) *Driver {
	t.Helper()
	d, err := Open(dir, opt, ro)
	if err != nil {
		t.Fatalf("remote.Open(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		d.Close()
		checkChildStderr(t, d)
	})
	return d
}

// checkChildStderr fails the test when the child reported a data race
// (the race detector in a child only speaks on its standard error).
func checkChildStderr(t *testing.T, d *Driver) {
	t.Helper()
	d.mu.Lock()
	c := d.proc
	d.mu.Unlock()
	if c == nil {
		return
	}
	if s := c.stderr.String(); strings.Contains(s, "DATA RACE") {
		t.Errorf("the engine child reported a data race:\n%s", s)
	}
}

// mustDo runs an event-script line and fails the test when it fails.
func mustDo(t *testing.T, d engine.Driver, line string) engine.Result {
	t.Helper()
	cmd, err := engine.ParseCommand(line)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	r := d.Do(cmd)
	if !r.OK {
		t.Fatalf("%s: %s", line, r.Error)
	}
	return r
}

// events collects a driver's events.
type events struct {
	mu  sync.Mutex
	all []engine.Event
	ch  chan engine.Event
}

func collect(d engine.Driver) *events {
	e := &events{ch: make(chan engine.Event, 4096)}
	d.Subscribe(func(ev engine.Event) {
		e.mu.Lock()
		e.all = append(e.all, ev)
		e.mu.Unlock()
		select {
		case e.ch <- ev:
		default:
		}
	})
	return e
}

// waitFor waits for an event that ok accepts.
func (e *events) waitFor(t *testing.T, what string, ok func(engine.Event) bool) {
	t.Helper()
	timer := time.NewTimer(waitLong)
	defer timer.Stop()
	for {
		select {
		case ev := <-e.ch:
			if ok(ev) {
				return
			}
		case <-timer.C:
			t.Fatalf("no %s in %s", what, waitLong)
		}
	}
}

// ---- remote and in-process agree ----

// normalize turns a value into JSON without times, for comparisons.
func normalize(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "ms" {
					delete(v, k)
					continue
				}
				v[k] = strip(e)
			}
		case []any:
			for i, e := range v {
				v[i] = strip(e)
			}
		case string:
			// times inside texts: "stopped after 5s" stays, "1.23 ms" does not occur
		}
		return v
	}
	out, err := json.MarshalIndent(strip(x), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestRemoteAndInProcessAgree(t *testing.T) {
	for _, tc := range []struct {
		name, dir, script string
		inline            string // a script given here rather than in a file
		opt               engine.Options
		views             []engine.Command
	}{
		{
			name: "a script with a reset inside keeps every line's result", dir: "../../assets/samples/sectors",
			inline: "step\nreset\nrun\neval server return 1",
		},
		{
			name: "a headless script with a reset keeps the records before it", dir: "../../assets/samples/sectors",
			inline: "step\nreset\nrun\neval server return 1", opt: engine.Options{KeepReportOnReset: true},
		},
		{
			name: "the sectors sample and its playthrough", dir: "../../assets/samples/sectors",
			script: "../../assets/samples/sectors/playthrough.events",
			views: []engine.Command{
				{Op: "page", Args: []any{"server"}, Limit: 50},
				{Op: "search", Args: []any{"server", "sector"}},
				{Op: "registries", Args: []any{"server"}},
				{Op: "provenance", Args: []any{"server"}},
			},
		},
		{
			name: "the scripts sample and its policies", dir: "../../assets/samples/scripts",
			script: "../../assets/samples/scripts/policies.events",
			views: []engine.Command{
				{Op: "page", Args: []any{""}, Limit: 50},
				{Op: "diff", Args: []any{""}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.inline)
			if tc.script != "" {
				var err error
				if src, err = os.ReadFile(tc.script); err != nil {
					t.Fatal(err)
				}
			}
			lines := engine.ParseScript(string(src))
			local, err := models.Open(tc.dir, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer local.Close()
			rem := openRemote(t, tc.dir, tc.opt, Options{})
			for _, d := range []engine.Driver{local, rem} {
				d.TrackDiffs(true)
				d.Do(engine.Command{Op: "run"})
				d.RunScript(lines)
			}
			for _, c := range []struct {
				what     string
				loc, rem any
			}{
				{"report", local.Report(), rem.Report()},
				{"log", local.Log(), rem.Log()},
				{"contexts", local.Contexts(), rem.Contexts()},
				{"watches", local.Watches(), rem.Watches()},
			} {
				if a, b := normalize(t, c.loc), normalize(t, c.rem); a != b {
					t.Errorf("%s differs\nin process:\n%s\nremote:\n%s", c.what, a, b)
				}
			}
			// What the parent recorded from the child's events is what the
			// child's session recorded (one recorder on both sides).
			type stepOf struct {
				Name, Kind string
				Files      []engine.FileRun
				Messages   []string
				Errors     int
			}
			steps := func(list []engine.StepReport) []stepOf {
				out := []stepOf{}
				for _, st := range list {
					out = append(out, stepOf{st.Name, st.Kind, st.Files, st.Messages, st.Errors})
				}
				return out
			}
			rem.mu.Lock()
			sh := rem.sh.report(false)
			sh.Steps = rem.sh.rec.Records().Steps // before the child's report completes them
			rem.mu.Unlock()
			child := rem.Report()
			for _, c := range []struct {
				what         string
				shadow, live any
			}{
				{"steps", steps(sh.Steps), steps(child.Steps)},
				{"files", sh.Files, child.Files},
				{"errors", sh.Errors, child.Errors},
				{"messages", sh.Messages, child.Messages},
				{"output", sh.Output, child.Output},
				{"events", sh.Events, child.Events},
			} {
				if a, b := normalize(t, c.shadow), normalize(t, c.live); a != b {
					t.Errorf("%s: the parent recorded\n%s\nthe child\n%s", c.what, a, b)
				}
			}
			ls, ln := local.Steps()
			rs, rn := rem.Steps()
			if !reflect.DeepEqual(ls, rs) || ln != rn {
				t.Errorf("steps: in process %q next %d, remote %q next %d", ls, ln, rs, rn)
			}
			for _, v := range tc.views {
				a, b := local.Do(v), rem.Do(v)
				if x, y := normalize(t, a), normalize(t, b); x != y {
					t.Errorf("%s differs\nin process:\n%s\nremote:\n%s", v.Op, x, y)
				}
			}
		})
	}
}

// viewFields are the names of engine.Result's views: its fields after
// Changes.
func viewFields() []string {
	rt := reflect.TypeOf(engine.Result{})
	var out []string
	after := false
	for i := 0; i < rt.NumField(); i++ {
		if after {
			out = append(out, rt.Field(i).Name)
		}
		after = after || rt.Field(i).Name == "Changes"
	}
	return out
}

// viewsSet lists the view fields r has set.
func viewsSet(r engine.Result) []string {
	rv := reflect.ValueOf(r)
	var out []string
	for _, f := range viewFields() {
		if !rv.FieldByName(f).IsNil() {
			out = append(out, f)
		}
	}
	return out
}

// throughJSON is v encoded and decoded again into a value of its type.
func throughJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := reflect.New(reflect.TypeOf(v))
	if err := json.Unmarshal(b, p.Interface()); err != nil {
		t.Fatal(err)
	}
	return p.Elem().Interface()
}

// viewCase is one view op, as TestEveryViewArrivesTyped runs it.
type viewCase struct {
	name  string
	cmd   engine.Command
	field string // the view field the answer sets
	// rows: the view holds model registry rows, maps of any: JSON does
	// not keep their Go types (an int arrives as a float64), and a
	// thread's id is its address in the process that ran it. The
	// parent's value is then compared with the in-process one through
	// JSON, addresses aside.
	rows bool
}

// address is a Go pointer as Lua's tostring shows it.
var address = regexp.MustCompile(`0x[0-9a-f]+`)

// viewCases runs every view of engine.Result on the autorun sample.
var viewCases = []viewCase{
	{name: "the globals of a context", cmd: engine.Command{Op: "page", Args: []any{"main"}, Limit: 50}, field: "Page"},
	{name: "a page below a path", cmd: engine.Command{Op: "page", Args: []any{"main"}, Path: "FirstDome"}, field: "Page"},
	{name: "the changes of the last step", cmd: engine.Command{Op: "diff", Args: []any{"main"}}, field: "Diff"},
	{name: "two contexts compared", cmd: engine.Command{Op: "diff", Args: []any{"main", "main"}}, field: "Diff"},
	{name: "a search of names and values", cmd: engine.Command{Op: "search", Args: []any{"main", "dome"}}, field: "Search"},
	{name: "the registries", cmd: engine.Command{Op: "registries", Args: []any{"main"}}, field: "Registries", rows: true},
	{name: "one global's provenance", cmd: engine.Command{Op: "provenance", Args: []any{"main", "FirstDome"}}, field: "Provenance"},
	{name: "every global's provenance", cmd: engine.Command{Op: "provenance", Args: []any{"main"}}, field: "AllProvenance"},
	{name: "the API for annotate", cmd: engine.Command{Op: "api", Args: []any{"main"}}, field: "API"},
	{name: "the changes since the mark", cmd: engine.Command{Op: "since"}, field: "ReloadDiff"},
	{name: "the conflicts with every assignment", cmd: engine.Command{Op: "conflicts", Args: []any{"", "all"}}, field: "Conflicts"},
}

// Every view reaches the parent of an engine child as the typed field its
// op sets, equal to what the same op answers in process: the protocol
// sends an engine.Result as its JSON, with no registry of types.
func TestEveryViewArrivesTyped(t *testing.T) {
	const dir = "../../assets/samples/autorun"
	local, err := models.Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	rem := openRemote(t, dir, engine.Options{}, Options{})
	for _, d := range []engine.Driver{local, rem} {
		d.TrackDiffs(true)
		mustDo(t, d, "run")
		d.Do(engine.Command{Op: "mark"})
		for _, line := range []string{"reload", "eval main FirstDome:AddColonist() FirstDome.note = \"typed\""} {
			mustDo(t, d, line)
		}
	}
	for _, tc := range viewCases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := local.Do(tc.cmd), rem.Do(tc.cmd)
			if !a.OK || !b.OK {
				t.Fatalf("in process: %+v\nremote: %+v", a, b)
			}
			for _, r := range []engine.Result{a, b} {
				if got := viewsSet(r); len(got) != 1 || got[0] != tc.field {
					t.Fatalf("%s set the views %v, want only %s", tc.cmd.Op, got, tc.field)
				}
			}
			loc := reflect.ValueOf(a).FieldByName(tc.field).Interface()
			got := reflect.ValueOf(b).FieldByName(tc.field).Interface()
			want := throughJSON(t, loc)
			if tc.rows {
				if x, y := address.ReplaceAllString(normalize(t, want), "0x…"), address.ReplaceAllString(normalize(t, got), "0x…"); x != y {
					t.Errorf("%s differs\nin process:\n%s\nremote:\n%s", tc.field, x, y)
				}
				return
			}
			if !reflect.DeepEqual(want, loc) {
				t.Errorf("%s does not survive JSON:\n%s", tc.field, normalize(t, loc))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s differs\nin process:\n%s\nremote:\n%s", tc.field, normalize(t, loc), normalize(t, got))
			}
		})
	}
}

// Every view field of engine.Result has a case in viewCases (a view
// added without one fails here).
func TestEveryViewHasACase(t *testing.T) {
	have := map[string]bool{}
	for _, tc := range viewCases {
		have[tc.field] = true
	}
	for _, f := range viewFields() {
		if !have[f] {
			t.Errorf("engine.Result.%s has no case in viewCases", f)
		}
	}
}

func TestOpenErrorsAreTheEngines(t *testing.T) {
	for _, tc := range []struct{ name, dir string }{
		{name: "a folder that does not exist", dir: "testdata/no-such-folder"},
		{name: "a folder no model recognizes", dir: "testdata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, lerr := models.Open(tc.dir, engine.Options{})
			d, rerr := Open(tc.dir, engine.Options{}, Options{})
			if d != nil {
				d.Close()
			}
			if lerr == nil || rerr == nil || lerr.Error() != rerr.Error() {
				t.Fatalf("in process: %v\nremote: %v", lerr, rerr)
			}
		})
	}
}

// ---- the child dies ----

// playUntilDeath loads the fixture, sets a global, then joins a sector
// whose big/sector.lua runs for ever; kill (may be nil) makes the child
// die once that file has begun.
func playUntilDeath(t *testing.T, d *Driver, kill func()) engine.Result {
	t.Helper()
	evs := collect(d)
	mustDo(t, d, "run")
	mustDo(t, d, "eval server x = 42")
	res := make(chan engine.Result, 1)
	go func() { res <- d.Do(engine.Command{Op: "join", Args: []any{"p1", "alpha"}}) }()
	evs.waitFor(t, "file_begin of big/sector.lua", func(e engine.Event) bool {
		return e.Kind == engine.EventFileBegin && e.Text == "big/sector.lua"
	})
	if kill != nil {
		kill()
	}
	select {
	case r := <-res:
		return r
	case <-time.After(waitLong):
		t.Fatalf("join did not return in %s after the engine died", waitLong)
	}
	return engine.Result{}
}

const joinWhere = `while running big/sector.lua in step "join p1 alpha"`

func TestKilledMidRun(t *testing.T) {
	d := openRemote(t, crashDir, long, Options{})
	pid := d.Pid()
	r := playUntilDeath(t, d, func() {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", pid, err)
		}
	})
	want := "engine process died (signal: killed) " + joinWhere
	if r.OK || r.Error != want {
		t.Fatalf("join = %+v\nwant error %q", r, want)
	}
	assertDead(t, d, want)

	// Restart up to the fatal event: the load and the eval again.
	dt := d.Died()
	if dt.LogIndex != 4 || dt.File != "big/sector.lua" || dt.Context != "sector:alpha" {
		t.Errorf("death %+v, want log index 4 (3 steps, 1 eval) in big/sector.lua of sector:alpha", dt)
	}
	if err := d.Restart(-1); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if d.Died() != nil || d.Pid() == pid {
		t.Fatalf("after restart: died %v, pid %d (was %d)", d.Died(), d.Pid(), pid)
	}
	if r := mustDo(t, d, "eval server return x, big"); r.Result != "42\t1" {
		t.Errorf("after replay x, big = %q, want 42 and 1", r.Result)
	}
	if steps, next := d.Steps(); next != len(steps) || len(steps) == 0 {
		t.Errorf("after replay steps %q next %d, want all run", steps, next)
	}
	if rep := d.Report(); len(rep.Errors) != 0 {
		t.Errorf("after replay errors %+v, want none (the fatal event was not replayed)", rep.Errors)
	}

	// And a clean restart (a reset of a dead engine is one): nothing has run.
	if err := syscall.Kill(d.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitDead(t, d)
	mustDo(t, d, "reset")
	if _, next := d.Steps(); next != 0 {
		t.Errorf("after a clean restart next step %d, want 0", next)
	}
	if log := d.Log(); len(log) != 0 {
		t.Errorf("after a clean restart log %+v, want empty", log)
	}
}

// waitDead waits until the driver has seen its child die.
func waitDead(t *testing.T, d *Driver) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for d.Died() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the driver did not notice the death in %s", waitLong)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertDead checks what a dead driver answers: the death everywhere,
// fast, and as a recorded error in the report.
func assertDead(t *testing.T, d *Driver, want string) {
	t.Helper()
	start := time.Now()
	if r := d.Do(engine.Command{Op: "step"}); r.OK || r.Error != want {
		t.Errorf("a later command = %+v, want the death", r)
	}
	res := d.RunScript(engine.ParseScript("step\neval server return 1\nnot-a-verb"))
	for _, er := range res {
		if er.OK || !strings.Contains(er.Error, "engine process died") && !strings.Contains(er.Error, "unknown event") {
			t.Errorf("a later script line = %+v, want it failed", er)
		}
	}
	rep := d.Report()
	found := false
	for _, e := range rep.Errors {
		if e.Message == want {
			found = true
		}
	}
	if !found {
		t.Errorf("report errors %+v, want the death recorded", rep.Errors)
	}
	for _, c := range rep.Contexts {
		if c.State != engine.StateUnloaded {
			t.Errorf("context %s is %s in a dead engine's report", c.Name, c.State)
		}
	}
	if len(rep.Events) != len(res) {
		t.Errorf("report events %d, want the %d lines played after the death", len(rep.Events), len(res))
	}
	d.Steps()
	d.Contexts()
	d.Watches()
	d.Interrupt()
	d.TrackDiffs(true)
	if len(d.Log()) == 0 {
		t.Errorf("a dead engine's log is empty; want what ran before the death")
	}
	if el := time.Since(start); el > waitLong {
		t.Errorf("a dead driver took %s to answer: calls must fail fast", el)
	}
}

func TestFatalGoError(t *testing.T) {
	for _, tc := range []struct {
		name, how string
		opts      Options
		want      []string
	}{
		{name: "a Go stack overflow", how: "stack",
			want: []string{"engine process died (exit status 2: fatal error: stack overflow) " + joinWhere}},
		{name: "an allocation past the OS memory limit", how: "oom", opts: Options{MemoryLimit: 512 << 20},
			want: []string{"engine process died (exit status ", ") " + joinWhere}},
		{name: "an exit", how: "exit",
			want: []string{"engine process died (exit status 3) " + joinWhere}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Env = []string{envCrash + "=" + tc.how + ":big/sector.lua"}
			d := openRemote(t, crashDir, long, tc.opts)
			r := playUntilDeath(t, d, nil)
			for _, w := range tc.want {
				if r.OK || !strings.Contains(r.Error, w) {
					t.Fatalf("join = %+v\nwant error with %q", r, w)
				}
			}
			assertDead(t, d, r.Error)
			if err := d.Restart(-1); err != nil {
				t.Fatalf("restart: %v", err)
			}
			// the crash hook fires again if the fatal event is replayed:
			// it was not
			if r := mustDo(t, d, "eval server return x"); r.Result != "42" {
				t.Errorf("after replay x = %q, want 42", r.Result)
			}
		})
	}
}

func TestInterruptIgnoredKillsTheChild(t *testing.T) {
	saved := InterruptGrace
	InterruptGrace = 300 * time.Millisecond
	t.Cleanup(func() { InterruptGrace = saved })
	d := openRemote(t, crashDir, long, Options{Env: []string{envCrash + "=hang:big/sector.lua"}})
	r := playUntilDeath(t, d, d.Interrupt)
	want := `engine process died (killed: the command went on 300ms after an interrupt) ` + joinWhere
	if r.OK || r.Error != want {
		t.Fatalf("join = %+v\nwant error %q", r, want)
	}
	assertDead(t, d, want)
}

func TestDeathBetweenCommandsIsReported(t *testing.T) {
	d := openRemote(t, crashDir, long, Options{})
	evs := collect(d)
	mustDo(t, d, "step")
	if err := syscall.Kill(d.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var got engine.Event
	evs.waitFor(t, "the death as an error event", func(e engine.Event) bool {
		got = e
		return e.Kind == engine.EventError && e.Error != nil
	})
	want := "engine process died (signal: killed) between commands"
	if got.Error.Message != want {
		t.Errorf("error event %q, want %q", got.Error.Message, want)
	}
	if dt := d.Died(); dt == nil || dt.LogIndex != 1 {
		t.Errorf("death %+v, want one log entry before it", dt)
	}
}

func TestCloseEndsTheChild(t *testing.T) {
	d, err := Open(crashDir, long, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, d, "step")
	pid := d.Pid()
	d.Close()
	d.Close() // twice is harmless
	checkChildStderr(t, d)
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the engine process %d still runs after Close", pid)
	}
	if r := d.Do(engine.Command{Op: "step"}); r.Error != "the session is closed" {
		t.Errorf("Do after Close = %+v", r)
	}
	if d.Died() != nil {
		t.Errorf("a closed engine counts as died: %+v", d.Died())
	}
	if err := d.Restart(0); err == nil {
		t.Errorf("Restart after Close worked")
	}
}

func TestInterruptReachesTheChild(t *testing.T) {
	d := openRemote(t, crashDir, long, Options{})
	evs := collect(d)
	mustDo(t, d, "run")
	res := make(chan engine.Result, 1)
	go func() { res <- d.Do(engine.Command{Op: "join", Args: []any{"p1", "alpha"}}) }()
	evs.waitFor(t, "file_begin of big/sector.lua", func(e engine.Event) bool {
		return e.Kind == engine.EventFileBegin && e.Text == "big/sector.lua"
	})
	// An interrupt that arrives between the file's start and its first
	// instruction finds nothing to stop (as in process): interrupt again.
	deadline := time.After(waitLong)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	d.Interrupt()
wait:
	for {
		select {
		case r := <-res:
			if r.OK || !strings.Contains(r.Error, "big/sector.lua") {
				t.Errorf("interrupted join = %+v", r)
			}
			break wait
		case <-tick.C:
			d.Interrupt()
		case <-deadline:
			t.Fatalf("Interrupt did not stop the loop in %s", waitLong)
		}
	}
	if d.Died() != nil {
		t.Fatalf("an interrupt killed the engine: %v", d.Died())
	}
	mustDo(t, d, "eval server return 1")
}

// ---- pieces ----

func TestReplayCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    engine.LogEntry
		want string // "" = not replayed
	}{
		{name: "a step replays as a step", e: engine.LogEntry{Kind: "step", Text: "step"}, want: "step"},
		{name: "a reload replays stepwise: its steps follow", e: engine.LogEntry{Kind: "reload", Text: "reload"}, want: "reload stepwise"},
		{name: "a stepwise reload stays", e: engine.LogEntry{Kind: "reload", Text: "reload stepwise"}, want: "reload stepwise"},
		{name: "an eval keeps its code", e: engine.LogEntry{Kind: "eval", Text: "eval main return #t"}, want: "eval main return #t"},
		{name: "an entry without a line is skipped", e: engine.LogEntry{Kind: "step"}},
		{name: "a line that does not parse is skipped", e: engine.LogEntry{Kind: "msg", Text: "frobnicate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, ok := replayCommand(tc.e)
			got := ""
			if ok {
				got = cmd.String()
			}
			if got != tc.want {
				t.Errorf("replay of %+v = %q, want %q", tc.e, got, tc.want)
			}
		})
	}
}

// A view that does not encode as JSON fails the command with why, and the
// rest of the answer still arrives.
func TestSendable(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    engine.Result
		want engine.Result
	}{
		{
			name: "a view that encodes arrives whole",
			r:    engine.Result{OK: true, Registries: &engine.Registries{Context: "main"}},
			want: engine.Result{OK: true, Registries: &engine.Registries{Context: "main"}},
		},
		{
			name: "a registry row holding a NaN fails the command",
			r: engine.Result{OK: true, Result: "r", Changes: &engine.ContextChanges{Created: []string{"c"}},
				Registries: &engine.Registries{Model: map[string][]map[string]any{"rows": {{"x": math.NaN()}}}}},
			want: engine.Result{Error: "engine: cannot send the registries view: json: unsupported value: NaN", Result: "r",
				Changes: &engine.ContextChanges{Created: []string{"c"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got engine.Result
			if err := json.Unmarshal(sendable(tc.r, "registries"), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestFatalLine(t *testing.T) {
	for _, tc := range []struct{ name, stderr, want string }{
		{name: "a Go fatal error", stderr: "runtime: goroutine stack exceeds 1048576-byte limit\nfatal error: stack overflow\n\ngoroutine 1 gp=...\n", want: "fatal error: stack overflow"},
		{name: "a Go panic", stderr: "panic: boom [recovered]\n\ngoroutine 7 [running]:\n", want: "panic: boom"},
		{name: "the race detector running out of memory", stderr: "==12==ERROR: ThreadSanitizer failed to allocate 0x1000 bytes\n", want: "==12==ERROR: ThreadSanitizer failed to allocate 0x1000 bytes"},
		{name: "the race detector's allocator", stderr: "==6==FATAL: ThreadSanitizer: internal allocator is out of memory\n", want: "==6==FATAL: ThreadSanitizer: internal allocator is out of memory"},
		{name: "the command line's own complaint", stderr: "modscope: internal error: boom\n", want: "modscope: internal error: boom"},
		{name: "the engine's own complaint", stderr: "modscope engine: read request: bad\n", want: "modscope engine: read request: bad"},
		{name: "nothing said", stderr: "", want: ""},
		{name: "noise only", stderr: "something\nelse\n", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &capture{}
			if _, err := c.Write([]byte(tc.stderr)); err != nil {
				t.Fatal(err)
			}
			if got := c.fatalLine(); got != tc.want {
				t.Errorf("fatalLine = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCaptureKeepsHeadAndTail(t *testing.T) {
	c := &capture{}
	c.Write([]byte("fatal error: first\n"))
	for i := 0; i < 10000; i++ {
		c.Write([]byte("goroutine dump line\n"))
	}
	c.Write([]byte("the end\n"))
	s := c.String()
	if !strings.HasPrefix(s, "fatal error: first") || !strings.HasSuffix(s, "the end\n") || len(s) > 3*captureKeep {
		t.Errorf("capture kept %d bytes: %.60q … %q", len(s), s, s[max(0, len(s)-20):])
	}
}

func TestWhere(t *testing.T) {
	for _, tc := range []struct{ name, file, step, cmd, want string }{
		{name: "a file in a step", file: "Lua/Big.lua", step: "Game Lua", want: `while running Lua/Big.lua in step "Game Lua"`},
		{name: "a step without a file", step: "Start", want: `while running step "Start"`},
		{name: "a command without a step", cmd: "page main", want: `while running "page main"`},
		{name: "nothing", want: "between commands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := where(tc.file, tc.step, tc.cmd); got != tc.want {
				t.Errorf("where = %q, want %q", got, tc.want)
			}
		})
	}
}

// ---- overhead (numbers for BENCHMARKS.md; no assertions on time) ----

// BenchmarkStartAndOpen starts a child, opens a folder and closes it;
// MODSCOPE_BENCH_EXE=path/to/modscope measures that binary as the child.
func BenchmarkStartAndOpen(b *testing.B) {
	ro := Options{Executable: os.Getenv("MODSCOPE_BENCH_EXE")}
	for b.Loop() {
		d, err := Open(crashDir, long, ro)
		if err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}

func BenchmarkRoundTrip(b *testing.B) {
	d, err := Open(crashDir, long, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	d.Do(engine.Command{Op: "step"})
	b.Run("remote", func(b *testing.B) {
		for b.Loop() {
			d.Steps()
		}
	})
	b.Run("remote eval", func(b *testing.B) {
		for b.Loop() {
			d.Do(engine.Command{Op: "eval", Args: []any{"server"}, Code: "return 1"})
		}
	})
	s, err := models.Open(crashDir, long)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Do(engine.Command{Op: "step"})
	b.Run("in process eval", func(b *testing.B) {
		for b.Loop() {
			s.Do(engine.Command{Op: "eval", Args: []any{"server"}, Code: "return 1"})
		}
	})
}

func TestRestartWhileAliveReplaysEverything(t *testing.T) {
	d := openRemote(t, crashDir, long, Options{})
	d.TrackDiffs(true)
	mustDo(t, d, "run")
	mustDo(t, d, "eval server x = 42")
	if r := d.Do(engine.Command{Op: "watch", Args: []any{"server"}, Code: "x"}); !r.OK || r.Result != "42" {
		t.Fatalf("watch = %+v", r)
	}
	pid := d.Pid()
	if err := d.Restart(-1); err != nil {
		t.Fatal(err)
	}
	if d.Pid() == pid {
		t.Fatalf("Restart kept the process %d", pid)
	}
	if r := mustDo(t, d, "eval server return x"); r.Result != "42" {
		t.Errorf("after replay x = %q, want 42", r.Result)
	}
	if w := d.Watches(); len(w) != 1 || w[0].Value != "42" {
		t.Errorf("watches after restart %+v, want x = 42 again", w)
	}
	if log := d.Log(); len(log) != 5 {
		t.Errorf("log after restart %d entries, want the 4 replayed (3 load steps, 1 eval) and the eval after", len(log))
	}
}
