// Package lpattern is Lua 5.1's pattern matcher, bounded for strangers'
// code: a step budget that honours a context's deadline and a recursion
// bound. The engine's string library (engine/strlib.go) runs string.find,
// match, gmatch and gsub on it.
package lpattern

import (
	"context"
	"fmt"
)

// This package is a port of Lua 5.1's pattern matcher (lstrlib.c) with two
// additions the games' interpreter does not need but a host running
// strangers' code does: a step budget that honours the context deadline (a
// catastrophic pattern such as ".-.-.-.-b" on a long subject is stopped by
// the watchdog instead of hanging the engine for hours), and a recursion
// bound, so that no pattern can exhaust the Go stack. gopher-lua's own
// matcher (pm) checks neither, recurses once per repeated character and
// finds every match eagerly.

const (
	patMaxCaptures = 32      // LUA_MAXCAPTURES
	patMaxDepth    = 2000    // nested pattern items (Lua 5.2+ allows 200)
	patCheckEvery  = 1 << 12 // steps between two looks at the deadline
	// patMaxSteps bounds a match that runs without a deadline (outside any
	// watchdog call): about a few seconds of work.
	patMaxSteps = 1 << 28

	capUnfinished = -1
	capPosition   = -2
)

// patternError is an error raised inside the matcher (a malformed pattern,
// a budget or deadline overrun); the string functions turn it into a Lua
// error.
type patternError struct{ msg string }

func (e *patternError) Error() string { return e.msg }

// patCapture is one capture: its start and length (or capUnfinished,
// capPosition).
type patCapture struct {
	init, len int
}

// Matcher holds one match attempt's state (Lua's MatchState).
type Matcher struct {
	src     string
	pat     string
	level   int
	capture [patMaxCaptures]patCapture
	depth   int
	steps   int
	ctx     context.Context
}

// New prepares matching pat against src; ctx's end (the watchdog of the
// Lua call) stops a match, and without a ctx a fixed step budget does.
func New(ctx context.Context, src, pat string) *Matcher {
	return &Matcher{src: src, pat: pat, ctx: ctx}
}

// Src is the subject being matched.
func (m *Matcher) Src() string { return m.src }

func (m *Matcher) fail(format string, args ...any) {
	panic(&patternError{msg: fmt.Sprintf(format, args...)})
}

// tick counts one unit of work and stops the match when the context is done
// or, without a context, when the fixed budget is spent.
func (m *Matcher) tick() {
	m.steps++
	if m.steps%patCheckEvery != 0 {
		return
	}
	if m.ctx != nil {
		if err := m.ctx.Err(); err != nil {
			m.fail("pattern matching stopped: %v", context.Cause(m.ctx))
		}
		return
	}
	if m.steps >= patMaxSteps {
		m.fail("pattern too complex (more than %d matching steps)", patMaxSteps)
	}
}

// run calls fn and turns a matcher panic into an error.
func (m *Matcher) run(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*patternError)
			if !ok {
				panic(r)
			}
			err = pe
		}
	}()
	fn()
	return nil
}

// Find tries to match the pattern (from pattern index p) at subject index
// s; it returns the end of the match or -1.
func (m *Matcher) Find(s, p int) (end int, err error) {
	m.level = 0
	m.depth = 0
	end = -1
	err = m.run(func() { end = m.match(s, p) })
	return end, err
}

func (m *Matcher) pch(p int) byte {
	if p < len(m.pat) {
		return m.pat[p]
	}
	return 0
}

func (m *Matcher) checkCapture(l int) int {
	l -= '1'
	if l < 0 || l >= m.level || m.capture[l].len == capUnfinished {
		m.fail("invalid capture index")
	}
	return l
}

func (m *Matcher) captureToClose() int {
	for level := m.level - 1; level >= 0; level-- {
		if m.capture[level].len == capUnfinished {
			return level
		}
	}
	m.fail("invalid pattern capture")
	return 0
}

func (m *Matcher) classEnd(p int) int {
	n := len(m.pat)
	c := m.pat[p]
	p++
	switch c {
	case '%':
		if p >= n {
			m.fail("malformed pattern (ends with '%%')")
		}
		return p + 1
	case '[':
		if p < n && m.pat[p] == '^' {
			p++
		}
		for { // look for a ']'
			if p >= n {
				m.fail("malformed pattern (missing ']')")
			}
			c := m.pat[p]
			p++
			if c == '%' && p < n {
				p++ // skip escapes (e.g. '%]')
			}
			if p >= n {
				m.fail("malformed pattern (missing ']')")
			}
			if m.pat[p] == ']' {
				return p + 1
			}
		}
	default:
		return p
	}
}

func matchClass(c int, cl byte) bool {
	var res bool
	lower := cl | 0x20
	switch lower {
	case 'a':
		res = isAlpha(c)
	case 'c':
		res = c < 32 || c == 127
	case 'd':
		res = c >= '0' && c <= '9'
	case 'l':
		res = c >= 'a' && c <= 'z'
	case 'p':
		res = c >= 0x21 && c <= 0x7e && !isAlpha(c) && !(c >= '0' && c <= '9')
	case 's':
		res = c == ' ' || (c >= '\t' && c <= '\r')
	case 'u':
		res = c >= 'A' && c <= 'Z'
	case 'w':
		res = isAlpha(c) || (c >= '0' && c <= '9')
	case 'x':
		res = (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'f')
	case 'z':
		res = c == 0
	default:
		return int(cl) == c
	}
	if cl >= 'a' && cl <= 'z' {
		return res
	}
	if cl >= 'A' && cl <= 'Z' {
		return !res
	}
	return int(cl) == c
}

func isAlpha(c int) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// matchBracketClass matches c against the set pat[p] == '[' ... pat[ec] == ']'.
func (m *Matcher) matchBracketClass(c, p, ec int) bool {
	sig := true
	if m.pch(p+1) == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		m.tick()
		switch {
		case m.pat[p] == '%':
			p++
			if matchClass(c, m.pch(p)) {
				return sig
			}
		case m.pch(p+1) == '-' && p+2 < ec:
			p += 2
			if int(m.pat[p-2]) <= c && c <= int(m.pat[p]) {
				return sig
			}
		case int(m.pat[p]) == c:
			return sig
		}
	}
	return !sig
}

func (m *Matcher) singleMatch(s, p, ep int) bool {
	if s >= len(m.src) {
		return false
	}
	c := int(m.src[s])
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(c, m.pch(p+1))
	case '[':
		return m.matchBracketClass(c, p, ep-1)
	default:
		return int(m.pat[p]) == c
	}
}

func (m *Matcher) matchBalance(s, p int) int {
	if p+1 >= len(m.pat) {
		m.fail("unbalanced pattern")
	}
	if s >= len(m.src) || m.src[s] != m.pat[p] {
		return -1
	}
	b, e := m.pat[p], m.pat[p+1]
	cont := 1
	for s++; s < len(m.src); s++ {
		m.tick()
		switch m.src[s] {
		case e:
			cont--
			if cont == 0 {
				return s + 1
			}
		case b:
			cont++
		}
	}
	return -1
}

func (m *Matcher) maxExpand(s, p, ep int) int {
	i := 0
	for m.singleMatch(s+i, p, ep) {
		m.tick()
		i++
	}
	for ; i >= 0; i-- { // try with the maximum repetitions, then fewer
		if res := m.match(s+i, ep+1); res != -1 {
			return res
		}
	}
	return -1
}

func (m *Matcher) minExpand(s, p, ep int) int {
	for {
		if res := m.match(s, ep+1); res != -1 {
			return res
		}
		if !m.singleMatch(s, p, ep) {
			return -1
		}
		s++
	}
}

func (m *Matcher) startCapture(s, p, what int) int {
	if m.level >= patMaxCaptures {
		m.fail("too many captures")
	}
	m.capture[m.level] = patCapture{init: s, len: what}
	m.level++
	res := m.match(s, p)
	if res == -1 {
		m.level--
	}
	return res
}

func (m *Matcher) endCapture(s, p int) int {
	l := m.captureToClose()
	m.capture[l].len = s - m.capture[l].init
	res := m.match(s, p)
	if res == -1 {
		m.capture[l].len = capUnfinished
	}
	return res
}

func (m *Matcher) matchCapture(s int, l int) int {
	l = m.checkCapture(l)
	c := m.capture[l]
	if c.len < 0 { // a position capture: C Lua compares (size_t)-2 bytes, never a match
		return -1
	}
	if len(m.src)-s >= c.len && m.src[c.init:c.init+c.len] == m.src[s:s+c.len] {
		return s + c.len
	}
	return -1
}

// match is lstrlib.c's match: the end of a match of pat[p:] at src[s:], or
// -1. It bounds the recursion (a failure unwinds everything, and find
// resets the depth).
func (m *Matcher) match(s, p int) int {
	m.depth++
	if m.depth > patMaxDepth {
		m.fail("pattern too complex (nested deeper than %d levels)", patMaxDepth)
	}
	res := m.doMatch(s, p)
	m.depth--
	return res
}

func (m *Matcher) doMatch(s, p int) int {
	for {
		m.tick()
		if p >= len(m.pat) { // end of pattern
			return s
		}
		switch m.pat[p] {
		case '(':
			if m.pch(p+1) == ')' {
				return m.startCapture(s, p+2, capPosition)
			}
			return m.startCapture(s, p+1, capUnfinished)
		case ')':
			return m.endCapture(s, p+1)
		case '%':
			switch next := m.pch(p + 1); {
			case next == 'b':
				s = m.matchBalance(s, p+2)
				if s == -1 {
					return -1
				}
				p += 4
				continue
			case next == 'f':
				p += 2
				if m.pch(p) != '[' {
					m.fail("missing '[' after '%%f' in pattern")
				}
				ep := m.classEnd(p)
				prev, cur := 0, 0
				if s > 0 {
					prev = int(m.src[s-1])
				}
				if s < len(m.src) {
					cur = int(m.src[s])
				}
				if m.matchBracketClass(prev, p, ep-1) || !m.matchBracketClass(cur, p, ep-1) {
					return -1
				}
				p = ep
				continue
			case next >= '0' && next <= '9':
				s = m.matchCapture(s, int(next))
				if s == -1 {
					return -1
				}
				p += 2
				continue
			}
		case '$':
			if p+1 == len(m.pat) {
				if s == len(m.src) {
					return s
				}
				return -1
			}
		}
		// default: a single character class, maybe repeated
		ep := m.classEnd(p)
		ok := m.singleMatch(s, p, ep)
		switch m.pch(ep) {
		case '?':
			if ok {
				if res := m.match(s+1, ep+1); res != -1 {
					return res
				}
			}
			p = ep + 1
			continue
		case '*':
			return m.maxExpand(s, p, ep)
		case '+':
			if !ok {
				return -1
			}
			return m.maxExpand(s+1, p, ep)
		case '-':
			return m.minExpand(s, p, ep)
		default:
			if !ok {
				return -1
			}
			s++
			p = ep
		}
	}
}

// Capture is one capture of a successful match: a substring, or a
// position (1-based) for "()".
type Capture struct {
	Str   string
	Pos   int
	IsPos bool
}

// OneCapture returns capture i of the match src[s:e] (Lua's
// push_onecapture): the whole match when the pattern has no captures.
func (m *Matcher) OneCapture(i, s, e int) (Capture, error) {
	if i >= m.level {
		if i == 0 {
			return Capture{Str: m.src[s:e]}, nil
		}
		return Capture{}, &patternError{msg: "invalid capture index"}
	}
	c := m.capture[i]
	switch c.len {
	case capUnfinished:
		return Capture{}, &patternError{msg: "unfinished capture"}
	case capPosition:
		return Capture{Pos: c.init + 1, IsPos: true}, nil
	}
	return Capture{Str: m.src[c.init : c.init+c.len]}, nil
}

// Captures returns every capture of the match src[s:e]; wholeIfNone adds
// the whole match when the pattern has none (match, gmatch, gsub do; find
// does not).
func (m *Matcher) Captures(s, e int, wholeIfNone bool) ([]Capture, error) {
	n := m.level
	if n == 0 && wholeIfNone {
		n = 1
	}
	out := make([]Capture, 0, n)
	for i := 0; i < n; i++ {
		c, err := m.OneCapture(i, s, e)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
