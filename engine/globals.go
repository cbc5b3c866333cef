package engine

import (
	lua "github.com/yuin/gopher-lua"
)

// globalsTable keeps a context's globals in store and gives Lua code an
// always-empty proxy whose metamethods see every assignment. That is how
// provenance (defined at / last assigned at), per-step changes, the autorun
// rule on new globals, strict reads and engine stubs are implemented.
type globalsTable struct {
	c     *Lua
	store *lua.LTable
	proxy *lua.LTable
	prov  map[string]*Provenance
}

func newGlobalsTable(c *Lua, store *lua.LTable) *globalsTable {
	L := c.L
	g := &globalsTable{c: c, store: store, proxy: L.CreateTable(0, 0), prov: map[string]*Provenance{}}
	meta := L.CreateTable(0, 3)
	meta.RawSetString("__index", store)
	meta.RawSetString("__newindex", L.NewFunction(g.newIndex))
	meta.RawSetString("__metatable", lua.LString("modscope globals"))
	L.SetMetatable(g.proxy, meta)
	smeta := L.CreateTable(0, 1)
	smeta.RawSetString("__index", L.NewFunction(g.missing))
	L.SetMetatable(store, smeta)

	// Raw access and iteration on _G go to the store.
	origNext := store.RawGetString("next")
	unproxy := func(v lua.LValue) lua.LValue {
		if v == g.proxy {
			return store
		}
		return v
	}
	next := L.NewFunction(func(L *lua.LState) int {
		L.Replace(1, unproxy(L.Get(1)))
		return origNext.(*lua.LFunction).GFunction(L)
	})
	store.RawSetString("next", next)
	store.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		t := L.Get(1)
		if _, ok := t.(*lua.LTable); !ok {
			L.ArgError(1, "table expected, got "+t.Type().String())
		}
		L.Push(next)
		L.Push(unproxy(t))
		L.Push(lua.LNil)
		return 3
	}))
	store.RawSetString("rawget", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(unproxy(t).(*lua.LTable).RawGet(L.Get(2)))
		return 1
	}))
	store.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		k, v := L.Get(2), L.Get(3)
		if k == lua.LNil {
			L.RaiseError("table index is nil")
		}
		if t == g.proxy {
			g.assign(L, k, v)
		} else {
			t.RawSet(k, v)
		}
		L.Push(t)
		return 1
	}))
	return g
}

// newIndex handles `name = value` for every global.
func (g *globalsTable) newIndex(L *lua.LState) int {
	k, v := L.Get(2), L.Get(3)
	if g.c.LockNewGlobals && v != lua.LNil && g.store.RawGet(k) == lua.LNil && g.store.RawGetString("Loading") != lua.LTrue &&
		!g.c.engineGlobal(L, k.String()) { // an engine global exists (stubglobals.go)
		L.RaiseError("assignment to undeclared global '%s' (new globals may only be created while Loading)", k.String())
	}
	g.assign(L, k, v)
	return 0
}

func (g *globalsTable) assign(L *lua.LState, k, v lua.LValue) {
	old := g.store.RawGet(k)
	g.store.RawSet(k, v)
	name, ok := k.(lua.LString)
	if !ok {
		return
	}
	c := g.c
	where := c.where(1)
	p := g.prov[string(name)]
	switch {
	case v == lua.LNil:
		if old != lua.LNil {
			c.changes.Removed = append(c.changes.Removed, string(name))
		}
	case old == lua.LNil:
		c.changes.Added = append(c.changes.Added, string(name))
	case old != v:
		c.changes.Changed = append(c.changes.Changed, string(name))
	}
	if c.assigns != nil {
		c.assigns.global(string(name), old, v, where) // conflicts.go (before provenance moves)
	}
	if p == nil {
		p = &Provenance{Name: string(name), Context: c.Name, DefinedAt: where, DefinedStep: c.step}
		g.prov[string(name)] = p
	}
	p.AssignedAt, p.AssignedStep = where, c.step
	if t, isTable := v.(*lua.LTable); isTable && c.game.Stubs() {
		if kind, ok := engineTables[string(name)]; ok {
			c.fieldStandIns(t, string(name), kind)
		}
	}
}

// engineTables are the tables the engine fills (in C, or in CommonLua that
// a game does not ship): in stub mode their missing fields are stand-ins of
// the kind given, as undefined globals are.
var engineTables = map[string]string{"const": StubConst, "config": StubConfig, "g_Classes": StubClass, "Presets": StubPreset}

// missing handles a read of an undefined global.
func (g *globalsTable) missing(L *lua.LState) int {
	name, ok := L.Get(2).(lua.LString)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	c := g.c
	if c.game.Stubs() {
		if _, failed := c.definedByFailed(string(name)); failed {
			// defined by a file of the folder that failed before it got
			// there: not an engine name (rootcause.go)
			L.Push(lua.LNil)
			return 1
		}
		L.Push(c.stubFor(L, string(name), StubGlobal))
		return 1
	}
	if c.StrictReads && g.store.RawGetString("Loading") != lua.LTrue {
		L.RaiseError("attempt to read undefined global '%s'", string(name))
	}
	L.Push(lua.LNil)
	return 1
}

// DefineGlobal sets a global from the host, recording provenance as
// "[engine]" so that the inspector can tell engine exports apart.
func (c *Lua) DefineGlobal(name string, v lua.LValue) {
	c.globals.store.RawSetString(name, v)
	if _, ok := c.globals.prov[name]; !ok {
		c.globals.prov[name] = &Provenance{Name: name, Context: c.Name, DefinedAt: "[engine]", DefinedStep: c.step, AssignedAt: "[engine]", AssignedStep: c.step}
	}
}

// GetGlobal reads a global without triggering stubs or strict errors.
func (c *Lua) GetGlobal(name string) lua.LValue { return c.globals.store.RawGetString(name) }

// ModuleTable makes a module table whose missing fields are stand-ins in
// stub mode (for example the sectors model's `engine` module).
func (c *Lua) ModuleTable(name string, t *lua.LTable) *lua.LTable {
	L := c.L
	meta := L.CreateTable(0, 3)
	meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		key := L.Get(2)
		if c.game.Stubs() {
			L.Push(c.stubFor(L, stubKey(name, key), StubModule))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	L.SetMetatable(t, meta)
	return t
}
