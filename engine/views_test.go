package engine

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"modscope/inspector"
)

// recreateModel is a one-step test model whose "reload" command closes its
// only context and creates a new one under the same name, as a sector
// loaded again or a policy regrouping does.
type recreateModel struct {
	h    *Host
	ctx  *Context
	next int
}

func (m *recreateModel) Steps() []string { return []string{"load"} }
func (m *recreateModel) Next() int       { return m.next }

func (m *recreateModel) RunStep() StepOutcome {
	m.next++
	if err := m.create(); err != nil {
		return StepOutcome{Error: err.Error()}
	}
	return StepOutcome{}
}

func (m *recreateModel) create() error {
	c, err := m.h.NewContext("main", "")
	if err != nil {
		return err
	}
	m.ctx = c
	c.Do(func(o *Lua) {
		o.SetStep("load")
		for _, f := range m.h.Game.ListLua("Lua") {
			o.ExecFile(f, nil)
		}
	})
	c.SetState(StateActive)
	return nil
}

func (m *recreateModel) Contexts() []*Context {
	if m.ctx == nil {
		return nil
	}
	return []*Context{m.ctx}
}

func (m *recreateModel) Do(cmd Command) (Result, bool) {
	if cmd.Op != "reload" {
		return Result{}, false
	}
	m.closeCtx()
	if err := m.create(); err != nil {
		return Failed("%v", err), true
	}
	return Result{OK: true}, true
}

func (m *recreateModel) closeCtx() {
	if m.ctx != nil {
		m.h.Retire(m.ctx)
		m.ctx.Close()
		m.ctx = nil
	}
}

func (m *recreateModel) Close() { m.closeCtx() }

// openRecreate opens a folder with files under the test model (registered
// as sectors for the test's duration).
func openRecreate(t *testing.T, files map[string]string) *Session {
	t.Helper()
	old, had := specs[ModelSectors]
	specs[ModelSectors] = &ModelSpec{Name: ModelSectors, New: func(h *Host) (Model, error) { return &recreateModel{h: h}, nil }}
	t.Cleanup(func() {
		if had {
			specs[ModelSectors] = old
		} else {
			delete(specs, ModelSectors)
		}
	})
	dir := t.TempDir()
	files["modscope.toml"] = `model = "sectors"`
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.TrackDiffs(true)
	return s
}

func diffOf(t *testing.T, s *Session, ctx string) inspector.DiffResult {
	t.Helper()
	r := s.Do(Command{Op: "diff", Args: []any{ctx}})
	if !r.OK {
		t.Fatalf("diff %s: %s", ctx, r.Error)
	}
	if r.Diff == nil {
		t.Fatalf("diff answered %+v, no diff", r)
	}
	return *r.Diff
}

func paths(es []inspector.DiffEntry) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

func TestDiffSinceLastStep(t *testing.T) {
	for _, tc := range []struct {
		name        string
		then        []Command // after the first step
		wantAdded   []string
		wantChanged []string
	}{
		{
			name:      "a context new in the step shows what the game defined",
			wantAdded: []string{"A", "Shared"},
		},
		{
			name:      "an eval in the same state shows only what it changed",
			then:      []Command{{Op: "eval", Args: []any{"main"}, Code: "C = 3; A = 2"}},
			wantAdded: []string{"C"}, wantChanged: []string{"A"},
		},
		{
			name:      "a context recreated under the same name is compared with its built-ins, not the old state",
			then:      []Command{{Op: "reload"}},
			wantAdded: []string{"A", "Shared"},
		},
		{
			name:      "after a reset the new state is not compared with the old session's",
			then:      []Command{{Op: "reset"}, {Op: "step"}},
			wantAdded: []string{"A", "Shared"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openRecreate(t, map[string]string{
				"Lua/a.lua": "A = 1\nShared = { x = 1 }\nfunction Shared.f() return 1 end\n",
			})
			if r := s.Do(Command{Op: "step"}); !r.OK {
				t.Fatalf("step: %s", r.Error)
			}
			for _, c := range tc.then {
				if r := s.Do(c); !r.OK {
					t.Fatalf("%s: %s", c, r.Error)
				}
			}
			d := diffOf(t, s, "main")
			if got := strings.Join(paths(d.Added), ","); got != strings.Join(tc.wantAdded, ",") {
				t.Errorf("added = %s, want %s", got, strings.Join(tc.wantAdded, ","))
			}
			if got := strings.Join(paths(d.Changed), ","); got != strings.Join(tc.wantChanged, ",") {
				t.Errorf("changed = %s, want %s (built-ins must not show as changed)", got, strings.Join(tc.wantChanged, ","))
			}
			if len(d.Removed) != 0 {
				t.Errorf("removed = %v, want none", paths(d.Removed))
			}
		})
	}
}

func TestEvalReportsOnlyTheFinalOutcome(t *testing.T) {
	for _, tc := range []struct {
		name       string
		code       string
		wantResult string
		wantErr    string // "" when the eval succeeds
	}{
		{name: "an expression runs as return <expr> without an error", code: "A + 1", wantResult: "2"},
		{name: "a statement runs as it is", code: "B = A * 10", wantResult: ""},
		{name: "a return statement runs as it is", code: "return A, 'x'", wantResult: "1\tx"},
		{name: "code that compiles neither way reports its own syntax error once", code: "x = = 1", wantErr: "eval:1:"},
		{name: "a runtime error is reported once", code: "error('boom')", wantErr: "boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openRecreate(t, map[string]string{"Lua/a.lua": "A = 1\n"})
			if r := s.Do(Command{Op: "step"}); !r.OK {
				t.Fatalf("step: %s", r.Error)
			}
			var mu sync.Mutex
			var errs []ErrorRecord
			unsub := s.Subscribe(func(e Event) {
				if e.Kind == EventError && e.Error != nil {
					mu.Lock()
					errs = append(errs, *e.Error)
					mu.Unlock()
				}
			})
			defer unsub()
			before := len(s.Report().Errors)
			r := s.Do(Command{Op: "eval", Args: []any{"main"}, Code: tc.code})
			mu.Lock()
			got := append([]ErrorRecord(nil), errs...)
			mu.Unlock()
			rep := s.Report()
			log := s.Log()
			last := log[len(log)-1]
			if tc.wantErr == "" {
				if !r.OK || r.Result != tc.wantResult {
					t.Fatalf("eval %q = %+v, want ok %q", tc.code, r, tc.wantResult)
				}
				if len(got) != 0 {
					t.Errorf("error events for a successful eval: %+v", got)
				}
				if len(rep.Errors) != before || !last.OK {
					t.Errorf("report errors %d (were %d), log %+v", len(rep.Errors), before, last)
				}
				return
			}
			if r.OK || !strings.Contains(r.Error, tc.wantErr) {
				t.Fatalf("eval %q = %+v, want an error with %q", tc.code, r, tc.wantErr)
			}
			if len(got) != 1 || !strings.Contains(FormatError(got[0]), tc.wantErr) {
				t.Errorf("error events = %+v, want exactly one with %q", got, tc.wantErr)
			}
			if len(rep.Errors) != before+1 || len(last.Errors) != 1 {
				t.Errorf("report errors %d (were %d), log errors %q", len(rep.Errors), before, last.Errors)
			}
		})
	}
}
