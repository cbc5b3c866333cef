package engine

import lua "github.com/yuin/gopher-lua"

// stubLibraryFields gives the standard library tables (table, string, math,
// coroutine) the stub-mode rule of globals: a missing field that the
// code then calls, indexes or does arithmetic on (table.append, say, which
// only the game's own core library defines) is a recording stand-in named
// "table.append"; a missing field that is only tested or stored stays nil.
func (c *Context) stubLibraryFields(G *lua.LTable) {
	L := c.L
	// os and io are left out: their missing functions (os.exit, io.popen)
	// were removed by the sandbox and must fail, not record.
	for _, lib := range []string{"table", "string", "math", "coroutine"} {
		t, ok := G.RawGetString(lib).(*lua.LTable)
		if !ok || t.Metatable != lua.LNil {
			continue
		}
		name := lib
		meta := L.CreateTable(0, 1)
		meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			key, ok := L.Get(2).(lua.LString)
			if ok && c.game.Stubs() && usedAsObject(L) {
				L.Push(c.Stub(name + "." + string(key)))
				return 1
			}
			L.Push(lua.LNil)
			return 1
		}))
		L.SetMetatable(t, meta)
	}
	// pairs/ipairs over a stand-in (`for _, o in ipairs(GetObjects())`)
	// iterate nothing, as over an empty list.
	empty := L.NewFunction(func(L *lua.LState) int { return 0 })
	for _, name := range []string{"pairs", "ipairs"} {
		orig, ok := G.RawGetString(name).(*lua.LFunction)
		if !ok {
			continue
		}
		G.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			if _, isStub := c.stubName(L.Get(1)); isStub && c.game.Stubs() {
				L.Push(empty)
				L.Push(lua.LNil)
				L.Push(lua.LNil)
				return 3
			}
			top := L.GetTop()
			L.Push(orig)
			for i := 1; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(top, lua.MultRet)
			return L.GetTop() - top
		}))
	}
}

// stubCompare returns the __lt and __le handlers of stand-ins (two
// stand-ins compare as 0), created once per state.
func (c *Context) stubCompare() (*lua.LFunction, *lua.LFunction) {
	L := c.L
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if lt, ok := reg.RawGetString("modscope.stublt").(*lua.LFunction); ok {
		return lt, reg.RawGetString("modscope.stuble").(*lua.LFunction)
	}
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
	reg.RawSetString("modscope.stublt", lt)
	reg.RawSetString("modscope.stuble", le)
	return lt, le
}
