package engine

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// This file holds the in-process defenses that the sandbox installs on top
// of its allow-list (sandbox.go): each replaces or bounds a library function
// through which game code could hang the engine in a Go loop that ignores
// the watchdog, or make one allocation large enough to kill the process.

// MaxArrayIndex is the largest integer key gopher-lua keeps in a table's
// array part. Assigning t[n] on an empty table fills the array up to n in
// one uninterruptible Go loop, so the library's 64 Mi default turns
// `t[6e7] = 1` into a gigabyte and half a minute. Larger keys live in the
// hash part; table.insert still appends past it.
const MaxArrayIndex = 1 << 22

// A context keeps at most this much printed text and this many error
// records: an endless print or error loop must not fill the heap with
// records that outlive the call (the heap watchdog would then stop every
// later call too).
const (
	MaxOutputBytes  = 32 << 20
	MaxErrorRecords = 10000
)

// MaxDateFormat bounds os.date's format string: each "%c" is 24 bytes out.
const MaxDateFormat = 4096

func init() {
	lua.MaxArrayIndex = MaxArrayIndex
}

// openDefenses installs the bounded replacements (owner goroutine, during
// init, on the real globals table G).
func (c *Context) openDefenses(G *lua.LTable) {
	L := c.L
	if str, ok := G.RawGetString("string").(*lua.LTable); ok {
		c.openPatterns(str)
	}
	G.RawSetString("loadstring", L.NewFunction(c.luaLoadString))
	G.RawSetString("load", L.NewFunction(c.luaLoad))
	if osTable, ok := G.RawGetString("os").(*lua.LTable); ok {
		if orig, ok := osTable.RawGetString("date").(*lua.LFunction); ok {
			osTable.RawSetString("date", L.NewFunction(func(L *lua.LState) int {
				if f, ok := L.Get(1).(lua.LString); ok && len(f) > MaxDateFormat {
					L.RaiseError("os.date: format of %d bytes is longer than %d", len(f), MaxDateFormat)
				}
				return orig.GFunction(L)
			}))
		}
	}
}

// loadChunk compiles src through the same checks as a game file (size,
// nesting, syntax depth, binary data) and pushes the function, or nil and
// the message, as loadstring does.
func (c *Context) loadChunk(L *lua.LState, name string, src []byte) int {
	proto, err := compileSource(name, src)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = c.globals.proxy
	L.Push(fn)
	return 1
}

// luaLoadString is loadstring(s [, chunkname]).
func (c *Context) luaLoadString(L *lua.LState) int {
	s := L.CheckString(1)
	return c.loadChunk(L, L.OptString(2, "<string>"), []byte(s))
}

// luaLoad is load(reader [, chunkname]): it calls reader for pieces until it
// returns nil or "", refusing to collect more than MaxSourceBytes.
func (c *Context) luaLoad(L *lua.LState) int {
	reader := L.CheckFunction(1)
	name := L.OptString(2, "?")
	top := L.GetTop()
	var buf strings.Builder
	for {
		L.SetTop(top)
		L.Push(reader)
		L.Call(0, 1)
		ret := L.Get(-1)
		L.SetTop(top)
		if ret == lua.LNil {
			break
		}
		if !lua.LVCanConvToString(ret) {
			L.Push(lua.LNil)
			L.Push(lua.LString("reader function must return a string"))
			return 2
		}
		piece := lua.LVAsString(ret)
		if piece == "" {
			break
		}
		if buf.Len()+len(piece) > MaxSourceBytes {
			L.Push(lua.LNil)
			L.Push(lua.LString(fmt.Sprintf("%s: chunk is larger than the %d MiB limit", name, MaxSourceBytes>>20)))
			return 2
		}
		buf.WriteString(piece)
	}
	return c.loadChunk(L, name, []byte(buf.String()))
}

// checkFormat accepts only Lua 5.1 string.format directives: flags, a width
// and a precision of at most two digits, and a Lua conversion. Go's fmt,
// which does the formatting, knows more (argument indexes, "*" widths,
// %v on a table), none of which Lua code may reach.
func checkFormat(f string) error {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			continue
		}
		start := i
		for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
			i++
		}
		if i-start > 5 {
			return fmt.Errorf("invalid format (repeated flags)")
		}
		digits := func() error {
			n := 0
			for i < len(f) && f[i] >= '0' && f[i] <= '9' {
				i++
				n++
			}
			if n > 2 {
				return fmt.Errorf("invalid format (width or precision too long)")
			}
			return nil
		}
		if err := digits(); err != nil {
			return err
		}
		if i < len(f) && f[i] == '.' {
			i++
			if err := digits(); err != nil {
				return err
			}
		}
		if i >= len(f) {
			return fmt.Errorf("invalid option '%%' to 'format' (the format ends in a directive)")
		}
		if strings.IndexByte("cdiouxXeEfgGqs", f[i]) < 0 {
			return fmt.Errorf("invalid option '%%%c' to 'format'", f[i])
		}
	}
	return nil
}
