package engine

import lua "github.com/yuin/gopher-lua"

// stubLibraryFields gives the standard library tables (table, string, math,
// coroutine) the stub-mode rule of globals: a missing field that the code
// uses as a value (table.append, say, which only the game's own core
// library defines) is a recording stand-in named "table.append"; a missing
// field that is only tested stays nil. It also makes the builtins accept
// stand-ins (stubbuiltins.go).
func (c *Lua) stubLibraryFields(G *lua.LTable) {
	// os and io are left out: their missing functions (os.exit, io.popen)
	// were removed by the sandbox and must fail, not record.
	for _, lib := range []string{"table", "string", "math", "coroutine"} {
		if t, ok := G.RawGetString(lib).(*lua.LTable); ok {
			c.fieldStandIns(t, lib, StubLibrary)
		}
	}
	c.stubBuiltins(G)
}

// fieldStandIns gives table t (named prefix) stand-ins of the given kind
// for its missing fields, in stub mode, unless t already has a metatable.
func (c *Lua) fieldStandIns(t *lua.LTable, prefix, kind string) {
	if t.Metatable != lua.LNil {
		return
	}
	L := c.L
	meta := L.CreateTable(0, 2)
	meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		key, ok := L.Get(2).(lua.LString)
		if ok && c.game.Stubs() {
			L.Push(c.stubFor(L, prefix+"."+string(key), kind))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	if prefix == "table" && kind == StubLibrary {
		// the game's core helpers (table.find, table.copy, ...) are added
		// in Lua: each accepts a stand-in list (stubHelper)
		meta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
			t, k, v := L.CheckTable(1), L.Get(2), L.Get(3)
			if f, ok := v.(*lua.LFunction); ok && !f.IsG {
				v = c.stubHelper(f)
			}
			t.RawSet(k, v)
			return 0
		}))
	}
	L.SetMetatable(t, meta)
}

// stubHelper wraps a core helper written in Lua (table.find): given a
// stand-in as its list, it answers with that stand-in — the engine's data
// is unknown, and so is what a query on it finds — or nil where the answer
// is only tested. Otherwise the helper runs as written.
func (c *Lua) stubHelper(f *lua.LFunction) *lua.LFunction {
	return c.L.NewFunction(func(L *lua.LState) int {
		if _, ok := stubNameOf(L.Get(1)); ok && c.game.Stubs() {
			if readIsTested(L) {
				L.Push(lua.LNil)
				return 1
			}
			L.Push(L.Get(1))
			return 1
		}
		top := L.GetTop()
		L.Push(f)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, lua.MultRet)
		return L.GetTop() - top
	})
}

// EngineTable gives t, a table the engine fills (named name), stand-ins of
// the given kind for its missing fields in stub mode (owner goroutine).
func (c *Lua) EngineTable(t *lua.LTable, name, kind string) {
	if !c.game.Stubs() {
		return
	}
	if kind == "" {
		kind = StubGlobal
	}
	c.fieldStandIns(t, name, kind)
}

// stubCompare returns the __lt and __le handlers of stand-ins (a stand-in
// compares as 0), created once per state.
func (c *Lua) stubCompare() (*lua.LFunction, *lua.LFunction) {
	L := c.L
	num := func(L *lua.LState, i int) float64 {
		switch v := L.Get(i).(type) {
		case lua.LNumber:
			return float64(v)
		default:
			if _, ok := c.stubName(v); ok {
				return 0
			}
			L.RaiseError("attempt to compare %s with %s", L.Get(1).Type(), L.Get(2).Type())
		}
		return 0
	}
	lt := L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(num(L, 1) < num(L, 2)))
		return 1
	})
	le := L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(num(L, 1) <= num(L, 2)))
		return 1
	})
	return lt, le
}
