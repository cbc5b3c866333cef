package engine

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// init builds the sandboxed state: an allow-list of libraries, the tracking
// globals table, captured print, and file access confined to the folder.
func (c *Lua) init() error {
	L := c.L
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.OsLibName, lua.OpenOs},
		{lua.CoroutineLibName, lua.OpenCoroutine},
		{lua.Utf8LibName, lua.OpenUtf8}, // Lua 5.3 (docs/lua.md)
	} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	G := L.G.Global
	// Remove everything that reaches outside the state.
	for _, name := range []string{"dofile", "loadfile", "module", "require", "newproxy", "collectgarbage", "_printregs"} {
		G.RawSetString(name, lua.LNil)
	}
	if os, ok := G.RawGetString("os").(*lua.LTable); ok {
		keep := map[string]bool{"time": true, "clock": true, "date": true, "difftime": true}
		var drop []string
		os.ForEach(func(k, _ lua.LValue) {
			if !keep[k.String()] {
				drop = append(drop, k.String())
			}
		})
		for _, k := range drop {
			os.RawSetString(k, lua.LNil)
		}
	}
	G.RawSetString("collectgarbage", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(0))
		return 1
	}))
	c.capStrings(G)
	c.wrapCoroutines(G)
	c.openDefenses(G) // defenses.go

	c.globals = newGlobalsTable(c, G)
	L.G.Global = c.globals.proxy
	L.Env = c.globals.proxy
	G.RawSetString("_G", c.globals.proxy)

	G.RawSetString("print", L.NewFunction(c.luaPrint))
	G.RawSetString("dofile", L.NewFunction(c.luaDofile))
	G.RawSetString("loadfile", L.NewFunction(c.luaLoadfile))
	c.openRequire(G)
	c.openIO(G)
	G.RawSetString("ReadGameFile", L.NewFunction(c.luaReadFile))
	c.stubLibraryFields(G)
	return nil
}

func (c *Lua) luaPrint(L *lua.LState) int {
	// bounded while it is built: print(unpack(t)) of 8,000 60 MB strings
	// must not join half a terabyte first (defenses.go)
	text := c.joinOutput(L, 1, "\t")
	// L is the running thread (a coroutine, maybe); skip library frames.
	c.addOutputAt("", text, WhereIn(L, "[core]/"))
	return 0
}

// tostring calls the global tostring (so __tostring works), falling back to
// a plain rendering if that fails.
func (c *Lua) tostring(L *lua.LState, v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber, lua.LBool, *lua.LNilType:
		return x.String()
	}
	if name, ok := c.stubName(v); ok {
		return "stub:" + name
	}
	ts := L.GetField(c.globals.store, "tostring")
	if ts == lua.LNil {
		return v.String()
	}
	L.Push(ts)
	L.Push(v)
	if err := L.PCall(1, 1, nil); err != nil {
		return fmt.Sprintf("(%s: __tostring failed)", v.Type())
	}
	s := L.Get(-1)
	L.Pop(1)
	if str, ok := s.(lua.LString); ok {
		return string(str)
	}
	return v.String()
}

// readGameFile reads a path given by Lua code: relative to the folder.
func (c *Lua) readGameFile(L *lua.LState, p string) ([]byte, string) {
	rel, err := CleanPath(p)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	data, err := c.game.ReadFile(rel)
	if err != nil {
		L.RaiseError("cannot read %s: %s", p, err.Error())
	}
	if c.emitting() {
		c.emit(Event{Kind: EventRead, Context: c.Name, Step: c.step, Text: rel, Where: c.where(1)})
	}
	return data, rel
}

func (c *Lua) luaReadFile(L *lua.LState) int {
	data, _ := c.readGameFile(L, L.CheckString(1))
	L.Push(lua.LString(data))
	return 1
}

// luaLoadfile is Lua 5.3's loadfile(name [, mode [, env]]), confined to
// the folder; text chunks only (defenses.go: loadMode, loadEnv).
func (c *Lua) luaLoadfile(L *lua.LState) int {
	p := L.CheckString(1)
	env := loadEnv(L, 3)
	if msg := loadMode(L, 2); msg != "" {
		L.Push(lua.LNil)
		L.Push(lua.LString(msg))
		return 2
	}
	rel, err := CleanPath(p)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	fn, err := c.LoadFile(rel, env)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

func (c *Lua) luaDofile(L *lua.LState) int {
	p := L.CheckString(1)
	rel, err := CleanPath(p)
	if err != nil {
		L.RaiseError("dofile: %s", err.Error())
	}
	fn, err := c.LoadFile(rel, nil)
	if err != nil {
		L.RaiseError("dofile: %s", err.Error())
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

var moduleName = regexp.MustCompile(`^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\- ]+)*$`)

// DefaultResolve maps a dotted module name to a .lua file under the folder.
func DefaultResolve(g *Game) func(string) (string, error) {
	return func(name string) (string, error) {
		if !moduleName.MatchString(name) {
			return "", fmt.Errorf("module '%s' not found: module names are dotted names inside the game folder", name)
		}
		rel := strings.ReplaceAll(name, ".", "/") + ".lua"
		if g.Exists(rel) {
			return rel, nil
		}
		alt := path.Join(strings.ReplaceAll(name, ".", "/"), "init.lua")
		if g.Exists(alt) {
			return alt, nil
		}
		return "", fmt.Errorf("module '%s' not found: no file %s in the game folder", name, rel)
	}
}

// openRequire installs package.loaded/preload and a require that only
// resolves files inside the game folder (through c.Resolve).
func (c *Lua) openRequire(G *lua.LTable) {
	L := c.L
	pkg := L.CreateTable(0, 3)
	loaded := L.CreateTable(0, 8)
	preload := L.CreateTable(0, 0)
	pkg.RawSetString("loaded", loaded)
	pkg.RawSetString("preload", preload)
	pkg.RawSetString("path", lua.LString("?.lua"))
	for _, name := range []string{"_G", "string", "table", "math", "os", "coroutine"} {
		if v := G.RawGetString(name); v != lua.LNil {
			loaded.RawSetString(name, v)
		}
	}
	loaded.RawSetString("_G", c.globals.proxy)
	G.RawSetString("package", pkg)
	loading := map[string]bool{}
	G.RawSetString("require", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		if v := loaded.RawGetString(name); v != lua.LNil {
			L.Push(v)
			return 1
		}
		if loading[name] {
			L.RaiseError("module '%s' requires itself (a require loop)", name)
		}
		var fn lua.LValue
		if pre := preload.RawGetString(name); pre != lua.LNil {
			fn = pre
		} else {
			resolve := c.Resolve
			if resolve == nil {
				resolve = DefaultResolve(c.game)
			}
			rel, err := resolve(name)
			if err != nil {
				L.RaiseError("%s", err.Error())
			}
			f, err := c.LoadFile(rel, nil)
			if err != nil {
				L.RaiseError("%s", err.Error())
			}
			fn = f
			if c.emitting() {
				c.emit(Event{Kind: EventRead, Context: c.Name, Step: c.step, Text: rel, Where: c.where(1)})
			}
		}
		loading[name] = true
		defer delete(loading, name)
		L.Push(fn)
		L.Push(lua.LString(name))
		L.Call(1, 1)
		res := L.Get(-1)
		L.Pop(1)
		if res == lua.LNil {
			if v := loaded.RawGetString(name); v != lua.LNil {
				res = v
			} else {
				res = lua.LTrue
			}
		}
		loaded.RawSetString(name, res)
		L.Push(res)
		return 1
	}))
}

// openIO installs a read-only io confined to the game folder.
func (c *Lua) openIO(G *lua.LTable) {
	L := c.L
	io := L.CreateTable(0, 8)
	G.RawSetString("io", io)
	io.RawSetString("write", L.NewFunction(func(L *lua.LState) int {
		c.addOutput("", c.joinOutput(L, 1, "")) // bounded (defenses.go)
		return 0
	}))
	refuse := func(what string) lua.LGFunction {
		return func(L *lua.LState) int {
			L.RaiseError("%s is not available: game code may only read files inside the game folder", what)
			return 0
		}
	}
	io.RawSetString("popen", L.NewFunction(refuse("io.popen")))
	io.RawSetString("tmpfile", L.NewFunction(refuse("io.tmpfile")))
	io.RawSetString("output", L.NewFunction(refuse("io.output")))
	io.RawSetString("input", L.NewFunction(refuse("io.input")))
	fileMeta := L.CreateTable(0, 2)
	methods := L.CreateTable(0, 5)
	fileMeta.RawSetString("__index", methods)
	fileMeta.RawSetString("__metatable", lua.LString("file"))
	newFile := func(data []byte) *lua.LUserData {
		ud := L.NewUserData()
		ud.Value = &roFile{data: data}
		ud.Metatable = fileMeta
		return ud
	}
	check := func(L *lua.LState) *roFile {
		ud := L.CheckUserData(1)
		f, ok := ud.Value.(*roFile)
		if !ok {
			L.ArgError(1, "file expected")
		}
		if f.closed {
			L.RaiseError("attempt to use a closed file")
		}
		return f
	}
	io.RawSetString("open", L.NewFunction(func(L *lua.LState) int {
		p := L.CheckString(1)
		mode := L.OptString(2, "r")
		if strings.ContainsAny(mode, "wa+") {
			L.Push(lua.LNil)
			L.Push(lua.LString(fmt.Sprintf("%s: writing files is not allowed in modscope's sandbox", p)))
			return 2
		}
		rel, err := CleanPath(p)
		if err == nil {
			var data []byte
			data, err = c.game.ReadFile(rel)
			if err == nil {
				if c.emitting() {
					c.emit(Event{Kind: EventRead, Context: c.Name, Step: c.step, Text: rel, Where: c.where(1)})
				}
				L.Push(newFile(data))
				return 1
			}
		}
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}))
	methods.RawSetString("read", L.NewFunction(func(L *lua.LState) int {
		f := check(L)
		format := L.Get(2)
		if format == lua.LNil {
			format = lua.LString("*l")
		}
		L.Push(f.read(format))
		return 1
	}))
	methods.RawSetString("lines", L.NewFunction(func(L *lua.LState) int {
		f := check(L)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			L.Push(f.read(lua.LString("*l")))
			return 1
		}))
		return 1
	}))
	methods.RawSetString("close", L.NewFunction(func(L *lua.LState) int {
		check(L).closed = true
		L.Push(lua.LTrue)
		return 1
	}))
	methods.RawSetString("seek", L.NewFunction(func(L *lua.LState) int {
		f := check(L)
		whence := L.OptString(2, "cur")
		off := L.OptInt(3, 0)
		switch whence {
		case "set":
			f.pos = off
		case "end":
			f.pos = len(f.data) + off
		default:
			f.pos += off
		}
		f.pos = max(0, min(f.pos, len(f.data)))
		L.Push(lua.LNumber(f.pos))
		return 1
	}))
	methods.RawSetString("write", L.NewFunction(refuse("file:write")))
	io.RawSetString("lines", L.NewFunction(func(L *lua.LState) int {
		data, _ := c.readGameFile(L, L.CheckString(1))
		f := &roFile{data: data}
		L.Push(L.NewFunction(func(L *lua.LState) int {
			L.Push(f.read(lua.LString("*l")))
			return 1
		}))
		return 1
	}))
}

type roFile struct {
	data   []byte
	pos    int
	closed bool
}

func (f *roFile) read(format lua.LValue) lua.LValue {
	if n, ok := format.(lua.LNumber); ok {
		if f.pos >= len(f.data) {
			return lua.LNil
		}
		if n == 0 { // Lua: "" unless at the end
			return lua.LString("")
		}
		end := len(f.data) // Lua 5.1 reads a negative count as a huge one
		if n > 0 && float64(n) < float64(len(f.data)-f.pos) {
			end = f.pos + int(n)
		}
		s := f.data[f.pos:end]
		f.pos = end
		return lua.LString(s)
	}
	switch strings.TrimPrefix(format.String(), "*") {
	case "a":
		s := f.data[f.pos:]
		f.pos = len(f.data)
		return lua.LString(s)
	case "n":
		rest := strings.TrimLeft(string(f.data[f.pos:]), " \t\r\n")
		skipped := len(f.data) - f.pos - len(rest)
		j := 0
		for j < len(rest) && strings.ContainsRune("0123456789+-.eExXabcdefABCDEF", rune(rest[j])) {
			j++
		}
		v, err := parseNumber(rest[:j])
		if err != nil {
			return lua.LNil
		}
		f.pos += skipped + j
		return lua.LNumber(v)
	default: // "*l"
		if f.pos >= len(f.data) {
			return lua.LNil
		}
		rest := f.data[f.pos:]
		i := strings.IndexByte(string(rest), '\n')
		if i < 0 {
			f.pos = len(f.data)
			return lua.LString(rest)
		}
		f.pos += i + 1
		return lua.LString(strings.TrimSuffix(string(rest[:i]), "\r"))
	}
}

// capStrings replaces the string functions that can build huge strings in
// one call with bounded versions.
func (c *Lua) capStrings(G *lua.LTable) {
	L := c.L
	str, ok := G.RawGetString("string").(*lua.LTable)
	if !ok {
		return
	}
	str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
		s := L.CheckString(1)
		n := L.CheckInt(2)
		sep := L.OptString(3, "")
		if n <= 0 {
			L.Push(lua.LString(""))
			return 1
		}
		total := int64(len(s))*int64(n) + int64(len(sep))*int64(n-1)
		if total == 0 { // string.rep("", 2^53) would loop for ever writing nothing
			L.Push(lua.LString(""))
			return 1
		}
		if total > MaxStringBytes {
			L.RaiseError("string.rep: result of %d bytes is over the %d MiB limit", total, MaxStringBytes>>20)
		}
		// strings.Repeat copies by doubling: a byte-at-a-time loop took
		// half a second for 60 MB.
		if sep == "" {
			L.Push(lua.LString(strings.Repeat(s, n)))
		} else {
			L.Push(lua.LString(strings.Repeat(s+sep, n-1) + s))
		}
		return 1
	}))
	if orig, ok := str.RawGetString("format").(*lua.LFunction); ok {
		str.RawSetString("format", L.NewFunction(func(L *lua.LState) int {
			f := L.CheckString(1)
			if err := checkFormat(f); err != nil { // defenses.go
				L.RaiseError("string.format: %s", err.Error())
			}
			checkFormatSize(L, f) // defenses.go
			return orig.GFunction(L)
		}))
	}
	if tbl, ok := G.RawGetString("table").(*lua.LTable); ok {
		if orig, ok := tbl.RawGetString("concat").(*lua.LFunction); ok {
			tbl.RawSetString("concat", L.NewFunction(func(L *lua.LState) int {
				t := L.CheckTable(1)
				sep := L.OptString(2, "")
				i := L.OptInt(3, 1)
				j := L.OptInt(4, t.Len())
				if float64(j)-float64(i) > 1<<24 { // float: j-i overflows for ±9e18
					L.RaiseError("table.concat: %.0f items is over the limit", float64(j)-float64(i)+1)
				}
				total := int64(0)
				for k := i; k <= j; k++ {
					if s, ok := t.RawGetInt(k).(lua.LString); ok {
						total += int64(len(s)) + int64(len(sep))
					}
					if total > MaxStringBytes {
						L.RaiseError("table.concat: result is over the %d MiB limit", MaxStringBytes>>20)
					}
				}
				return orig.GFunction(L)
			}))
		}
		if orig, ok := G.RawGetString("unpack").(*lua.LFunction); ok {
			unpack := L.NewFunction(func(L *lua.LState) int {
				t := L.CheckTable(1)
				i := L.OptInt(2, 1)
				j := L.OptInt(3, t.Len())
				if float64(j)-float64(i) >= maxMultRet { // float: j-i overflows for ±9e18
					L.RaiseError("unpack: too many results (%.0f)", float64(j)-float64(i)+1)
				}
				return orig.GFunction(L)
			})
			G.RawSetString("unpack", unpack)
			tbl.RawSetString("unpack", unpack) // Lua 5.3's table.unpack, same bound
		}
	}
}

// wrapCoroutines makes a resumed coroutine run under the resumer's
// deadline, so the watchdog sees into coroutines.
func (c *Lua) wrapCoroutines(G *lua.LTable) {
	L := c.L
	co, ok := G.RawGetString("coroutine").(*lua.LTable)
	if !ok {
		return
	}
	orig, ok := co.RawGetString("resume").(*lua.LFunction)
	if !ok {
		return
	}
	resume := L.NewFunction(func(L *lua.LState) int {
		th := L.CheckThread(1)
		if ctx := L.Context(); ctx != nil {
			th.SetContext(ctx)
		} else {
			th.RemoveContext()
		}
		// the call depth limit is per thread: nested resumes are bounded
		// per state, or their Go stack overflows (defenses.go)
		if c.resumes >= MaxResumeNesting {
			L.Push(lua.LFalse)
			L.Push(lua.LString("C stack overflow"))
			return 2
		}
		c.resumes++
		defer func() { c.resumes-- }()
		return orig.GFunction(L)
	})
	co.RawSetString("resume", resume)
	create := co.RawGetString("create")
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		f := L.CheckFunction(1)
		L.Push(create)
		L.Push(f)
		L.Call(1, 1)
		th := L.Get(-1)
		L.Pop(1)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			n := L.GetTop()
			args := make([]lua.LValue, 0, n+1)
			args = append(args, th)
			for i := 1; i <= n; i++ {
				args = append(args, L.Get(i))
			}
			base := L.GetTop()
			L.Push(resume)
			for _, a := range args {
				L.Push(a)
			}
			L.Call(len(args), lua.MultRet)
			if L.Get(base+1) == lua.LFalse {
				L.Error(L.Get(base+2), 1)
			}
			return L.GetTop() - base - 1
		}))
		return 1
	}))
}
