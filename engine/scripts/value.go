package scripts

import (
	"errors"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// BMS hands values between Lua and the game as ScriptValues: the value
// on_script_unloaded returns reaches on_script_reloaded only after a trip
// Lua -> ScriptValue -> Lua (bevy_mod_scripting_lua's bindings/script_value.rs,
// FromLua and IntoLua for LuaScriptValue). The trip changes tables:
//
//   - an empty table becomes an empty list;
//   - a table whose first key (in pairs order) is a string becomes a map:
//     every key is turned into a string (numbers too: [5] becomes ["5"]),
//     and a key that is neither a string nor a number fails the conversion;
//   - any other table becomes a list of its values in pairs order, renumbered
//     1..n: the keys are dropped, so {[2]=a, [7]=b} comes back as {a, b};
//   - a function becomes a new function that calls the old one, converting
//     its arguments and results the same way;
//   - a reflected reference (entity, script_asset) passes through;
//     coroutines and other userdata fail the conversion.
//
// scriptValue is a converted value: nil, bool, float64, string, []any,
// map[string]any, *lua.LFunction or *lua.LUserData.
type scriptValue = any

// maxValueDepth bounds the nesting of a converted value. BMS recurses
// without a bound, so a table that contains itself overflows its stack;
// modscope reports an error instead.
const maxValueDepth = 100

var errTooDeep = errors.New("the value is nested more than 100 levels deep (a table that contains itself?): BMS would overflow its stack converting it")

// toScriptValue converts a Lua value as BMS's FromLua for LuaScriptValue does.
func toScriptValue(v lua.LValue, depth int) (scriptValue, error) {
	if depth > maxValueDepth {
		return nil, errTooDeep
	}
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(x), nil
	case lua.LNumber:
		return float64(x), nil
	case lua.LString:
		return string(x), nil
	case *lua.LFunction:
		return x, nil
	case *lua.LUserData:
		if isReference(x) {
			return x, nil
		}
		return nil, errors.New("cannot convert userdata to a ScriptValue: only reflected references cross into the game")
	case *lua.LTable:
		k, _ := x.Next(lua.LNil)
		if k == lua.LNil {
			return []any{}, nil
		}
		if _, isStr := k.(lua.LString); isStr {
			m := map[string]any{}
			var err error
			pairs(x, func(k, v lua.LValue) {
				if err != nil {
					return
				}
				var ks string
				switch kk := k.(type) {
				case lua.LString:
					ks = string(kk)
				case lua.LNumber:
					ks = kk.String()
				default:
					err = fmt.Errorf("cannot convert a table key of type %s to a string (a table whose first key is a string is converted as a map)", k.Type())
					return
				}
				var cv scriptValue
				if cv, err = toScriptValue(v, depth+1); err == nil {
					m[ks] = cv
				}
			})
			if err != nil {
				return nil, err
			}
			return m, nil
		}
		var list []any
		var err error
		pairs(x, func(_, v lua.LValue) {
			if err != nil {
				return
			}
			var cv scriptValue
			if cv, err = toScriptValue(v, depth+1); err == nil {
				list = append(list, cv)
			}
		})
		if err != nil {
			return nil, err
		}
		if list == nil {
			list = []any{}
		}
		return list, nil
	}
	return nil, fmt.Errorf("cannot convert a %s to a ScriptValue", v.Type())
}

// fromScriptValue builds the Lua value BMS's IntoLua for LuaScriptValue
// builds (owner goroutine of L).
func fromScriptValue(L *lua.LState, v scriptValue) lua.LValue {
	return engine.ToLuaWith(L, v, func(v any) (lua.LValue, bool) {
		switch x := v.(type) {
		case *lua.LUserData:
			return x, true // a reference passes through
		case *lua.LFunction:
			return wrapFunction(L, x), true
		}
		return nil, false
	})
}

// wrapFunction is the function a converted function becomes: a new
// function that converts its arguments, calls the original and converts
// what it returns (one result as itself, several as several).
func wrapFunction(L *lua.LState, fn *lua.LFunction) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		args := make([]lua.LValue, 0, n)
		for i := 1; i <= n; i++ {
			sv, err := toScriptValue(L.Get(i), 0)
			if err != nil {
				L.RaiseError("argument %d: %v", i, err)
			}
			args = append(args, fromScriptValue(L, sv))
		}
		top := L.GetTop()
		L.Push(fn)
		for _, a := range args {
			L.Push(a)
		}
		L.Call(len(args), lua.MultRet)
		got := L.GetTop() - top
		res := make([]lua.LValue, got)
		for i := 0; i < got; i++ {
			res[i] = L.Get(top + 1 + i)
		}
		L.SetTop(top)
		for i, r := range res {
			sv, err := toScriptValue(r, 0)
			if err != nil {
				L.RaiseError("result %d: %v", i+1, err)
			}
			L.Push(fromScriptValue(L, sv))
		}
		return len(res)
	})
}

// throughScriptValue sends v on BMS's round trip (Lua -> ScriptValue -> Lua).
func throughScriptValue(L *lua.LState, v lua.LValue) (lua.LValue, error) {
	sv, err := toScriptValue(v, 0)
	if err != nil {
		return lua.LNil, err
	}
	return fromScriptValue(L, sv), nil
}

// pairs walks t in the order Lua's pairs would (ForEach walks Go maps in
// random order).
func pairs(t *lua.LTable, cb func(k, v lua.LValue)) {
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		cb(k, v)
	}
}
