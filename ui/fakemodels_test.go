package ui

// The window's tests drive the real models (modscope/engine/models): sectors
// on assets/samples/sectors, scripts on assets/samples/scripts. For autorun
// they use the real model on assets/samples/autorun when both are there and
// the model loads the sample; otherwise a stand-in autorun model, on the
// fixture testdata/autorun, so that the flows stay tested either way.
// MODSCOPE_UI_AUTORUN=real or =standin forces the choice (real without the
// bundled sample runs the fixture).

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
	"modscope/engine/models"
)

// autorunReal tells whether the real autorun model runs the autorun flows
// (decided once by TestMain).
var autorunReal bool

func TestMain(m *testing.M) {
	var why string
	autorunReal, why = chooseAutorun()
	if !autorunReal {
		engine.RegisterModel(engine.ModelAutorun, func(h *engine.Host) (engine.Model, error) {
			return &standinAutorun{h: h}, nil
		})
	}
	which := "the stand-in on testdata/autorun"
	if autorunReal {
		which = "the real model"
	}
	fmt.Fprintf(os.Stderr, "ui tests: autorun flows use %s (%s)\n", which, why)
	os.Exit(m.Run())
}

// chooseAutorun decides whether the real autorun model is usable.
func chooseAutorun() (bool, string) {
	switch os.Getenv("MODSCOPE_UI_AUTORUN") {
	case "real":
		return true, "MODSCOPE_UI_AUTORUN=real"
	case "standin":
		return false, "MODSCOPE_UI_AUTORUN=standin"
	}
	if !contains(engine.RegisteredModels(), engine.ModelAutorun) {
		return false, "no autorun model is linked in"
	}
	dir, err := findSample(engine.ModelAutorun)
	if err != nil {
		return false, "assets/samples/autorun is not there yet"
	}
	if err := probeAutorun(dir); err != nil {
		return false, "the real model does not load the sample: " + err.Error()
	}
	return true, dir + " loads"
}

// probeAutorun opens the sample with the real model and runs every step;
// the model works when that ends, within a generous bound, with a main
// context.
func probeAutorun(dir string) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		s, err := models.Open(dir, engine.Options{})
		if err != nil {
			done <- err
			return
		}
		defer s.Close()
		s.Do(engine.Command{Op: "run"})
		steps, next := s.Steps()
		if len(steps) == 0 || next != len(steps) {
			done <- fmt.Errorf("ran %d of %d steps", next, len(steps))
			return
		}
		for _, c := range s.Contexts() {
			if c.Name == "main" {
				done <- nil
				return
			}
		}
		done <- fmt.Errorf("no main context after loading")
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(3 * time.Minute):
		return fmt.Errorf("loading did not finish in 3 minutes")
	}
}

// sample returns the folder a flow runs on: the bundled sample, or for
// autorun with the stand-in (or without the sample) the fixture.
func sample(t *testing.T, name string) string {
	t.Helper()
	if name == engine.ModelAutorun && !autorunReal {
		return fixture(t, name)
	}
	p, err := findSample(name)
	if err != nil {
		if name == engine.ModelAutorun {
			return fixture(t, name)
		}
		t.Fatalf("the %s flows need the bundled sample: %v", name, err)
	}
	return p
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// standinAutorun is a three-step autorun: "Lua environment" creates main,
// "Game Lua" runs Lua/**, "Post load" sends Autorun; msg calls
// OnMsg[name](args...).
type standinAutorun struct {
	h    *engine.Host
	main *engine.Context
	next int
}

var standinSteps = []string{"Lua environment", "Game Lua", "Post load"}

func (m *standinAutorun) Steps() []string { return standinSteps }
func (m *standinAutorun) Next() int       { return m.next }

func (m *standinAutorun) Contexts() []*engine.Context {
	if m.main == nil {
		return nil
	}
	return []*engine.Context{m.main}
}

func (m *standinAutorun) Close() {
	if m.main != nil {
		m.main.Close()
		m.main = nil
	}
}

func (m *standinAutorun) RunStep() engine.StepOutcome {
	i := m.next
	m.next++
	if m.main == nil {
		c, err := m.h.NewContext("main", "")
		if err != nil {
			return engine.StepOutcome{Error: err.Error(), Fatal: true}
		}
		m.main = c
	}
	c := m.main
	var out engine.StepOutcome
	c.Do(func(o *engine.Lua) {
		o.SetStep(standinSteps[i])
		switch i {
		case 1:
			for _, f := range m.h.Game.ListLua("Lua") {
				o.ExecFile(f, nil)
			}
		case 2:
			m.send(o, "Autorun", nil)
			out.Messages = []string{"Autorun"}
		}
	})
	if i == len(standinSteps)-1 {
		c.SetState(engine.StateActive)
	}
	return out
}

// send calls OnMsg[name](args...) in c (owner goroutine).
func (m *standinAutorun) send(c *engine.Lua, name string, args []any) {
	t, ok := c.Globals().RawGetString("OnMsg").(*lua.LTable)
	if !ok {
		return
	}
	fn, ok := t.RawGetString(name).(*lua.LFunction)
	if !ok {
		return
	}
	var lv []lua.LValue
	for _, a := range args {
		switch x := a.(type) {
		case string:
			lv = append(lv, lua.LString(x))
		case float64:
			lv = append(lv, lua.LNumber(x))
		case bool:
			lv = append(lv, lua.LBool(x))
		}
	}
	c.Call(fn, lv, "OnMsg."+name)
}

func (m *standinAutorun) Do(cmd engine.Command) (engine.Result, bool) {
	switch cmd.Op {
	case "msg":
		if m.main == nil {
			return engine.Failed("msg: there is no context yet (step first)"), true
		}
		if err := m.main.Do(func(o *engine.Lua) { m.send(o, cmd.Arg(0), cmd.Args[1:]) }); err != nil {
			return engine.Failed("msg: context %s: %v", m.main.Name, err), true
		}
		return engine.Result{OK: true}, true
	case "reload":
		m.next = 1
		return engine.Result{OK: true}, true
	case "advance":
		return engine.Result{OK: true}, true
	}
	return engine.Result{}, false
}
