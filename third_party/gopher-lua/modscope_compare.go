package lua

// modscope: MixedCompare lets the host decide order comparisons that Lua
// rejects because the operands differ in type (modscope's stub mode: an
// engine stand-in compares as 0 with a number). Nil, or ok false, keeps
// Lua's error. Set it once, before any state runs.
var MixedCompare func(lhs, rhs LValue, orEqual bool) (result bool, ok bool)

func mixedCompare(L *LState, lhs, rhs LValue, orEqual bool) bool {
	if MixedCompare != nil {
		if r, ok := MixedCompare(lhs, rhs, orEqual); ok {
			return r
		}
	}
	L.RaiseError("attempt to compare %v with %v", lhs.Type().String(), rhs.Type().String())
	return false
}
