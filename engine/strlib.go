package engine

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine/lpattern"
)

// patSpecials are the characters that make string.find use the matcher.
const patSpecials = "^$*+?.([%-"

// maxMultRet bounds how many values one call may return (Lua 5.1's
// LUAI_MAXCSTACK): string.byte over a whole 60 MB string would otherwise
// push sixty million values, growing the Lua stack for minutes.
const maxMultRet = 8000

// openPatterns replaces string.find, match, gmatch, gfind, gsub and byte
// with Lua 5.1's semantics on the bounded matcher of engine/lpattern. The string
// metatable's __index is the string table, so s:find(...) sees them too.
func (c *Lua) openPatterns(str *lua.LTable) {
	L := c.L
	str.RawSetString("find", L.NewFunction(func(L *lua.LState) int { return strFindAux(L, true) }))
	str.RawSetString("match", L.NewFunction(func(L *lua.LState) int { return strFindAux(L, false) }))
	gmatch := L.NewFunction(strGmatch)
	str.RawSetString("gmatch", gmatch)
	str.RawSetString("gfind", gmatch)
	str.RawSetString("gsub", L.NewFunction(strGsub))
	str.RawSetString("byte", L.NewFunction(strByte))
}

// posrelat turns a relative string position (negative: from the end) into
// an absolute one, as lstrlib.c does.
func posrelat(pos, n int) int {
	if pos < 0 {
		pos += n + 1
	}
	return max(pos, 0)
}

func raisePattern(L *lua.LState, fn string, err error) {
	L.RaiseError("%s: %s", fn, err.Error())
}

// pushCaptures pushes capture values and returns how many.
func pushCaptures(L *lua.LState, caps []lpattern.Capture) int {
	for _, cv := range caps {
		L.Push(captureLValue(cv))
	}
	return len(caps)
}

func captureLValue(cv lpattern.Capture) lua.LValue {
	if cv.IsPos {
		return lua.LNumber(cv.Pos)
	}
	return lua.LString(cv.Str)
}

// strFindAux is string.find (find) and string.match (!find).
func strFindAux(L *lua.LState, find bool) int {
	fname := "string.match"
	if find {
		fname = "string.find"
	}
	s := L.CheckString(1)
	p := L.CheckString(2)
	init := posrelat(L.OptInt(3, 1), len(s)) - 1
	if init < 0 {
		init = 0
	} else if init > len(s) {
		init = len(s)
	}
	if find && (lua.LVAsBool(L.Get(4)) || !strings.ContainsAny(p, patSpecials)) {
		if i := strings.Index(s[init:], p); i >= 0 {
			L.Push(lua.LNumber(init + i + 1))
			L.Push(lua.LNumber(init + i + len(p)))
			return 2
		}
		L.Push(lua.LNil)
		return 1
	}
	m := lpattern.New(L.Context(), s, p)
	pi := 0
	anchor := len(p) > 0 && p[0] == '^'
	if anchor {
		pi = 1
	}
	for s1 := init; s1 <= len(s); s1++ {
		e, err := m.Find(s1, pi)
		if err != nil {
			raisePattern(L, fname, err)
		}
		if e != -1 {
			caps, err := m.Captures(s1, e, !find)
			if err != nil {
				raisePattern(L, fname, err)
			}
			if find {
				L.Push(lua.LNumber(s1 + 1))
				L.Push(lua.LNumber(e))
				return 2 + pushCaptures(L, caps)
			}
			return pushCaptures(L, caps)
		}
		if anchor {
			break
		}
	}
	L.Push(lua.LNil)
	return 1
}

// strGmatch is string.gmatch: a lazy iterator, one match per call, each
// under the deadline in force when it is called.
func strGmatch(L *lua.LState) int {
	s := L.CheckString(1)
	p := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		m := lpattern.New(L.Context(), s, p)
		for src := pos; src <= len(s); src++ {
			e, err := m.Find(src, 0)
			if err != nil {
				raisePattern(L, "string.gmatch", err)
			}
			if e == -1 {
				continue
			}
			pos = e
			if e == src {
				pos++ // empty match: go at least one position
			}
			caps, err := m.Captures(src, e, true)
			if err != nil {
				raisePattern(L, "string.gmatch", err)
			}
			return pushCaptures(L, caps)
		}
		pos = len(s) + 1
		return 0
	}))
	return 1
}

// strGsub is string.gsub, building its result in one pass and refusing to
// build more than MaxStringBytes.
func strGsub(L *lua.LState) int {
	src := L.CheckString(1)
	p := L.CheckString(2)
	repl := L.Get(3)
	switch repl.Type() {
	case lua.LTNumber, lua.LTString, lua.LTTable, lua.LTFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	maxN := L.OptInt(4, len(src)+1)
	anchor := len(p) > 0 && p[0] == '^'
	pi := 0
	if anchor {
		pi = 1
	}
	m := lpattern.New(L.Context(), src, p)
	var b strings.Builder
	add := func(s string) {
		if b.Len()+len(s) > MaxStringBytes {
			L.RaiseError("string.gsub: result is over the %d MiB limit", MaxStringBytes>>20)
		}
		b.WriteString(s)
	}
	n := 0
	s := 0
	for n < maxN {
		e, err := m.Find(s, pi)
		if err != nil {
			raisePattern(L, "string.gsub", err)
		}
		if e != -1 {
			n++
			gsubAddValue(L, m, repl, s, e, add)
		}
		switch {
		case e != -1 && e > s: // non-empty match: skip it
			s = e
		case s < len(src):
			add(src[s : s+1])
			s++
		default:
			s = len(src) + 1
		}
		if s > len(src) || anchor {
			break
		}
	}
	if s < len(src) {
		add(src[s:])
	}
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// gsubAddValue appends the replacement for the match src[s:e] (lstrlib.c's
// add_value).
func gsubAddValue(L *lua.LState, m *lpattern.Matcher, repl lua.LValue, s, e int, add func(string)) {
	var v lua.LValue
	switch r := repl.(type) {
	case lua.LString, lua.LNumber:
		gsubAddString(L, m, lua.LVAsString(r), s, e, add)
		return
	case *lua.LFunction:
		caps, err := m.Captures(s, e, true)
		if err != nil {
			raisePattern(L, "string.gsub", err)
		}
		L.Push(r)
		n := pushCaptures(L, caps)
		L.Call(n, 1)
		v = L.Get(-1)
		L.Pop(1)
	case *lua.LTable:
		cv, err := m.OneCapture(0, s, e)
		if err != nil {
			raisePattern(L, "string.gsub", err)
		}
		v = L.GetTable(r, captureLValue(cv))
	}
	switch x := v.(type) {
	case *lua.LNilType:
		add(m.Src()[s:e])
	case lua.LBool:
		if !bool(x) {
			add(m.Src()[s:e])
			return
		}
		L.RaiseError("invalid replacement value (a boolean)")
	case lua.LString:
		add(string(x))
	case lua.LNumber:
		add(x.String())
	default:
		L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}

// gsubAddString expands a replacement string: %0 is the whole match, %1-%9
// the captures, and % before any other character is that character.
func gsubAddString(L *lua.LState, m *lpattern.Matcher, news string, s, e int, add func(string)) {
	start := 0
	for i := 0; i < len(news); i++ {
		if news[i] != '%' {
			continue
		}
		add(news[start:i])
		i++
		var d byte // Lua 5.1 reads the terminating NUL after a final '%'
		if i < len(news) {
			d = news[i]
		}
		switch {
		case d < '0' || d > '9':
			add(string([]byte{d}))
		case d == '0':
			add(m.Src()[s:e])
		default:
			cv, err := m.OneCapture(int(d-'1'), s, e)
			if err != nil {
				raisePattern(L, "string.gsub", err)
			}
			if cv.IsPos {
				add(strconv.Itoa(cv.Pos))
			} else {
				add(cv.Str)
			}
		}
		start = i + 1
	}
	if start < len(news) {
		add(news[start:])
	}
}

// strByte is string.byte with Lua 5.1's "string slice too long" bound.
func strByte(L *lua.LState) int {
	s := L.CheckString(1)
	posi := posrelat(L.OptInt(2, 1), len(s))
	pose := posrelat(L.OptInt(3, posi), len(s))
	posi = max(posi, 1)
	pose = min(pose, len(s))
	if posi > pose {
		return 0
	}
	n := pose - posi + 1
	if n > maxMultRet {
		L.RaiseError("string.byte: string slice too long (%d values, at most %d)", n, maxMultRet)
	}
	for i := posi; i <= pose; i++ {
		L.Push(lua.LNumber(s[i-1]))
	}
	return n
}
