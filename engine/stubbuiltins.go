package engine

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// stubBuiltins makes the Go builtins accept stand-ins with a neutral
// meaning (stub mode): a stand-in is an empty list to iterate, a table that
// takes inserts (recorded) and gives nothing back, and an unknown number or
// string to the math, string and os functions, which then answer with a
// stand-in. Calls without a stand-in argument go straight to the builtin.
func (c *Lua) stubBuiltins(G *lua.LTable) {
	L := c.L
	empty := L.NewFunction(func(L *lua.LState) int { return 0 })
	first := func(L *lua.LState) bool { _, ok := stubNameOf(L.Get(1)); return ok }
	iterNothing := func(L *lua.LState) int {
		L.Push(empty)
		L.Push(L.Get(1))
		L.Push(lua.LNil)
		return 3
	}
	base := map[string]stubPolicy{
		"pairs":  {when: first, do: iterNothing},
		"ipairs": {when: first, do: iterNothing},
		"next":   {when: first, do: pushNil},
		"unpack": {when: first, do: nothing},
		"rawget": {when: first, do: pushNil},
		"rawset": {when: first, do: func(L *lua.LState) int {
			c.writeInto(L.Get(1))
			L.Push(L.Get(1))
			return 1
		}},
		"setmetatable": {when: anyStub, do: func(L *lua.LState) int {
			if _, ok := stubNameOf(L.Get(2)); ok {
				// an engine metatable (weak_values_meta): the table stays plain
				if t, ok := L.Get(1).(*lua.LTable); ok && t.Metatable == lua.LNil {
					L.Push(t)
					return 1
				}
			}
			L.Push(L.Get(1))
			return 1
		}},
	}
	for name, p := range base {
		c.wrapBuiltin(G, name, p)
	}
	if t, ok := G.RawGetString("table").(*lua.LTable); ok {
		for name, p := range map[string]stubPolicy{
			"insert": {when: anyStub, do: func(L *lua.LState) int {
				if _, ok := stubNameOf(L.Get(1)); ok {
					c.writeInto(L.Get(1))
					return 0
				}
				// table.insert(t, stand-in position, v): at the end
				if t, ok := L.Get(1).(*lua.LTable); ok && L.GetTop() >= 3 {
					t.Append(L.Get(3))
					return 0
				}
				return -1
			}},
			"remove": {when: first, do: pushNil},
			"concat": {when: func(L *lua.LState) bool { return anyStub(L) || holdsStub(L.Get(1)) }, do: func(L *lua.LState) int {
				if _, ok := stubNameOf(L.Get(1)); ok {
					L.Push(lua.LString(""))
					return 1
				}
				if t, ok := L.Get(1).(*lua.LTable); ok && holdsStub(t) {
					// stand-ins in the list read as "stub:NAME", as tostring gives
					n := t.Len()
					cp := L.CreateTable(n, 0)
					for i := 1; i <= n; i++ {
						v := t.RawGetInt(i)
						if name, isStub := stubNameOf(v); isStub {
							v = lua.LString("stub:" + name)
						}
						cp.RawSetInt(i, v)
					}
					L.Replace(1, cp)
				}
				if _, ok := stubNameOf(L.Get(2)); ok {
					L.Replace(2, lua.LString(""))
				}
				return -1
			}},
			"sort":   {when: first, do: nothing},
			"getn":   {when: first, do: pushZero},
			"maxn":   {when: first, do: pushZero},
			"unpack": {when: first, do: nothing},
		} {
			c.wrapBuiltin(t, name, p)
		}
	}
	standIn := func(L *lua.LState) int {
		for i := 1; i <= L.GetTop(); i++ {
			if n, ok := stubNameOf(L.Get(i)); ok {
				L.Push(c.stubOf(n, ""))
				return 1
			}
		}
		return -1
	}
	for _, lib := range []string{"math", "os", "string"} {
		t, ok := G.RawGetString(lib).(*lua.LTable)
		if !ok {
			continue
		}
		var names []string
		t.ForEach(func(k, v lua.LValue) {
			if f, ok := v.(*lua.LFunction); ok && f.IsG {
				names = append(names, k.String())
			}
		})
		for _, name := range names {
			p := stubPolicy{when: anyStub, do: standIn}
			switch {
			case lib == "string" && name == "format":
				p.do = c.formatWithStubs
			case lib == "string" && name == "len":
				p = stubPolicy{when: first, do: pushZero}
			case lib == "string" && name == "rep":
				p.do = func(L *lua.LState) int {
					L.Push(lua.LString(""))
					return 1
				}
			}
			c.wrapBuiltin(t, name, p)
		}
	}
	// wrapped matches aliases only while the builtins are wrapped; kept,
	// it cost every context ~3 KB.
	c.ss().wrapped = nil
}

// stubPolicy is what a builtin does when a stand-in is among its arguments
// (when): do answers, or returns -1 to run the builtin after all.
type stubPolicy struct {
	when func(L *lua.LState) bool
	do   func(L *lua.LState) int
}

func anyStub(L *lua.LState) bool {
	for i := 1; i <= L.GetTop(); i++ {
		if _, ok := stubNameOf(L.Get(i)); ok {
			return true
		}
	}
	return false
}

// holdsStub reports whether list v has a stand-in among its first items.
func holdsStub(v lua.LValue) bool {
	t, ok := v.(*lua.LTable)
	if !ok {
		return false
	}
	n := t.Len()
	for i := 1; i <= n && i <= 4096; i++ {
		if _, isStub := stubNameOf(t.RawGetInt(i)); isStub {
			return true
		}
	}
	return false
}

func pushNil(L *lua.LState) int  { L.Push(lua.LNil); return 1 }
func pushZero(L *lua.LState) int { L.Push(lua.LNumber(0)); return 1 }
func nothing(*lua.LState) int    { return 0 }

// wrapBuiltin replaces the Go function t[name] by one that applies p.
func (c *Lua) wrapBuiltin(t *lua.LTable, name string, p stubPolicy) {
	orig, ok := t.RawGetString(name).(*lua.LFunction)
	if !ok || !orig.IsG {
		return
	}
	st := c.ss()
	if w, done := st.wrapped[orig]; done { // string.gfind == string.gmatch stays true
		t.RawSetString(name, w)
		return
	}
	g := orig.GFunction
	w := c.L.NewFunction(func(L *lua.LState) int {
		if c.game.Stubs() && p.when(L) {
			if n := p.do(L); n >= 0 {
				return n
			}
		}
		return g(L)
	})
	// g runs in w's frame: it must see its own upvalues (ipairs keeps its
	// iterator in one)
	w.Upvalues = orig.Upvalues
	if st.wrapped == nil {
		st.wrapped = map[*lua.LFunction]*lua.LFunction{}
	}
	st.wrapped[orig] = w
	t.RawSetString(name, w)
}

// writeInto records an assignment or insert into a stand-in.
func (c *Lua) writeInto(v lua.LValue) {
	if n, ok := stubNameOf(v); ok {
		c.stubRecord(n, "").Writes++
	}
}

// formatWithStubs runs string.format with each stand-in argument replaced:
// by 0 where the format wants a number, by "stub:NAME" where it wants a
// string; a stand-in format string gives a stand-in.
func (c *Lua) formatWithStubs(L *lua.LState) int {
	if n, ok := stubNameOf(L.Get(1)); ok {
		L.Push(c.stubOf(n, ""))
		return 1
	}
	f := L.CheckString(1)
	arg := 2
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		for i < len(f) && strings.IndexByte("-+ #0123456789.", f[i]) >= 0 {
			i++
		}
		if i >= len(f) || f[i] == '%' {
			continue
		}
		if n, ok := stubNameOf(L.Get(arg)); ok && arg <= L.GetTop() {
			if f[i] == 's' || f[i] == 'q' {
				L.Replace(arg, lua.LString("stub:"+n))
			} else {
				L.Replace(arg, lua.LNumber(0))
			}
		}
		arg++
	}
	return -1
}
