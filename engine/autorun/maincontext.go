package autorun

import (
	"sync"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// mainContext is the one context, main, of both autorun models (modscope's
// own core and a shipped loader): set on the owner's step goroutine, read
// by the session's views from others, so every access holds mu.
type mainContext struct {
	mu sync.Mutex
	c  *engine.Context
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
func (m *mainContext) closeContext() {
	m.mu.Lock()
	c := m.c
	m.c = nil
	m.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// platform is the context's Platform table, or an empty one (owner
// goroutine).
func (m *mainContext) platform() *lua.LTable {
	if t, ok := m.c.GetGlobal("Platform").(*lua.LTable); ok {
		return t
	}
	return &lua.LTable{}
}
