package control

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

// Generous: a 2-core machine shared with concurrent builds.
const waitLong = 2 * time.Minute

// harness drives a Controller the way the window does, with the test's
// goroutine as the UI goroutine: what the controller posts runs in wait.
type harness struct {
	t      *testing.T
	c      *Controller
	posted chan func()
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, posted: make(chan func(), 4096)}
	h.c = NewController(func(fn func()) { h.posted <- fn })
	t.Cleanup(h.c.Close)
	return h
}

// wait runs posted functions until ok holds.
func (h *harness) wait(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.After(waitLong)
	for !ok() {
		select {
		case fn := <-h.posted:
			fn()
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s (status %q, busy %d)", what, h.c.Status, h.c.Busy)
		}
	}
}

// do runs one of the controller's actions to its end.
func (h *harness) do(what string, action func(done func(engine.Result))) engine.Result {
	h.t.Helper()
	var res *engine.Result
	action(func(r engine.Result) { res = &r })
	h.wait(what, func() bool { return res != nil })
	h.idle()
	return *res
}

// idle waits until every queued job has run and posted.
func (h *harness) idle() {
	h.t.Helper()
	done := false
	h.c.Sync(func() { done = true })
	h.wait("the worker", func() bool { return done && h.c.Busy == 0 })
}

func (h *harness) open(dir string) {
	h.t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		h.t.Fatal(err)
	}
	var openErr error
	opened := false
	h.c.Open(abs, engine.Options{}, func(err error) { openErr, opened = err, true })
	h.wait("the folder to open", func() bool { return opened })
	if openErr != nil {
		h.t.Fatalf("open %s: %v", dir, openErr)
	}
	h.idle()
}

const autorunSample = "../../assets/samples/autorun"

// A reload collects every context's changes as a typed engine.ReloadDiff,
// with what reloaded it.
func TestReloadCollectsItsChanges(t *testing.T) {
	h := newHarness(t)
	h.open(autorunSample)
	if r := h.do("run all", h.c.RunAll); !r.OK {
		t.Fatalf("run all: %s", r.Error)
	}
	if r := h.do("the eval", func(done func(engine.Result)) {
		h.c.Eval("main", "FirstDome:AddColonist()", done)
	}); !r.OK {
		t.Fatalf("eval: %s", r.Error)
	}
	if r := h.do("the reload", h.c.Reload); !r.OK {
		t.Fatalf("reload: %s", r.Error)
	}
	h.wait("the reload's changes", func() bool { return h.c.ReloadDiff != nil })
	if !h.c.ReloadDiff.Marked || len(h.c.ReloadDiff.Contexts) == 0 || h.c.ReloadWhy != "Ctrl+R" {
		t.Errorf("reload diff %+v (why %q)", h.c.ReloadDiff, h.c.ReloadWhy)
	}
	if h.c.Next != len(h.c.Steps) {
		t.Errorf("a reload without breakpoints left step %d of %d to run", h.c.Next, len(h.c.Steps))
	}
}

// With a breakpoint, a reload is stepwise (engine.Command.Stepwise): it
// stops before the breakpoint's step, and the history replays it as the
// event-script line "reload stepwise".
func TestReloadStopsAtABreakpoint(t *testing.T) {
	h := newHarness(t)
	h.open(autorunSample)
	if r := h.do("run all", h.c.RunAll); !r.OK {
		t.Fatalf("run all: %s", r.Error)
	}
	const stop = "CommonLua/Classes"
	h.c.ToggleBreakpoint(stop)
	h.do("the reload", h.c.Reload)
	if h.c.Next >= len(h.c.Steps) || h.c.Steps[h.c.Next] != stop {
		t.Fatalf("the reload stopped at step %d of %q, want before %s (status %q)", h.c.Next, h.c.Steps, stop, h.c.Status)
	}
	if !strings.Contains(h.c.Status, "stopped at the breakpoint before "+stop) {
		t.Errorf("status %q", h.c.Status)
	}
	if s := h.c.Script(); !strings.Contains(s, "\nreload stepwise\n") {
		t.Errorf("the history does not replay the stepwise reload:\n%s", s)
	}
	h.c.ToggleBreakpoint(stop)
	if r := h.do("the rest", h.c.RunAll); !r.OK || h.c.Next != len(h.c.Steps) {
		t.Errorf("the rest of the reload: %+v, step %d of %d", r, h.c.Next, len(h.c.Steps))
	}
}

// OnWorker hands a job the open folder's driver, and skips it when no
// folder is open.
func TestOnWorker(t *testing.T) {
	h := newHarness(t)
	ran := false
	h.c.OnWorker(func(engine.Driver) { ran = true })
	h.idle()
	if ran {
		t.Error("a job ran with no folder open")
	}
	h.open(autorunSample)
	var model string
	done := false
	h.c.OnWorker(func(d engine.Driver) {
		m := d.Report().Model
		h.c.Post(func() { model, done = m, true })
	})
	h.wait("the job", func() bool { return done })
	if model != "autorun" {
		t.Errorf("the job saw model %q", model)
	}
}

func TestDoneAfterClose(t *testing.T) {
	h := newHarness(t)
	select {
	case <-h.c.Done():
		t.Fatal("done before Close")
	default:
	}
	h.c.Close()
	select {
	case <-h.c.Done():
	case <-time.After(waitLong):
		t.Fatal("not done after Close")
	}
}

func TestSplitWhere(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		file string
		line int
	}{
		{"a file and a line", "Lua/a.lua:12", "Lua/a.lua", 12},
		{"a Lua error", "Lua/a.lua:12: attempt to index a nil value", "Lua/a.lua", 12},
		{"a trailing colon", "scripts/door.lua:3:", "scripts/door.lua", 3},
		{"no line", "no line here", "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, l, _ := SplitWhere(c.in)
			if f != c.file || l != c.line {
				t.Errorf("SplitWhere(%q) = %q, %d", c.in, f, l)
			}
		})
	}
}
