package autorun

import (
	_ "embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// This file runs a game that ships the engine's own Lua loader
// (CommonLua/Core/autorun.lua, as the JA3 modding repository does): modscope
// starts the load the way the engine's C side does and lets that file drive
// it (docs/shipped-loader.md). The loader runs on a Lua coroutine of the
// context that pauses at each of its stages — a dofile/dofolder that
// autorun.lua itself calls, and every Msg — so that each stage is a step.

// ShippedLoader is the file that marks a folder whose loader is shipped.
const ShippedLoader = "CommonLua/Core/autorun.lua"

// StepShippedStart is the first step of the shipped loader: the engine's
// dofile of autorun.lua, up to the loader's first stage.
const StepShippedStart = `dofile("CommonLua/Core/autorun.lua")`

// StepShippedReload is the first step of a reload: the game's ReloadLua().
const StepShippedReload = "ReloadLua()"

// shippedChunk names modscope's Lua side of the engine; "=[modscope" frames
// are skipped by positions and provenance.
const shippedChunk = "=[modscope]/shipped.lua"

//go:embed shipped/engine.lua
var shippedLua []byte

//go:embed shipped/tablelib.lua
var shippedTableLib []byte

// HasShippedLoader reports whether the folder ships the engine's loader.
func HasShippedLoader(g *engine.Game) bool { return g.Exists(ShippedLoader) }

// Shipped is the autorun model for a folder that ships its loader.
type Shipped struct {
	h *engine.Host
	g *engine.Game

	mainContext // its mu guards c and count
	count       int

	steps []string // the steps that ran, then the one the loader waits at
	next  int
	root  *os.Root

	// Owner-goroutine state.
	e          *lua.LTable             // the Go primitives of shipped/engine.lua
	mark       *lua.LTable             // the value a step pause yields
	wait       *lua.LTable             // the value a thread's Sleep/WaitMsg/... yields
	sched      scheduler               // the engine's threads (shipped_threads.go)
	noPause    bool                    // threads run inside a command: Msg is no step
	loaded     bool                    // the loader's coroutine has returned
	co         *lua.LState             // the loader's coroutine, nil when done
	chain      map[*lua.LState]bool    // the loader's coroutine and its protected calls
	wrapped    map[*lua.LFunction]bool // the wrappers installed (stages, Msg, OnMsg)
	files      map[*lua.FunctionProto]string
	gmeta      lua.LValue                 // the metatable the game gave _G (kept aside)
	standIn    map[*lua.LTable]lua.LValue // stub mode's __index of an engine table the game re-metatabled
	engineVars map[string]lua.LValue
	body       string // E's function the next step starts the loader with ("main", "reload")
	fileStart  time.Time
}

func newShipped(h *engine.Host) (engine.Model, error) {
	m := &Shipped{h: h, g: h.Game, steps: []string{StepEnv, StepShippedStart}, body: "main",
		chain: map[*lua.LState]bool{}, wrapped: map[*lua.LFunction]bool{},
		files: map[*lua.FunctionProto]string{}, standIn: map[*lua.LTable]lua.LValue{}, engineVars: map[string]lua.LValue{}}
	root, err := os.OpenRoot(h.Game.Dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", h.Game.Dir, err)
	}
	m.root = root
	return m, nil
}

// lastLoads keeps, per folder and kind of load, the steps of the last load
// this process ran to its end: the expected rest of a load that has so far
// gone the same way (so that a breakpoint can be put on a later stage).
var lastLoads sync.Map // string -> []string

func (m *Shipped) loadKey() string {
	if len(m.steps) == 0 {
		return m.g.Dir
	}
	return m.g.Dir + "\x00" + m.steps[0]
}

// Steps implements engine.Model: the steps that ran and the stage the
// loader waits at (the loader decides what comes after it), then, while
// the load has gone as the last one of this folder did, that load's rest.
func (m *Shipped) Steps() []string {
	out := append([]string(nil), m.steps...)
	if m.next >= len(m.steps) {
		return out // the loader has ended: nothing more will come
	}
	if v, ok := lastLoads.Load(m.loadKey()); ok {
		prev := v.([]string)
		if len(prev) > len(out) && slices.Equal(prev[:len(out)], out) {
			out = append(out, prev[len(out):]...)
		}
	}
	return out
}

// Next implements engine.Model.
func (m *Shipped) Next() int { return m.next }

// ClassCount implements engine.ClassCounter: the entries of g_Classes.
func (m *Shipped) ClassCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count
}

// Close implements engine.Model.
func (m *Shipped) Close() {
	m.closeContext()
	if m.root != nil {
		m.root.Close()
	}
}

// RunStep implements engine.Model.
func (m *Shipped) RunStep() engine.StepOutcome {
	create := func() error {
		c, err := m.h.NewContext("main", "main")
		if err != nil {
			return err
		}
		// new globals are locked when the game's own _G metatable says so
		// (setmetatable(_G, ...) in autorun.lua)
		return m.setContext(c, func(o *engine.Lua) { o.StrictReads = m.g.Mode == engine.ModeStrict })
	}
	return m.runMainStep(&m.steps, &m.next, create, func(o *engine.Lua, name string) engine.StepOutcome {
		L := o.L
		if name == StepEnv && m.next == 1 {
			if err := m.setup(L); err != nil {
				return engine.StepOutcome{Error: err.Error(), Fatal: true}
			}
			return engine.StepOutcome{}
		}
		if m.body != "" {
			// the first step after the environment (or of a reload)
			// starts the loader; the others resume it (a stage may share
			// the first step's name: ReloadLua's dofile of autorun.lua)
			m.start(L, m.body)
			m.body = ""
		}
		switch {
		case m.co != nil:
			m.resume(L)
			if m.co == nil && m.sched.alive() > 0 {
				// the loader has returned: the engine's main loop runs
				// the threads next
				m.steps = append(m.steps[:m.next], StepThreads)
			}
		case m.loaded || name == StepThreads:
			// the threads run until one sends a message (a step)
			if step := m.runThreads(); step != "" {
				m.steps = append(m.steps[:m.next], step)
			}
		}
		m.loaded = m.co == nil
		if m.co == nil && m.next >= len(m.steps) {
			m.countClasses()
			lastLoads.Store(m.loadKey(), append([]string(nil), m.steps...))
		}
		return engine.StepOutcome{}
	})
}

// start makes the loader's coroutine running E[body].
func (m *Shipped) start(L *lua.LState, body string) {
	f, ok := m.e.RawGetString(body).(*lua.LFunction)
	if !ok {
		return
	}
	res, rec := m.o.Call(m.coFn("create"), []lua.LValue{f}, "[engine] loader")
	if rec != nil || len(res) == 0 {
		return
	}
	th, isThread := res[0].(*lua.LState)
	if !isThread {
		return
	}
	m.co = th
	m.chain = map[*lua.LState]bool{th: true}
	for co := range m.sched.byCo {
		m.chain[co] = true // the threads' stages stay steps
	}
}

func (m *Shipped) coFn(name string) lua.LValue {
	if co, ok := m.o.GetGlobal("coroutine").(*lua.LTable); ok {
		return co.RawGetString(name)
	}
	return lua.LNil
}

// resume runs the loader until its next stage (a new pending step) or its
// end.
func (m *Shipped) resume(L *lua.LState) {
	if m.co == nil {
		return
	}
	resume := m.coFn("resume")
	for i := 0; i < 1000; i++ {
		res, rec := m.o.Call(resume, []lua.LValue{m.co}, "autorun.lua")
		if rec != nil || len(res) == 0 {
			m.co = nil
			return
		}
		if res[0] != lua.LTrue {
			msg := lua.LValue(lua.LString("the loader stopped"))
			if len(res) > 1 {
				msg = res[1]
			}
			m.o.RecordLuaError(m.co, msg, ShippedLoader, "")
			m.co = nil
			return
		}
		if m.co.Status(m.co) == "dead" || len(res) < 3 || res[1] != m.mark {
			if m.co.Status(m.co) != "dead" {
				// a yield outside any thread: the engine would fail; go on
				m.o.AddError(engine.ErrorRecord{File: ShippedLoader,
					Message: "coroutine.yield outside a thread while loading (the engine's loader is not a coroutine); resumed"})
				continue
			}
			m.co = nil
			return
		}
		m.steps = append(m.steps[:m.next], lua.LVAsString(res[2]))
		return
	}
	m.co = nil
}

// countClasses counts g_Classes (the classes the game's classes.lua built).
func (m *Shipped) countClasses() {
	n := 0
	if t, ok := m.o.GetGlobal("g_Classes").(*lua.LTable); ok {
		t.ForEach(func(k, _ lua.LValue) {
			if _, isStr := k.(lua.LString); isStr {
				n++
			}
		})
	}
	m.mu.Lock()
	m.count = n
	m.mu.Unlock()
}

// Do implements engine.Model: reload (and edit) re-run the shipped loader
// as lib.lua's ReloadLua does; msg sends a message through the game's Msg.
func (m *Shipped) Do(cmd engine.Command) (engine.Result, bool) {
	switch cmd.Op {
	case "reload", "edit":
		return m.startReload(), true
	case "msg", "event":
	default:
		return engine.Result{}, false
	}
	return m.runMainCommand(cmd, func(o *engine.Lua) (res engine.Result) {
		L := o.L
		args := cmd.Args
		if cmd.Op == "event" {
			if ctx := cmd.Arg(0); ctx != "main" && ctx != "all" {
				return engine.Failed("no context called %q (the autorun model has one context: main)", ctx)
			}
			args = args[1:]
		}
		if len(args) == 0 {
			return engine.Failed("%s: which message?", cmd.Op)
		}
		vals := append([]lua.LValue{engine.ToLua(L, args[0])}, engine.ArgsToLua(L, args[1:])...)
		if _, rec := o.Call(m.o.GetGlobal("Msg"), vals, "Msg"); rec != nil {
			res = engine.Failed("%s: %s", cmd.Op, engine.FormatError(*rec))
		}
		if m.co == nil && m.next >= len(m.steps) {
			// the threads the message woke run now (the engine's main
			// loop); their messages are part of this command, not steps
			m.noPause = true
			m.runThreads()
			m.noPause = false
		}
		return res
	})
}

func (m *Shipped) startReload() engine.Result {
	c := m.context()
	if c == nil {
		return engine.Result{OK: true} // nothing loaded: the first load runs
	}
	if c.State() == engine.StateUnloaded { // as Model's startReload: nothing changes
		return engine.Failed("reload: context %s: %v", c.Name, engine.ErrClosed)
	}
	m.steps = []string{StepShippedReload}
	m.next = 0
	m.body = "reload"
	c.SetState(engine.StateReloading)
	return engine.Result{OK: true}
}

// TakeReload reports (once) that the session should run a reload that Lua
// asked for; the game's own ReloadLua runs inline, so there is none.
func (m *Shipped) TakeReload() bool { return false }

// ---- the engine side ----

// setup is step "Lua environment": what the engine's C side provides
// before it runs autorun.lua.
func (m *Shipped) setup(L *lua.LState) error {
	c := m.o
	m.e = L.CreateTable(0, 32)
	m.mark = L.CreateTable(0, 1)
	m.mark.RawSetString("modscope", lua.LString("step"))
	m.wait = L.CreateTable(0, 1)
	m.wait.RawSetString("modscope", lua.LString("wait"))
	m.exportPrimitives(L)
	fn, err := c.LoadString(shippedChunk, string(shippedLua), nil)
	if err != nil {
		return fmt.Errorf("shipped loader support: %w", err)
	}
	if _, rec := c.Call(fn, []lua.LValue{m.e, m.mark, m.wait}, shippedChunk); rec != nil {
		return fmt.Errorf("shipped loader support: %s", rec.Message)
	}
	m.exportEngine(L)
	m.exportThreads(L)
	// compile in the background what the loader will most likely run, in
	// about the order it runs it (the steps then find it compiled)
	var files []string
	for _, dir := range []string{"CommonLua/Core", "CommonLua", "Lua"} {
		files = append(files, m.g.ListLua(dir)...)
	}
	go m.g.Precompile(files)
	// the engine's table and string extensions (real: same meaning here)
	lib, err := c.LoadString("=[modscope]/tablelib.lua", string(shippedTableLib), nil)
	if err != nil {
		return fmt.Errorf("shipped loader support: %w", err)
	}
	if _, rec := c.Call(lib, nil, "=[modscope]/tablelib.lua"); rec != nil {
		return fmt.Errorf("shipped loader support: %s", rec.Message)
	}
	m.wrapGlobals(L) // the engine's dofile is a stage too
	return nil
}

// isStandInMeta reports whether mt is the metatable stub mode gives a table
// for its missing fields (one Go __index): the game, which set no
// metatable there, sees none.
func isStandInMeta(mt lua.LValue) bool {
	t, ok := mt.(*lua.LTable)
	if !ok {
		return false
	}
	idx, ok := t.RawGetString("__index").(*lua.LFunction)
	if !ok || !idx.IsG {
		return false
	}
	n := 0
	t.ForEach(func(lua.LValue, lua.LValue) { n++ })
	return n == 1
}

// exportPrimitives fills E, the private table of shipped/engine.lua.
func (m *Shipped) exportPrimitives(L *lua.LState) {
	c := m.o
	fn := func(name string, f lua.LGFunction) { m.e.RawSetString(name, L.NewFunction(f)) }
	fn("boundary", func(L *lua.LState) int {
		kind, arg := L.CheckString(1), L.Get(2)
		if m.noPause || !m.isStage(L, kind, arg) || !m.canPause(L) {
			return 0
		}
		if kind == "Msg" {
			L.Push(lua.LString(msgStep(arg)))
		} else {
			L.Push(lua.LString(fmt.Sprintf("%s(%q)", kind, lua.LVAsString(arg))))
		}
		return 1
	})
	fn("can_pause", func(L *lua.LState) int {
		L.Push(lua.LBool(m.canPause(L)))
		return 1
	})
	fn("track", func(L *lua.LState) int {
		if th, ok := L.Get(1).(*lua.LState); ok && m.chain[L] && m.canPause(L) {
			m.chain[th] = true
		}
		return 0
	})
	fn("untrack", func(L *lua.LState) int {
		if th, ok := L.Get(1).(*lua.LState); ok && th != m.co && m.sched.byCo[th] == nil {
			delete(m.chain, th)
		}
		return 0
	})
	fn("failed", func(L *lua.LState) int {
		th, _ := L.Get(1).(*lua.LState)
		what := engine.WhereIn(L)
		if th != nil {
			delete(m.chain, th)
			if w := engine.WhereIn(th); w != "" {
				what = w // where the protected call failed, when its stack says
			}
		}
		c.RecordLuaError(L, L.Get(2), what, "")
		return 0
	})
	fn("pcall", func(L *lua.LState) int {
		args := make([]lua.LValue, 0, L.GetTop())
		for i := 2; i <= L.GetTop(); i++ {
			args = append(args, L.Get(i))
		}
		res, rec := c.CallIn(L, L.Get(1), args, engine.WhereIn(L))
		if rec != nil {
			return pushOutcome(L, false, rec.Message, nil)
		}
		return pushOutcome(L, true, "", res)
	})
	fn("isfile", func(L *lua.LState) int {
		// the file a function is the chunk of (from loadfile), or false
		if f, ok := L.Get(1).(*lua.LFunction); ok && f.Proto != nil && m.files[f.Proto] != "" {
			L.Push(lua.LString(m.files[f.Proto]))
			return 1
		}
		L.Push(lua.LFalse)
		return 1
	})
	fn("runfile", func(L *lua.LState) int {
		f := L.CheckFunction(1)
		args := make([]lua.LValue, 0, L.GetTop())
		for i := 2; i <= L.GetTop(); i++ {
			args = append(args, L.Get(i))
		}
		run, res := m.execFile(m.files[f.Proto], f.Env, args)
		m.wrapGlobals(L)
		return pushOutcome(L, run.OK, run.Error, res)
	})
	fn("resume", func(L *lua.LState) int {
		// coroutine.resume under a deadline of its own (a message handler
		// or a file's protected call), the caller's clock stopped meanwhile
		args := make([]lua.LValue, 0, L.GetTop())
		for i := 1; i <= L.GetTop(); i++ {
			args = append(args, L.Get(i))
		}
		res, rec := c.CallHandler(L, m.coFn("resume"), args, engine.WhereIn(L))
		if rec != nil {
			L.Push(lua.LFalse)
			L.Push(lua.LString(rec.Message))
			L.Push(lua.LTrue) // recorded already
			return 3
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	})
	fn("file_begin", func(L *lua.LState) int {
		m.fileStart = time.Now()
		m.h.Emit(engine.Event{Kind: engine.EventFileBegin, Context: c.Name, Step: c.Step(), Text: L.CheckString(1)})
		return 0
	})
	fn("file_end", func(L *lua.LState) int {
		run := engine.FileRun{Path: L.CheckString(1), Context: c.Name, Step: c.Step(), OK: L.ToBool(2),
			Ms: float64(time.Since(m.fileStart).Microseconds()) / 1000}
		if !run.OK {
			run.Error = lua.LVAsString(L.Get(3))
		}
		m.h.Emit(engine.Event{Kind: engine.EventFile, Context: c.Name, Step: c.Step(), File: &run})
		m.wrapGlobals(L)
		return 0
	})
	fn("syntax", func(L *lua.LState) int {
		m.syntaxError(L, L.Get(1))
		return 0
	})
	fn("sent", func(L *lua.LState) int {
		key := engine.HandlerKey(L.Get(1))
		var shown []string
		for i := 2; i <= L.GetTop(); i++ {
			shown = append(shown, argString(L.Get(i)))
		}
		m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: c.Name, Step: c.Step(),
			Message: &engine.MessageRecord{Name: key, Context: c.Name, Args: shown, Step: c.Step(), Handlers: len(c.HandlersOf(key))}})
		return 0
	})
	fn("register", func(L *lua.LState) int {
		if f, ok := L.Get(2).(*lua.LFunction); ok && L.Get(1) != lua.LNil {
			c.AddHandler(engine.HandlerKey(L.Get(1)), f, engine.WhereIn(L))
		}
		return 0
	})
	fn("clear", func(L *lua.LState) int {
		c.ClearHandlers(engine.HandlerKey(L.Get(1)))
		return 0
	})
}

// isStage reports whether a call is one of the loader's stages: every Msg,
// and a dofile/dofolder that autorun.lua itself makes (or that runs it).
func (m *Shipped) isStage(L *lua.LState, kind string, arg lua.LValue) bool {
	if kind == "Msg" {
		return true
	}
	if s, ok := arg.(lua.LString); ok && strings.ReplaceAll(string(s), "\\", "/") == ShippedLoader {
		return true
	}
	// level 0: boundary, 1: the wrapper, 2: its caller
	dbg, ok := L.GetStack(2)
	if !ok {
		return false
	}
	if _, err := L.GetInfo("S", dbg, lua.LNil); err != nil {
		return false
	}
	return dbg.Source == ShippedLoader
}

// canPause reports whether L, the running thread, can pause the loader: it
// is the loader's coroutine or a protected call made on it, and no Go
// function (pcall, a metamethod's caller) stands between it and the pause.
func (m *Shipped) canPause(L *lua.LState) bool {
	if !m.chain[L] {
		return false
	}
	for lv := 1; lv < 256; lv++ {
		dbg, ok := L.GetStack(lv)
		if !ok {
			return true
		}
		v, err := L.GetInfo("f", dbg, lua.LNil)
		if err != nil {
			return false
		}
		if f, isFn := v.(*lua.LFunction); !isFn || f.IsG {
			return false
		}
	}
	return false
}

// syntaxError records a loadfile error message ("file:line: msg").
func (m *Shipped) syntaxError(L *lua.LState, v lua.LValue) {
	msg := lua.LVAsString(v)
	file, line, text := "", 0, msg
	if i := strings.Index(msg, ": "); i > 0 {
		file, line = engine.SplitWhere(msg[:i])
		if line > 0 {
			text = msg[i+2:]
		} else {
			file = ""
		}
	}
	if file == "" {
		file, line = engine.SplitWhere(engine.WhereIn(L))
	}
	if strings.Contains(text, "no such file") || strings.Contains(text, "does not exist") {
		m.o.AddError(engine.ErrorRecord{File: file, Line: line, Message: "cannot open: " + text})
		return
	}
	m.o.AddError(engine.ErrorRecord{File: file, Line: line, Message: "syntax error: " + text})
}

// wrapGlobals puts the stage wrappers around the loader's functions once
// the game's Lua has defined them (lib.lua's dofile and dofolder,
// cthreads.lua's Msg, MsgClear and OnMsg).
func (m *Shipped) wrapGlobals(L *lua.LState) {
	c := m.o
	wrap := func(name, maker string, args ...lua.LValue) {
		f, ok := c.GetGlobal(name).(*lua.LFunction)
		if !ok || m.wrapped[f] {
			return
		}
		mk, _ := m.e.RawGetString(maker).(*lua.LFunction)
		if mk == nil {
			return
		}
		res, rec := c.CallIn(L, mk, append(args, f), shippedChunk)
		if rec != nil || len(res) == 0 {
			return
		}
		w, ok := res[0].(*lua.LFunction)
		if !ok {
			return
		}
		m.wrapped[w] = true
		where := "[engine]"
		if p, ok := c.Provenance(name); ok && p.AssignedAt != "" {
			where = p.AssignedAt
		}
		c.AssignGlobalAt(name, w, where)
	}
	for _, k := range []string{"dofile", "pdofile", "dofolder", "dofolder_files", "dofolder_folders"} {
		wrap(k, "wrap_loader", lua.LString(k))
	}
	wrap("Msg", "wrap_msg")
	wrap("MsgClear", "wrap_clear")
	if t, ok := c.GetGlobal("OnMsg").(*lua.LTable); ok {
		if meta, ok := L.GetMetatable(t).(*lua.LTable); ok {
			if f, ok := meta.RawGetString("__newindex").(*lua.LFunction); ok && !m.wrapped[f] {
				if mk, _ := m.e.RawGetString("wrap_onmsg").(*lua.LFunction); mk != nil {
					if res, rec := c.CallIn(L, mk, []lua.LValue{f}, shippedChunk); rec == nil && len(res) > 0 {
						if w, ok := res[0].(*lua.LFunction); ok {
							m.wrapped[w] = true
							meta.RawSetString("__newindex", w)
						}
					}
				}
			}
		}
	}
}

// exportEngine installs the engine's functions that the loader calls.
func (m *Shipped) exportEngine(L *lua.LState) {
	c := m.o
	def := func(name string, v lua.LValue) { c.AssignGlobalAt(name, v, "[engine]") }
	gfn := func(name string, f lua.LGFunction) { def(name, L.NewFunction(f)) }

	// Platform: from modscope.toml ([autorun] platform), never a stand-in.
	flags := settingsOf(m.g).Platform
	if len(flags) == 0 {
		flags = []string{"pc", "desktop"}
	}
	p := L.CreateTable(0, len(flags))
	for _, f := range flags {
		p.RawSetString(f, lua.LTrue)
	}
	def("Platform", p)

	// The engine's variable tables (C globals the Lua side configures with
	// SetupVarTable): plain tables whose missing fields are stand-ins.
	for _, name := range []string{"const", "hr", "collision", "GridStats", "clutter", "terrain"} {
		t := L.CreateTable(0, 0)
		c.EngineTable(t, name, engine.StubConst)
		def(name, t)
	}

	// package.searchers (Lua 5.3; autorun.lua keeps only the first, the
	// preload searcher).
	if pkg, ok := c.GetGlobal("package").(*lua.LTable); ok && pkg.RawGetString("searchers") == lua.LNil {
		searchers := L.CreateTable(1, 0)
		searchers.Append(L.NewFunction(func(L *lua.LState) int {
			name := L.CheckString(1)
			if pre, ok := pkg.RawGetString("preload").(*lua.LTable); ok {
				if f := pre.RawGetString(name); f != lua.LNil {
					L.Push(f)
					return 1
				}
			}
			L.Push(lua.LString("\n\tno field package.preload['" + name + "']"))
			return 1
		}))
		pkg.RawSetString("searchers", searchers)
	}

	// Files, confined to the folder.
	if io, ok := c.GetGlobal("io").(*lua.LTable); ok {
		// the engine's io extensions (io.createpath, io.getmetadata, ...)
		// are stand-ins; the sandbox's refusals (io.popen) stay refusals
		c.EngineTable(io, "io", engine.StubLibrary)
		io.RawSetString("exists", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LBool(m.exists(strArg(L, 1))))
			return 1
		}))
		io.RawSetString("listfiles", L.NewFunction(func(L *lua.LState) int {
			list, _ := m.listFiles(strArg(L, 1), optStr(L, 2, "*"), optStr(L, 3, ""))
			L.Push(stringList(L, list))
			return 1
		}))
	}
	gfn("AsyncListFiles", func(L *lua.LState) int {
		list, err := m.listFiles(strArg(L, 1), optStr(L, 2, "*"), optStr(L, 3, ""))
		if err != nil {
			L.Push(lua.LString(err.Error()))
			L.Push(L.CreateTable(0, 0))
			return 2
		}
		L.Push(lua.LFalse)
		L.Push(stringList(L, list))
		return 2
	})
	gfn("AsyncFileToString", func(L *lua.LState) int {
		rel, err := engine.CleanPath(strings.ReplaceAll(L.CheckString(1), "\\", "/"))
		var data []byte
		if err == nil {
			data, err = m.g.ReadFile(rel)
		}
		if err != nil {
			L.Push(lua.LString("File Not Found"))
			return 1
		}
		L.Push(lua.LFalse)
		L.Push(lua.LString(data))
		return 2
	})
	origLoad := c.GetGlobal("loadfile")
	gfn("loadfile", func(L *lua.LState) int {
		// the sandbox's loadfile (Lua 5.3: name, mode, env), remembering
		// which functions are file chunks so that procall records the run
		top := L.GetTop()
		args := make([]lua.LValue, top)
		for i := 1; i <= top; i++ {
			args[i-1] = L.Get(i)
		}
		if top >= 1 {
			args[0] = lua.LString(strings.ReplaceAll(L.CheckString(1), "\\", "/"))
		}
		// compiling is part of running a file: under a deadline of its own
		res, rec := c.CallHandler(L, origLoad, args, "loadfile")
		if rec != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(rec.Message))
			return 2
		}
		if len(res) > 0 {
			if f, ok := res[0].(*lua.LFunction); ok && f.Proto != nil {
				if rel, err := engine.CleanPath(lua.LVAsString(args[0])); err == nil {
					m.files[f.Proto] = rel
				}
			}
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	})
	// dofile(name, env, ...): the engine's, used until lib.lua replaces it.
	gfn("dofile", func(L *lua.LState) int {
		name := strings.ReplaceAll(L.CheckString(1), "\\", "/")
		env, _ := L.Get(2).(*lua.LTable)
		if env == nil {
			env = callerEnv(L, "=[modscope")
		}
		var args []lua.LValue
		for i := 3; i <= L.GetTop(); i++ {
			args = append(args, L.Get(i))
		}
		rel, err := engine.CleanPath(name)
		if err == nil && !m.g.Exists(rel) {
			err = fmt.Errorf("cannot open %s", name)
		}
		if err != nil {
			file, line := engine.SplitWhere(engine.WhereIn(L))
			c.AddError(engine.ErrorRecord{File: file, Line: line, Message: "dofile: " + err.Error()})
			return 0
		}
		run, res := m.execFile(rel, env, args)
		m.wrapGlobals(L)
		if !run.OK {
			return 0
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	})
	def("procall", m.e.RawGetString("procall"))
	def("sprocall", m.e.RawGetString("procall"))
	// pairs and ipairs: the engine's Lua iterates nil and false as empty
	// (the game relies on it: ipairs(config.Mods and ModsLoaded)).
	for _, name := range []string{"pairs", "ipairs"} {
		orig := c.GetGlobal(name)
		empty := L.NewFunction(func(L *lua.LState) int { return 0 })
		gfn(name, func(L *lua.LState) int {
			if v := L.Get(1); v == lua.LNil || v == lua.LFalse {
				L.Push(empty)
				L.Push(v)
				L.Push(lua.LNil)
				return 3
			}
			top := L.GetTop()
			L.Push(orig)
			for i := 1; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(top, lua.MultRet)
			return L.GetTop() - top
		})
	}
	// assert: the engine's reports a failed assertion and goes on (the
	// game's code relies on it: classes.lua removes an undefined parent
	// after assert(false, ...)); an error with Platform.asserts (a debug
	// build), else a warning.
	gfn("assert", func(L *lua.LState) int {
		if n := L.GetTop(); n == 0 || lua.LVAsBool(L.Get(1)) {
			return n
		}
		msg := "assertion failed!"
		if s, ok := L.Get(2).(lua.LString); ok {
			msg = "assertion failed: " + string(s)
		}
		where := engine.WhereIn(L)
		if !lua.LVAsBool(m.platform().RawGetString("asserts")) {
			// a build without Platform.asserts strips its asserts: the
			// failure is said (a warning), not an error
			c.Print("warn", where+": "+msg)
			return L.GetTop()
		}
		file, line := engine.SplitWhere(where)
		c.AddError(engine.ErrorRecord{File: file, Line: line, Message: msg})
		return L.GetTop()
	})
	// lpeg and other C modules: a stand-in module (stub mode).
	if pkg, ok := c.GetGlobal("package").(*lua.LTable); ok {
		if pre, ok := pkg.RawGetString("preload").(*lua.LTable); ok && m.g.Stubs() {
			for _, mod := range []string{"lpeg", "socket", "socket.core", "mime.core"} {
				mod := mod
				pre.RawSetString(mod, L.NewFunction(func(L *lua.LState) int {
					L.Push(c.ModuleTable(mod, L.CreateTable(0, 0)))
					return 1
				}))
			}
		}
	}
	gfn("syntax_error", func(L *lua.LState) int {
		m.syntaxError(L, L.Get(1))
		return 0
	})
	gfn("CmpLower", func(L *lua.LState) int {
		a, b := L.Get(1), L.Get(2)
		as, aok := a.(lua.LString)
		bs, bok := b.(lua.LString)
		if aok && bok {
			la, lb := strings.ToLower(string(as)), strings.ToLower(string(bs))
			if la != lb {
				L.Push(lua.LBool(la < lb))
			} else {
				L.Push(lua.LBool(as < bs))
			}
			return 1
		}
		L.Push(lua.LBool(L.LessThan(a, b)))
		return 1
	})
	// count_params and pack_params: the engine's varargs helpers.
	gfn("count_params", func(L *lua.LState) int {
		L.Push(lua.LNumber(L.GetTop()))
		return 1
	})
	gfn("pack_params", func(L *lua.LState) int {
		n := L.GetTop()
		if n == 0 {
			L.Push(lua.LNil)
			return 1
		}
		t := L.CreateTable(n, 0)
		for i := 1; i <= n; i++ {
			t.RawSetInt(i, L.Get(i))
		}
		L.Push(t)
		return 1
	})
	def("ripairs", m.e.RawGetString("ripairs"))
	def("IsKindOf", m.e.RawGetString("IsKindOf"))
	def("FindFirstIsKindOf", m.e.RawGetString("FindFirstIsKindOf"))
	gfn("GetAppCmdLine", func(L *lua.LState) int {
		L.Push(lua.LString(""))
		return 1
	})
	gfn("SetBuildRevision", func(L *lua.LState) int {
		m.engineVars["BuildRevision"] = L.Get(1)
		return 0
	})
	gfn("GetBuildRevision", func(L *lua.LState) int {
		v := m.engineVars["BuildRevision"]
		if v == nil {
			v = lua.LNumber(0)
		}
		L.Push(v)
		return 1
	})
	gfn("set_loadfile_params", func(L *lua.LState) int { return 0 })
	gfn("SetEngineVar", func(L *lua.LState) int {
		m.engineVars[L.OptString(1, "")+L.CheckString(2)] = L.Get(3)
		return 0
	})
	gfn("GetEngineVar", func(L *lua.LState) int {
		v := m.engineVars[L.OptString(1, "")+L.CheckString(2)]
		if v == nil {
			v = lua.LNil
		}
		L.Push(v)
		return 1
	})
	gfn("collectgarbage", func(L *lua.LState) int {
		switch L.OptString(1, "collect") {
		case "count":
			L.Push(lua.LNumber(0))
			return 1
		case "isrunning", "step":
			L.Push(lua.LTrue)
			return 1
		}
		L.Push(lua.LNumber(0))
		return 1
	})
	if osT, ok := c.GetGlobal("os").(*lua.LTable); ok {
		osT.RawSetString("setlocale", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString("C"))
			return 1
		}))
	}
	// setmetatable(_G, mt): the game's strict _G metatable is kept aside
	// (getmetatable(_G) returns it); modscope's globals table keeps
	// tracking, and stub mode keeps answering engine names (docs).
	origSet, origGet := c.GetGlobal("setmetatable"), c.GetGlobal("getmetatable")
	proxy := c.GlobalsProxy()
	gfn("setmetatable", func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok && (t == proxy || t == c.Globals()) {
			m.gmeta = L.Get(2)
			c.LockNewGlobals = true // its __newindex: no new global once Loading ends
			L.Push(t)
			return 1
		}
		if t, ok := L.Get(1).(*lua.LTable); ok {
			if cur := L.GetMetatable(t); isStandInMeta(cur) {
				m.standIn[t] = cur.(*lua.LTable).RawGetString("__index")
			}
			if mt, ok := L.Get(2).(*lua.LTable); ok && m.standIn[t] != nil {
				m.chainIndex(L, mt, m.standIn[t])
			}
			if mt, ok := L.Get(2).(*lua.LTable); ok && m.g.Stubs() {
				// SetupVarTable's metatable: locked, it refuses a field that is
				// not an engine variable; outside the game the list of engine
				// variables (EnumEngineVars) is unknown, so every field is one
				if u := mt.RawGetString("__newindex_unlocked"); u != lua.LNil && mt.RawGetString("__newindex_locked") != lua.LNil {
					mt.RawSetString("__newindex_locked", u)
				}
			}
		}
		res, rec := c.CallIn(L, origSet, []lua.LValue{L.Get(1), L.Get(2)}, "setmetatable")
		if rec != nil {
			L.RaiseError("%s", rec.Message)
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	})
	gfn("getmetatable", func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok && (t == proxy || t == c.Globals()) && m.gmeta != nil {
			L.Push(m.gmeta)
			return 1
		}
		res, rec := c.CallIn(L, origGet, []lua.LValue{L.Get(1)}, "getmetatable")
		if rec != nil {
			L.RaiseError("%s", rec.Message)
		}
		if _, isTable := L.Get(1).(*lua.LTable); isTable && len(res) > 0 && isStandInMeta(res[0]) {
			res[0] = lua.LNil
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	})
}

// chainIndex handles the metatable the game gives an engine table
// (SetupVarTable(const, "const.")): its __index answers the engine
// variables that EnumEngineVars listed, and outside the game that list is
// empty, so stub mode's stand-ins answer instead (their __index directly,
// so that a read the code only tests still sees nil).
func (m *Shipped) chainIndex(L *lua.LState, mt *lua.LTable, standIn lua.LValue) {
	if _, isFn := mt.RawGetString("__index").(*lua.LFunction); isFn {
		mt.RawSetString("__index", standIn)
	}
}

// execFile runs a game file for the loader (the engine's dofile, a file
// chunk given to procall) under a deadline of its own, as the engine
// watches each file: the step's clock stops meanwhile.
func (m *Shipped) execFile(rel string, env *lua.LTable, args []lua.LValue) (engine.FileRun, []lua.LValue) {
	c := m.o
	var run engine.FileRun
	var res []lua.LValue
	ran := false
	f := c.L.NewFunction(func(*lua.LState) int {
		ran = true
		run, res = c.ExecFileArgs(rel, env, args)
		return 0
	})
	if _, rec := c.CallHandler(c.L, f, nil, rel); rec != nil && !ran {
		// stopped before the file began (the step's budget): recorded
		run = engine.FileRun{Path: rel, Error: rec.Message}
	}
	return run, res
}

// exists is io.exists: a file or a folder inside the game folder.
func (m *Shipped) exists(p string) bool {
	rel, err := engine.CleanPath(strings.TrimSuffix(strings.ReplaceAll(p, "\\", "/"), "/"))
	if err != nil {
		return false
	}
	if rel == "" || rel == "." {
		return true
	}
	st, err := m.root.Stat(rel)
	return err == nil && (st.Mode().IsRegular() || st.IsDir())
}

// listFiles is io.listfiles and AsyncListFiles: the files (or, with
// "folders", the folders) in folder whose names match mask; "recursive"
// descends ("non recursive" does not), "relative" gives paths relative to
// folder. Paths are folder/name with forward slashes, sorted.
func (m *Shipped) listFiles(folder, mask, mode string) ([]string, error) {
	folder = strings.TrimSuffix(strings.ReplaceAll(folder, "\\", "/"), "/")
	rel, err := engine.CleanPath(folder)
	if folder == "" {
		rel, err = ".", nil
	}
	if err != nil {
		return nil, err
	}
	if mask == "" {
		mask = "*"
	}
	opts := map[string]bool{}
	for _, o := range strings.Split(mode, ",") {
		opts[strings.TrimSpace(o)] = true
	}
	recursive, folders, relative := opts["recursive"], opts["folders"], opts["relative"]
	var out []string
	var walk func(dir, shown string, depth int) error
	walk = func(dir, shown string, depth int) error {
		entries, err := fs.ReadDir(m.root.FS(), dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := e.Name()
			p, s := path.Join(dir, name), name
			if shown != "" {
				s = shown + "/" + name
			}
			full := s
			if !relative && folder != "" {
				full = folder + "/" + s
			}
			isDir := e.IsDir()
			if isDir == folders && e.Type()&fs.ModeSymlink == 0 {
				if ok, _ := path.Match(strings.ToLower(mask), strings.ToLower(name)); ok {
					out = append(out, full)
				}
			}
			if isDir && recursive && depth < 64 && e.Type()&fs.ModeSymlink == 0 {
				if err := walk(p, s, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(rel, "", 0); err != nil {
		return []string{}, fmt.Errorf("Path Not Found")
	}
	sort.Strings(out)
	return out, nil
}

// strArg is argument n as a path: a stand-in or any non-string names
// nothing (an empty list, a missing file), as a path the engine cannot find.
func strArg(L *lua.LState, n int) string {
	if s, ok := L.Get(n).(lua.LString); ok {
		return string(s)
	}
	if _, ok := L.Get(n).(lua.LNumber); ok {
		return L.Get(n).String()
	}
	return "\x00"
}

func optStr(L *lua.LState, n int, def string) string {
	if s, ok := L.Get(n).(lua.LString); ok {
		return string(s)
	}
	return def
}

func stringList(L *lua.LState, list []string) *lua.LTable {
	t := L.CreateTable(len(list), 0)
	for _, s := range list {
		t.Append(lua.LString(s))
	}
	return t
}

// Registries implements engine.RegistryProvider: the classes the game's
// classes.lua built (g_Classes), with their parents.
func (m *Shipped) Registries() map[string][]map[string]any {
	out := map[string][]map[string]any{"classes": {}}
	c := m.context()
	if c == nil {
		return out
	}
	err := c.Do(func(o *engine.Lua) {
		t, ok := o.GetGlobal("g_Classes").(*lua.LTable)
		if !ok {
			return
		}
		var names []string
		t.ForEach(func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				names = append(names, string(s))
			}
		})
		sort.Strings(names)
		for _, n := range names {
			row := map[string]any{"class": n}
			if cls, ok := t.RawGetString(n).(*lua.LTable); ok {
				if ps, ok := cls.RawGetString("__parents").(*lua.LTable); ok {
					var parents []string
					for i := 1; i <= ps.Len(); i++ {
						if p, ok := ps.RawGetInt(i).(lua.LString); ok {
							parents = append(parents, string(p))
						}
					}
					row["parents"] = strings.Join(parents, ", ")
				}
			}
			out["classes"] = append(out["classes"], row)
		}
	})
	if err != nil { // unloaded meanwhile: the rows say why they are empty, as Model's do
		return map[string][]map[string]any{"classes": {registryError(c, err)}}
	}
	return out
}
