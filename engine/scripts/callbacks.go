package scripts

import (
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// Chunk names of the initializer snippets, so errors and provenance point
// at the scene file.
const (
	chunkContextInit = "scene.toml[initializers.context]"
	chunkPreHandling = "scene.toml[initializers.pre_handling]"
)

// install gives a new context its API (owner goroutine):
// register_callback(name, fn) and the context_key table.
func (m *Model) install(x *sctx) {
	c := x.c
	L := c.L
	c.DefineGlobal("register_callback", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		fn := L.CheckFunction(2)
		m.register(x, name, fn, c.Where())
		return 0
	}))
	c.DefineGlobal("context_key", keyTable(L, x.key))
}

// register records a register_callback call: one callback per (script,
// name) in a context; registering again replaces it.
func (m *Model) register(x *sctx, name string, fn *lua.LFunction, where string) {
	script := ""
	if x.cur != nil {
		script = x.cur.Script
	}
	x.cbMu.Lock()
	defer x.cbMu.Unlock()
	for _, cb := range x.callbacks {
		if cb.Script == script && cb.Name == name {
			x.c.RemoveHandler(name, cb.Fn)
			cb.Fn, cb.Where = fn, where
			x.c.AddHandler(name, fn, where)
			return
		}
	}
	x.callbacks = append(x.callbacks, &callback{Script: script, Name: name, Where: where, Fn: fn})
	x.c.AddHandler(name, fn, where)
}

// dropCallbacks forgets the callbacks script registered in x, unless
// another resident still runs that script (owner goroutine).
func (m *Model) dropCallbacks(x *sctx, script string, remaining []Key) {
	for _, r := range remaining {
		if r.Script == script {
			return
		}
	}
	x.cbMu.Lock()
	defer x.cbMu.Unlock()
	kept := x.callbacks[:0]
	for _, cb := range x.callbacks {
		if cb.Script == script {
			x.c.RemoveHandler(cb.Name, cb.Fn)
			continue
		}
		kept = append(kept, cb)
	}
	x.callbacks = kept
}

// registered finds the callback name registered for script (or by code
// that ran for no script) in x.
func (x *sctx) registered(script, name string) *callback {
	x.cbMu.Lock()
	defer x.cbMu.Unlock()
	var any *callback
	for _, cb := range x.callbacks {
		if cb.Name != name {
			continue
		}
		if cb.Script == script {
			return cb
		}
		if cb.Script == "" {
			any = cb
		}
	}
	return any
}

// resolve finds the function that handles callback name for attachment a
// in x: a registered callback wins over a same-named global function.
func (x *sctx) resolve(a Key, name string) (*lua.LFunction, string) {
	if cb := x.registered(a.Script, name); cb != nil {
		return cb.Fn, cb.Where
	}
	if fn, ok := x.c.GetGlobal(name).(*lua.LFunction); ok {
		return fn, a.Script
	}
	return nil, ""
}

// contextInit sets context_key and runs the scene's context initializer
// (owner goroutine).
func (m *Model) contextInit(x *sctx) {
	x.c.DefineGlobal("context_key", keyTable(x.c.L, x.key))
	if strings.TrimSpace(m.scene.InitContext) != "" {
		x.c.RunString(chunkContextInit, m.scene.InitContext)
	}
}

// preHandling sets context_key and attachment and runs the scene's
// pre-handling initializer; false when the initializer failed.
func (m *Model) preHandling(x *sctx, a Key) bool {
	L := x.c.L
	x.c.DefineGlobal("context_key", keyTable(L, x.key))
	x.c.DefineGlobal("attachment", attachmentTable(L, a))
	if strings.TrimSpace(m.scene.PreHandling) == "" {
		return true
	}
	_, rec := x.c.RunString(chunkPreHandling, m.scene.PreHandling)
	return rec == nil
}

// lifecycle calls on_script_loaded/unloaded/reloaded for a when x defines
// it; nothing is recorded when it does not.
func (m *Model) lifecycle(x *sctx, a Key, name string, args []lua.LValue) ([]lua.LValue, bool) {
	if fn, _ := x.resolve(a, name); fn == nil {
		return nil, false
	}
	res, handled, _ := m.call(x, a, name, args, true)
	return res, handled
}

// call delivers callback name to attachment a in x (owner goroutine): the
// pre-handling initializer, then the function, timed and recorded as a
// message. A failure is recorded in the context; the caller goes on.
func (m *Model) call(x *sctx, a Key, name string, args []lua.LValue, lifecycle bool) ([]lua.LValue, bool, *engine.ErrorRecord) {
	c := x.c
	start := time.Now()
	prev := x.cur
	x.cur = &a
	defer func() { x.cur = prev }()
	var res []lua.LValue
	var rec *engine.ErrorRecord
	handled := 0
	if fn, _ := x.resolve(a, name); fn != nil {
		handled = 1
		if m.preHandling(x, a) {
			if fn, what := x.resolve(a, name); fn != nil { // the initializer may have changed it
				res, rec = c.Call(fn, args, what)
			}
		}
	}
	if handled > 0 || !lifecycle {
		strs := make([]string, 0, len(args))
		for _, v := range args {
			strs = append(strs, engine.FormatArg(engine.ToPlain(v, 8)))
		}
		m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: c.Name, Message: &engine.MessageRecord{
			Name: name, Context: c.Name, Target: a.Label(), Args: strs, Handlers: handled, Ms: msSince(start)}})
	}
	return res, handled > 0, rec
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// keyTable builds {entity = <id or nil>, script = <path or nil>}.
func keyTable(L *lua.LState, k Key) *lua.LTable {
	t := L.CreateTable(0, 2)
	if k.HasEntity {
		t.RawSetString("entity", lua.LNumber(k.Entity))
	}
	if k.Script != "" {
		t.RawSetString("script", lua.LString(k.Script))
	}
	return t
}

// attachmentTable describes the attachment being handled, in the same shape.
func attachmentTable(L *lua.LState, a Key) *lua.LTable { return keyTable(L, a) }
