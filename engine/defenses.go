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

// MaxResumeNesting bounds coroutines resumed inside each other. Each
// thread has its own call stack of CallStackSize frames, and a resume, a
// pcall or a metamethod call from Go nests the Go stack once per frame: a
// coroutine resumed inside a deep pcall chain, inside another, … overflowed
// the Go stack, a death no recover stops. Lua's own bound on nested C
// calls, LUAI_MAXCCALLS, is 200 too, with the same message.
const MaxResumeNesting = 200

// MaxOutputLine is the most one print or io.write call records.
const MaxOutputLine = 64 << 10

func init() {
	lua.MaxArrayIndex = MaxArrayIndex
	lua.MaxConcatBytes = MaxStringBytes // `s = s .. s` stops at the cap (gopher-lua patch)
}

// joinOutput renders the arguments from first on, joined by sep, as print
// and io.write do, but stops once MaxOutputLine bytes are reached: what is
// recorded is cut there anyway, and a join of every argument first could
// take more memory than the machine has.
func (c *Lua) joinOutput(L *lua.LState, first int, sep string) string {
	var b strings.Builder
	n := L.GetTop()
	for i := first; i <= n; i++ {
		if i > first {
			b.WriteString(sep)
		}
		s := c.tostring(L, L.Get(i))
		if room := MaxOutputLine - b.Len(); len(s) > room {
			b.WriteString(s[:max(room, 0)])
			return limitString(b.String()+"…", MaxOutputLine) + fmt.Sprintf(" (output cut at %d KiB)", MaxOutputLine>>10)
		}
		b.WriteString(s)
	}
	return b.String()
}

// checkFormatSize refuses a string.format whose string arguments alone are
// longer than MaxStringBytes (its result would be at least as long).
func checkFormatSize(L *lua.LState, f string) {
	total := int64(len(f))
	for i := 2; i <= L.GetTop(); i++ {
		if s, ok := L.Get(i).(lua.LString); ok {
			total += int64(len(s))
		}
		if total > MaxStringBytes {
			L.RaiseError("string.format: result is over the %d MiB limit", MaxStringBytes>>20)
		}
	}
}

// openDefenses installs the bounded replacements (owner goroutine, during
// init, on the real globals table G).
func (c *Lua) openDefenses(G *lua.LTable) {
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
// env, when not nil, becomes the function's environment (Lua 5.3's
// load/loadfile env argument); otherwise the globals are.
func (c *Lua) loadChunk(L *lua.LState, name string, src []byte, env *lua.LTable) int {
	c.game.compiles.Add(1)
	proto, err := compileSource(name, src)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = c.globals.proxy
	if env != nil {
		fn.Env = env
	}
	L.Push(fn)
	return 1
}

// loadEnv reads the env argument n of Lua 5.3's load and loadfile: a table,
// or nil (absent or nil: the globals). gopher-lua keeps environments as
// tables, so another value is an argument error (docs/lua.md).
func loadEnv(L *lua.LState, n int) *lua.LTable {
	switch v := L.Get(n).(type) {
	case *lua.LTable:
		return v
	case *lua.LNilType:
		return nil
	default:
		L.ArgError(n, "table expected as the environment, got "+v.Type().String())
		return nil
	}
}

// loadMode checks the mode argument n of Lua 5.3's load and loadfile: only
// text chunks load here (binary ones are refused whatever the mode), so a
// mode without "t" refuses the chunk with Lua's message.
func loadMode(L *lua.LState, n int) string {
	mode := "bt"
	if s, ok := L.Get(n).(lua.LString); ok {
		mode = string(s)
	} else if L.Get(n) != lua.LNil {
		L.CheckString(n)
	}
	if !strings.Contains(mode, "t") {
		return fmt.Sprintf("attempt to load a text chunk (mode is '%s')", mode)
	}
	return ""
}

// luaLoadString is loadstring(s [, chunkname]).
func (c *Lua) luaLoadString(L *lua.LState) int {
	s := L.CheckString(1)
	return c.loadChunk(L, L.OptString(2, "<string>"), []byte(s), nil)
}

// luaLoad is Lua 5.3's load(chunk [, chunkname [, mode [, env]]]): chunk is
// a string or a reader function, called for pieces until it returns nil or
// "", refusing to collect more than MaxSourceBytes.
func (c *Lua) luaLoad(L *lua.LState) int {
	env := loadEnv(L, 4)
	if msg := loadMode(L, 3); msg != "" {
		L.Push(lua.LNil)
		L.Push(lua.LString(msg))
		return 2
	}
	if s, ok := L.Get(1).(lua.LString); ok {
		return c.loadChunk(L, L.OptString(2, "<string>"), []byte(s), env)
	}
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
	return c.loadChunk(L, name, []byte(buf.String()), env)
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
