package autorun

import (
	"fmt"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// mainContext is the one context, main, of both autorun models (modscope's
// own core and a shipped loader). The handle c is set on the model's step
// goroutine and read by the session's views from others, so every access
// holds mu. o is its owner access, for the model's code that runs on the
// owner goroutine (inside c.Do, and the Lua callbacks installed there):
// only that code reads or writes it, without mu (setContext's first job
// sets it; closeContext leaves it: nothing runs on a closed context).
type mainContext struct {
	mu sync.Mutex
	c  *engine.Context
	o  *engine.Lua // owner goroutine only; never under mu
}

// setContext makes c the main context: init runs first on its owner
// goroutine, where the owner access is kept for the model.
func (m *mainContext) setContext(c *engine.Context, init func(o *engine.Lua)) error {
	if err := c.Do(func(o *engine.Lua) { m.o = o; init(o) }); err != nil {
		c.Close()
		return fmt.Errorf("set up context %s: %w", c.Name, err)
	}
	m.mu.Lock()
	m.c = c
	m.mu.Unlock()
	return nil
}

// Contexts implements engine.Model.
func (m *mainContext) Contexts() []*engine.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.c == nil {
		return nil
	}
	return []*engine.Context{m.c}
}

// context returns the main context, or nil before it exists.
func (m *mainContext) context() *engine.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c
}

// closeContext closes the main context, if any; the model has none after.
// It does not touch o (owner goroutine only): no job of the closed context
// runs again to read it.
func (m *mainContext) closeContext() {
	m.mu.Lock()
	c := m.c
	m.c = nil
	m.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// registryError is the row a registry holds when the context could not be
// asked (unloaded meanwhile): both autorun models report it the same way.
func registryError(c *engine.Context, err error) map[string]any {
	return map[string]any{"error": fmt.Sprintf("registries: context %s: %v", c.Name, err)}
}

// platform is the context's Platform table, or an empty one (owner
// goroutine).
func (m *mainContext) platform() *lua.LTable {
	if t, ok := m.o.GetGlobal("Platform").(*lua.LTable); ok {
		return t
	}
	return &lua.LTable{}
}

// runMainCommand runs a model command (msg, event, ...) on the main
// context's owner goroutine, as a step named after the command: before
// the first step it fails; a context unloaded meanwhile fails it, naming
// the operation and the context; otherwise body's result, OK unless it
// carries an error.
func (m *mainContext) runMainCommand(cmd engine.Command, body func(o *engine.Lua) engine.Result) (engine.Result, bool) {
	c := m.context()
	if c == nil {
		return engine.Failed("nothing is loaded yet: step or run first"), true
	}
	var res engine.Result
	err := c.Do(func(o *engine.Lua) {
		o.SetStep(cmd.String())
		res = body(o)
	})
	if err != nil {
		return engine.Failed("%s: context %s: %v", cmd.Op, c.Name, err), true
	}
	if res.Error == "" {
		res.OK = true
	}
	return res, true
}

// runMainStep is the frame both models' RunStep share: the next of steps
// (next advanced), the main context made by create at StepEnv, body run on
// its owner goroutine with the step's name set, an unloaded context said
// as the step's fatal error, and the context active once the last step
// ran (body may change the steps to come).
func (m *mainContext) runMainStep(steps *[]string, next *int, create func() error, body func(o *engine.Lua, name string) engine.StepOutcome) engine.StepOutcome {
	if *next >= len(*steps) {
		return engine.StepOutcome{Error: "every step has run"}
	}
	name := (*steps)[*next]
	*next++
	if name == StepEnv {
		if err := create(); err != nil {
			return engine.StepOutcome{Error: err.Error(), Fatal: true}
		}
	}
	c := m.context()
	if c == nil {
		return engine.StepOutcome{Error: "there is no Lua state (the first step did not run)", Fatal: true}
	}
	var out engine.StepOutcome
	err := c.Do(func(o *engine.Lua) {
		o.SetStep(name)
		out = body(o, name)
	})
	if err != nil {
		return engine.StepOutcome{Error: fmt.Sprintf("step %s: context %s: %v", name, c.Name, err), Fatal: true}
	}
	if *next >= len(*steps) {
		c.SetState(engine.StateActive)
	}
	return out
}
