package lua

// Lua 5.3 library functions (modscope patch, see MODSCOPE-PATCH.md):
// table.pack and table.unpack, math.type, math.tointeger, math.ult,
// math.maxinteger and math.mininteger, and the utf8 library. Numbers stay
// float64: "integer" means a float with an exact int64 representation.

// Utf8LibName is the name of the utf8 library (Lua 5.3).
const Utf8LibName = "utf8"

// maxInteger is math.maxinteger: 2^63-1 has no float64 representation, so
// this is the largest float64 that converts to an int64 (2^63-1024).
const maxInteger = LNumber(9223372036854774784)

// minInteger is math.mininteger, -2^63 (exact in float64).
const minInteger = LNumber(-9223372036854775808)

func init() {
	tableFuncs["pack"] = tablePack
	tableFuncs["unpack"] = baseUnpack
	mathFuncs["type"] = mathType
	mathFuncs["tointeger"] = mathToInteger
	mathFuncs["ult"] = mathUlt
	luaLibs = append(luaLibs, luaLib{Utf8LibName, OpenUtf8})
}

// openMath53 adds the Lua 5.3 constants to the math table.
func openMath53(mod *LTable) {
	mod.RawSetString("maxinteger", maxInteger)
	mod.RawSetString("mininteger", minInteger)
}

// tablePack is table.pack(...): the arguments in a table with n set.
func tablePack(L *LState) int {
	n := L.GetTop()
	tb := L.CreateTable(n, 1)
	for i := 1; i <= n; i++ {
		tb.RawSetInt(i, L.Get(i))
	}
	tb.RawSetString("n", LNumber(n))
	L.Push(tb)
	return 1
}

// mathType is math.type(x): "integer", "float", or nil for a non-number.
func mathType(L *LState) int {
	n, ok := L.CheckAny(1).(LNumber)
	switch {
	case !ok:
		L.Push(LNil)
	case isLuaInteger(n):
		L.Push(LString("integer"))
	default:
		L.Push(LString("float"))
	}
	return 1
}

// mathToInteger is math.tointeger(x): x if it has an integer
// representation (a numeric string converts), nil otherwise.
func mathToInteger(L *LState) int {
	var n LNumber
	switch v := L.CheckAny(1).(type) {
	case LNumber:
		n = v
	case LString:
		num, err := parseNumber(string(v))
		if err != nil {
			L.Push(LNil)
			return 1
		}
		n = num
	default:
		L.Push(LNil)
		return 1
	}
	if x, ok := lnumberToInt64(n); ok {
		L.Push(LNumber(x))
	} else {
		L.Push(LNil)
	}
	return 1
}

// mathUlt is math.ult(m, n): m < n compared as unsigned integers.
func mathUlt(L *LState) int {
	a := checkInteger(L, 1)
	b := checkInteger(L, 2)
	L.Push(LBool(uint64(a) < uint64(b)))
	return 1
}

// isLuaInteger reports whether n has an exact int64 representation.
func isLuaInteger(n LNumber) bool {
	_, ok := lnumberToInt64(n)
	return ok
}

// checkInteger is luaL_checkinteger: argument n as an int64, or Lua 5.3's
// argument error.
func checkInteger(L *LState, n int) int64 {
	v := L.Get(n)
	num, ok := v.(LNumber)
	if !ok {
		if s, isStr := v.(LString); isStr {
			if parsed, err := parseNumber(string(s)); err == nil {
				num, ok = parsed, true
			}
		}
	}
	if !ok {
		L.TypeError(n, LTNumber)
		return 0
	}
	x, isInt := lnumberToInt64(num)
	if !isInt {
		L.ArgError(n, "number has no integer representation")
	}
	return x
}

// checkFormatIntegers raises Lua 5.3's error when a %d, %i, %c, %o, %u, %x
// or %X directive of string.format gets a number without an integer
// representation (an integral float such as 3.0 is accepted).
func checkFormatIntegers(L *LState, format string) {
	arg := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && (format[i] == '-' || format[i] == '+' || format[i] == ' ' || format[i] == '#' || format[i] == '0' ||
			format[i] == '.' || format[i] >= '1' && format[i] <= '9') {
			i++
		}
		if i >= len(format) {
			return
		}
		arg++
		switch format[i] {
		case 'd', 'i', 'c', 'o', 'u', 'x', 'X':
			if n, ok := L.Get(arg).(LNumber); ok && !isLuaInteger(n) {
				L.ArgError(arg, "number has no integer representation")
			}
		}
	}
}

// The utf8 library (Lua 5.3).

// utf8CharPattern matches exactly one UTF-8 byte sequence.
const utf8CharPattern = "[\x00-\x7F\xC2-\xF4][\x80-\xBF]*"

// utf8MaxUnicode is the largest code point utf8.len, codes and codepoint
// accept (Lua 5.3).
const utf8MaxUnicode = 0x10FFFF

var utf8Funcs = map[string]LGFunction{
	"char":      utf8Char,
	"codes":     utf8Codes,
	"codepoint": utf8Codepoint,
	"len":       utf8Len,
	"offset":    utf8Offset,
}

// OpenUtf8 opens the utf8 library.
func OpenUtf8(L *LState) int {
	mod := L.RegisterModule(Utf8LibName, utf8Funcs).(*LTable)
	mod.RawSetString("charpattern", LString(utf8CharPattern))
	L.Push(mod)
	return 1
}

// utf8Encode appends the UTF-8 encoding of x (at most 0x7FFFFFFF, in up to
// six bytes, as Lua 5.3's luaO_utf8esc does).
func utf8Encode(buf []byte, x uint32) []byte {
	if x < 0x80 {
		return append(buf, byte(x))
	}
	var tmp [8]byte
	n := 0
	mfb := uint32(0x3f) // the most that fits in the first byte
	for {
		tmp[7-n] = byte(0x80 | (x & 0x3f))
		n++
		x >>= 6
		mfb >>= 1
		if x <= mfb {
			break
		}
	}
	tmp[7-n] = byte((^mfb << 1) | x)
	n++
	return append(buf, tmp[8-n:]...)
}

// utf8Decode decodes one sequence at s[i:]; size is 0 for an invalid one.
func utf8Decode(s string, i int) (code int64, size int) {
	limits := [...]uint32{0xFF, 0x7F, 0x7FF, 0xFFFF}
	c := uint32(s[i])
	if c < 0x80 {
		return int64(c), 1
	}
	res := uint32(0)
	count := 0
	for ; c&0x40 != 0; c <<= 1 {
		count++
		if i+count >= len(s) {
			return 0, 0
		}
		cc := uint32(s[i+count])
		if cc&0xC0 != 0x80 {
			return 0, 0
		}
		res = res<<6 | (cc & 0x3F)
	}
	res |= (c & 0x7F) << (uint(count) * 5)
	if count > 3 || res > utf8MaxUnicode || res <= limits[count] {
		return 0, 0
	}
	return int64(res), count + 1
}

// utf8Pos converts a relative string position (negative: from the end).
func utf8Pos(pos int64, n int) int64 {
	if pos >= 0 {
		return pos
	}
	if -pos > int64(n) {
		return 0
	}
	return int64(n) + pos + 1
}

func utf8Char(L *LState) int {
	n := L.GetTop()
	buf := make([]byte, 0, n)
	for i := 1; i <= n; i++ {
		c := checkInteger(L, i)
		if c < 0 || c > utf8MaxUnicode {
			L.ArgError(i, "value out of range")
		}
		buf = utf8Encode(buf, uint32(c))
	}
	L.Push(LString(buf))
	return 1
}

func utf8Len(L *LState) int {
	s := L.CheckString(1)
	posi := utf8Pos(optInteger(L, 2, 1), len(s))
	posj := utf8Pos(optInteger(L, 3, -1), len(s))
	if posi < 1 || posi-1 > int64(len(s)) {
		L.ArgError(2, "initial position out of string")
	}
	if posj > int64(len(s)) {
		L.ArgError(3, "final position out of string")
	}
	count := 0
	for i := posi - 1; i < posj; {
		_, size := utf8Decode(s, int(i))
		if size == 0 {
			L.Push(LNil)
			L.Push(LNumber(i + 1))
			return 2
		}
		i += int64(size)
		count++
	}
	L.Push(LNumber(count))
	return 1
}

func utf8Codepoint(L *LState) int {
	s := L.CheckString(1)
	posi := utf8Pos(optInteger(L, 2, 1), len(s))
	posj := utf8Pos(optInteger(L, 3, posi), len(s))
	if posi < 1 {
		L.ArgError(2, "out of range")
	}
	if posj > int64(len(s)) {
		L.ArgError(3, "out of range")
	}
	if posi > posj {
		return 0
	}
	if posj-posi >= 8000 {
		L.RaiseError("string slice too long")
	}
	n := 0
	for i := posi - 1; i < posj; {
		code, size := utf8Decode(s, int(i))
		if size == 0 {
			L.RaiseError("invalid UTF-8 code")
		}
		L.Push(LNumber(code))
		n++
		i += int64(size)
	}
	return n
}

func utf8Offset(L *LState) int {
	s := L.CheckString(1)
	n := checkInteger(L, 2)
	defi := int64(1)
	if n < 0 {
		defi = int64(len(s)) + 1
	}
	posi := utf8Pos(optInteger(L, 3, defi), len(s))
	if posi < 1 || posi-1 > int64(len(s)) {
		L.ArgError(3, "position out of range")
	}
	iscont := func(p int64) bool { return p < int64(len(s)) && s[p]&0xC0 == 0x80 }
	p := posi - 1
	if n == 0 {
		for p > 0 && iscont(p) {
			p--
		}
		L.Push(LNumber(p + 1))
		return 1
	}
	if iscont(p) {
		L.RaiseError("initial position is a continuation byte")
	}
	if n < 0 {
		for n < 0 && p > 0 {
			p--
			for p > 0 && iscont(p) {
				p--
			}
			n++
		}
	} else {
		n--
		for n > 0 && p < int64(len(s)) {
			p++
			for iscont(p) {
				p++
			}
			n--
		}
	}
	if n == 0 {
		L.Push(LNumber(p + 1))
	} else {
		L.Push(LNil)
	}
	return 1
}

// utf8Codes is utf8.codes(s): for p, c in utf8.codes(s).
func utf8Codes(L *LState) int {
	L.CheckString(1)
	L.Push(L.NewFunction(utf8CodesIter))
	L.Push(L.Get(1))
	L.Push(LNumber(0))
	return 3
}

func utf8CodesIter(L *LState) int {
	s := L.CheckString(1)
	i := int64(L.CheckNumber(2))
	if i < 0 {
		i = 0
	}
	// i is the 1-based position of the previous character (0 at the
	// start): continue after it and its continuation bytes.
	if i > 0 {
		for i < int64(len(s)) && s[i]&0xC0 == 0x80 {
			i++
		}
	}
	if i >= int64(len(s)) {
		return 0
	}
	code, size := utf8Decode(s, int(i))
	if size == 0 || (int(i)+size < len(s) && s[int(i)+size]&0xC0 == 0x80) {
		L.RaiseError("invalid UTF-8 code")
	}
	L.Push(LNumber(i + 1))
	L.Push(LNumber(code))
	return 2
}

// optInteger is luaL_optinteger.
func optInteger(L *LState, n int, d int64) int64 {
	if L.Get(n) == LNil {
		return d
	}
	return checkInteger(L, n)
}
