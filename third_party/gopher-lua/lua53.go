package lua

// Lua 5.3 operators on gopher-lua's float64 numbers (modscope patch, see
// MODSCOPE-PATCH.md). Numbers stay LNumber (float64); the bitwise operators
// convert their operands to 64-bit integers the way Lua 5.3 converts a float
// with an exact integer representation, operate in two's complement and
// convert the result back.

import (
	"math"
)

// lnumberToInt64 returns n as an int64 when n has an exact integer
// representation in the int64 range (Lua 5.3's lua_numbertointeger).
func lnumberToInt64(n LNumber) (int64, bool) {
	f := float64(n)
	if f != math.Floor(f) { // also rejects NaN
		return 0, false
	}
	if f < -9223372036854775808.0 || f >= 9223372036854775808.0 { // also rejects ±Inf
		return 0, false
	}
	return int64(f), true
}

// luaShiftLeft is Lua 5.3's luaV_shiftl: a logical shift left by n (right
// for negative n); shifting by 64 or more bits in either direction gives 0.
func luaShiftLeft(x, n int64) int64 {
	if n <= -64 || n >= 64 {
		return 0
	}
	if n < 0 {
		return int64(uint64(x) >> uint(-n))
	}
	return int64(uint64(x) << uint(n))
}

// luaFloorDiv is // on numbers: the floor of the float quotient.
func luaFloorDiv(lhs, rhs LNumber) LNumber {
	return LNumber(math.Floor(float64(lhs) / float64(rhs)))
}

// isBitwiseOp reports whether opcode is one of Lua 5.3's bitwise operators.
func isBitwiseOp(opcode int) bool {
	switch opcode {
	case OP_BAND, OP_BOR, OP_BXOR, OP_SHL, OP_SHR, OP_BNOT:
		return true
	}
	return false
}

// luaBitwise applies a bitwise opcode to two numbers; it raises Lua 5.3's
// error when either has no integer representation.
func luaBitwise(L *LState, opcode int, lhs, rhs LNumber) LNumber {
	x, ok1 := lnumberToInt64(lhs)
	y, ok2 := lnumberToInt64(rhs)
	if !ok1 || !ok2 {
		L.RaiseError("number has no integer representation")
	}
	var r int64
	switch opcode {
	case OP_BAND:
		r = x & y
	case OP_BOR:
		r = x | y
	case OP_BXOR:
		r = x ^ y
	case OP_SHL:
		r = luaShiftLeft(x, y)
	case OP_SHR:
		r = luaShiftLeft(x, -y)
	case OP_BNOT:
		r = ^x
	}
	return LNumber(r)
}

// constFoldBitwise folds a bitwise operator on two constants at compile
// time; ok is false when an operand has no integer representation (the
// error is then raised when the code runs, as in Lua 5.3).
func constFoldBitwise(op string, lhs, rhs LNumber) (LNumber, bool) {
	x, ok1 := lnumberToInt64(lhs)
	y, ok2 := lnumberToInt64(rhs)
	if !ok1 || !ok2 {
		return 0, false
	}
	switch op {
	case "&":
		return LNumber(x & y), true
	case "|":
		return LNumber(x | y), true
	case "~":
		return LNumber(x ^ y), true
	case "<<":
		return LNumber(luaShiftLeft(x, y)), true
	case ">>":
		return LNumber(luaShiftLeft(x, -y)), true
	}
	return 0, false
}

// bitwiseOperandError raises Lua 5.3's error for a bitwise operator applied
// to a value that is not a number (nor a string convertible to one).
func bitwiseOperandError(L *LState, lhs, rhs LValue) {
	bad := rhs
	if _, ok := lhs.(LNumber); !ok {
		bad = lhs
	}
	L.RaiseError("attempt to perform bitwise operation on a %v value", bad.Type().String())
}

// opBNot implements OP_BNOT: R(A) := ~R(B), with __bnot.
func opBNot(L *LState, inst uint32, baseframe *callFrame) int {
	reg := L.reg
	cf := L.currentFrame
	lbase := cf.LocalBase
	A := int(inst>>18) & 0xff //GETA
	RA := lbase + A
	B := int(inst & 0x1ff) //GETB
	v := L.rkValue(B)
	if nm, ok := v.(LNumber); ok {
		reg.SetNumber(RA, luaBitwise(L, OP_BNOT, nm, 0))
		return 0
	}
	if op := L.metaOp1(v, "__bnot"); op.Type() == LTFunction {
		reg.Push(op)
		reg.Push(v)
		reg.Push(v)
		L.Call(2, 1)
		reg.Set(RA, reg.Pop())
		return 0
	}
	if str, ok := v.(LString); ok {
		if num, err := parseNumber(string(str)); err == nil {
			reg.SetNumber(RA, luaBitwise(L, OP_BNOT, num, 0))
			return 0
		}
	}
	bitwiseOperandError(L, v, v)
	return 0
}

// opGetEnv implements OP_GETENV: R(A) := the running function's environment
// (a free name _ENV, Lua 5.2+).
func opGetEnv(L *LState, inst uint32, baseframe *callFrame) int {
	cf := L.currentFrame
	A := int(inst>>18) & 0xff //GETA
	L.reg.Set(cf.LocalBase+A, cf.Fn.Env)
	return 0
}

// opSetEnv implements OP_SETENV: the running function's environment :=
// R(A) (an assignment to a free name _ENV). gopher-lua keeps environments
// as tables, so the value must be a table.
func opSetEnv(L *LState, inst uint32, baseframe *callFrame) int {
	cf := L.currentFrame
	A := int(inst>>18) & 0xff //GETA
	v := L.reg.Get(cf.LocalBase + A)
	tb, ok := v.(*LTable)
	if !ok {
		L.RaiseError("_ENV must be a table (got a %v value)", v.Type().String())
		return 0
	}
	cf.Fn.Env = tb
	return 0
}
