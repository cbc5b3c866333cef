package engine

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// ToLua copies a plain Go value (as decoded from JSON) into the state.
func ToLua(L *lua.LState, v any) lua.LValue {
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
			t.RawSetInt(i+1, ToLua(L, e))
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
			t.RawSetString(k, ToLua(L, x[k]))
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
