package ui

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"modscope/engine"
	"modscope/engine/models"
	"modscope/engine/remote"
	"modscope/ui/control"
)

// dyingDriver is an in-process session whose engine can be made to "die"
// the way a remote.Driver reports it (the window's tests do not start
// engine processes; engine/remote's tests kill real ones).
type dyingDriver struct {
	*engine.Session
	mu        sync.Mutex
	death     *remote.Death
	listeners []func(engine.Event)
	restarts  []int
}

func (d *dyingDriver) Subscribe(fn func(engine.Event)) func() {
	d.mu.Lock()
	d.listeners = append(d.listeners, fn)
	d.mu.Unlock()
	return d.Session.Subscribe(fn)
}

func (d *dyingDriver) Do(cmd engine.Command) engine.Result {
	if dt := d.Died(); dt != nil {
		return engine.Result{Error: dt.Err}
	}
	return d.Session.Do(cmd)
}

func (d *dyingDriver) Died() *remote.Death {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.death
}

func (d *dyingDriver) Restart(replayUpTo int) error {
	d.mu.Lock()
	d.death = nil
	d.restarts = append(d.restarts, replayUpTo)
	d.mu.Unlock()
	d.Session.Do(engine.Command{Op: "reset"})
	return nil
}

// die reports a death as remote.Driver does: an error event.
func (d *dyingDriver) die(dt *remote.Death) {
	d.mu.Lock()
	d.death = dt
	ls := make([]func(engine.Event), len(d.listeners))
	copy(ls, d.listeners)
	d.mu.Unlock()
	rec := engine.ErrorRecord{Context: dt.Context, Step: dt.Step, File: dt.File, Message: dt.Err}
	for _, l := range ls {
		l(engine.Event{Kind: engine.EventError, Context: dt.Context, Error: &rec})
	}
}

func (d *dyingDriver) restartsSoFar() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]int(nil), d.restarts...)
}

// TestEngineCrashDialog: when the engine dies the window says what was
// running and offers Restart (replaying up to the fatal event) and
// Restart clean; editor buffers keep their unsaved edits.
func TestEngineCrashDialog(t *testing.T) {
	dir, err := filepath.Abs("../assets/samples/sectors")
	if err != nil {
		t.Fatal(err)
	}
	var drv *dyingDriver
	saved := control.OpenDriver
	control.OpenDriver = func(dir string, opt engine.Options) (engine.Driver, error) {
		s, err := models.Open(dir, opt)
		if err != nil {
			return nil, err
		}
		drv = &dyingDriver{Session: s}
		return drv, nil
	}
	t.Cleanup(func() { control.OpenDriver = saved })

	h := newHarness(t)
	u := h.u
	h.open(dir)
	u.ctl.RunAll(nil)
	h.idle()
	file := filepath.Join(dir, "base", "server.lua")
	u.editor.open(file, 0)
	u.editor.ed.SetText("-- an edit that is not saved\n")

	for _, tc := range []struct {
		name   string
		choice int
		want   int // replayUpTo asked for
	}{
		{name: "Restart replays up to the fatal event", choice: crashRestart, want: 2},
		{name: "Restart clean replays nothing", choice: crashRestartClean, want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			n := len(h.asked)
			before := len(drv.restartsSoFar())
			h.answer = func(title string, choices []string) int {
				if title == "The engine stopped" {
					return tc.choice
				}
				return len(choices) - 1
			}
			msg := `engine process died (signal: killed) while running base/server.lua in step "Server context"`
			drv.die(&remote.Death{Err: msg, File: "base/server.lua", Step: "Server context", Context: "server", LogIndex: 2})
			h.waitFor("the crash dialog", func() bool { return len(h.asked) > n })
			if !strings.Contains(h.asked[n], msg) || !strings.Contains(h.asked[n], "editor buffer") {
				t.Errorf("the dialog said %q", h.asked[n])
			}
			h.waitFor("the restart", func() bool { return len(drv.restartsSoFar()) > before })
			h.idle()
			if got := drv.restartsSoFar()[before]; got != tc.want {
				t.Errorf("restarted replaying %d events, want %d", got, tc.want)
			}
			if !strings.HasPrefix(u.ctl.Status, "Engine restarted") {
				t.Errorf("status %q", u.ctl.Status)
			}
			if u.editor.path != file || u.editor.ed.Text() != "-- an edit that is not saved\n" || !u.editor.ed.Dirty() {
				t.Errorf("the editor buffer changed: %q (dirty %v)", u.editor.ed.Text(), u.editor.ed.Dirty())
			}
			// one dialog a death
			u.ctl.Notify(ChangeBusy)
			if len(h.asked) != n+1 {
				t.Errorf("asked again: %q", h.asked[n+1:])
			}
		})
	}
}
