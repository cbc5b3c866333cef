package lua

// modscope: ForNonNumber lets the host give numbers to a numeric for whose
// init, limit or step is not a number, instead of Lua's "for statement ...
// must be a number" (modscope's stub mode: a loop bounded by an engine
// stand-in runs zero times). It gets the three values and returns the
// numbers to use; ok false keeps Lua's error. Nil (the default) costs one
// nil check per loop entry. Set it once, before any state runs.
var ForNonNumber func(L *LState, init, limit, step LValue) (i, l, s LNumber, ok bool)

// forNonNumber is called by OP_FORPREP when ForNonNumber is set: if one of
// the registers RA..RA+2 is not a number and the host gives numbers, they
// replace the three registers.
func forNonNumber(L *LState, RA int) {
	reg := L.reg
	init, limit, step := reg.Get(RA), reg.Get(RA+1), reg.Get(RA+2)
	_, n1 := init.(LNumber)
	_, n2 := limit.(LNumber)
	_, n3 := step.(LNumber)
	if n1 && n2 && n3 {
		return
	}
	i, l, s, ok := ForNonNumber(L, init, limit, step)
	if !ok {
		return
	}
	reg.Set(RA, i)
	reg.Set(RA+1, l)
	reg.Set(RA+2, s)
}
