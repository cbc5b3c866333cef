package engine

import (
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// ToLua copies a plain Go value (as decoded from JSON) into the state.
func ToLua(L *lua.LState, v any) lua.LValue { return ToLuaWith(L, v, nil) }

// ToLuaWith is ToLua with a converter for the values that are not plain
// (other is asked first for every value below a list or map too; it
// answers false to leave the value to ToLua). Map keys go in sorted, so
// the table's iteration order is the same from run to run.
func ToLuaWith(L *lua.LState, v any, other func(any) (lua.LValue, bool)) lua.LValue {
	if other != nil {
		if lv, ok := other(v); ok {
			return lv
		}
	}
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case int:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []any:
		t := L.CreateTable(len(x), 0)
		for i, e := range x {
			t.RawSetInt(i+1, ToLuaWith(L, e, other))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.RawSetString(k, ToLuaWith(L, x[k], other))
		}
		return t
	default:
		return lua.LNil
	}
}

// ToPlain copies a Lua value out as a plain Go value: tables of plain values
// become maps or slices; functions and other state-bound values become nil.
// depth bounds nesting; cycles end as nil.
func ToPlain(v lua.LValue, depth int) any {
	switch x := v.(type) {
	case lua.LBool:
		return bool(x)
	case lua.LNumber:
		return float64(x)
	case lua.LString:
		return string(x)
	case *lua.LTable:
		if depth <= 0 {
			return nil
		}
		n := x.Len()
		count := 0
		x.ForEach(func(lua.LValue, lua.LValue) { count++ })
		if n > 0 && n == count {
			out := make([]any, n)
			for i := 1; i <= n; i++ {
				out[i-1] = ToPlain(x.RawGetInt(i), depth-1)
			}
			return out
		}
		out := map[string]any{}
		x.ForEach(func(k, e lua.LValue) {
			switch k.(type) {
			case lua.LString, lua.LNumber, lua.LBool:
				out[k.String()] = ToPlain(e, depth-1)
			}
		})
		return out
	default:
		return nil
	}
}

// ArgsToLua converts a command's arguments.
func ArgsToLua(L *lua.LState, args []any) []lua.LValue {
	out := make([]lua.LValue, len(args))
	for i, a := range args {
		out[i] = ToLua(L, a)
	}
	return out
}

// DisplayString renders v for the person (an eval's result, a watch): the
// builtin tostring's meaning, a __tostring metamethod or the plain
// rendering, never a tostring the game redefined, and a metamethod runs
// under the watchdog like any call (one that loops is stopped, and its
// failure is the rendering, never a recorded error). Owner goroutine only.
func (c *Lua) DisplayString(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber, lua.LBool, *lua.LNilType:
		return x.String()
	}
	if name, ok := c.stubName(v); ok {
		return "stub:" + name
	}
	mm := c.L.GetMetaField(v, "__tostring")
	if mm == lua.LNil {
		return v.String()
	}
	res, err := c.callQuiet(mm, []lua.LValue{v}, "tostring")
	if err != nil {
		return fmt.Sprintf("(%s: __tostring failed: %s)", v.Type(), limitString(err.Message, 200))
	}
	if len(res) == 0 {
		return v.String()
	}
	switch r := res[0].(type) {
	case lua.LString:
		return string(r)
	case lua.LNumber, lua.LBool, *lua.LNilType:
		return r.String()
	}
	return v.String()
}

// callQuiet is Call without recording the error: the caller shows it.
func (c *Lua) callQuiet(fn lua.LValue, args []lua.LValue, what string) ([]lua.LValue, *ErrorRecord) {
	n, lost := len(c.errs), c.errsLost
	quiet := c.quiet
	c.quiet = true
	defer func() { c.quiet = quiet }()
	res, rec := c.Call(fn, args, what)
	if rec != nil {
		c.errs, c.errsLost = c.errs[:n], lost
	}
	return res, rec
}
