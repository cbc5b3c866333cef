package autorun

import (
	"embed"
	"fmt"
	"math/rand"
	"path"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

func init() { engine.RegisterModel(engine.ModelAutorun, New) }

// The steps, in the order of ENGINE.md §2.
const (
	StepEnv       = "Lua environment"
	StepExports   = "Engine exports"
	StepBegin     = "autorun.lua begins"
	StepMsg       = "Msg"
	StepCore      = "Core library"
	StepCommon    = "CommonLua"
	StepClasses   = "CommonLua/Classes"
	StepUI        = "CommonLua/UI"
	StepPlatforms = "CommonLua/Platforms"
	StepGame      = "Game Lua"
	StepDLC       = "DLC Lua"
	StepMods      = "Mod Lua"
	StepPost      = "Post load"
	StepData      = "Data"
	StepReload    = "ReloadLua"
	StepUnmount   = "Unmount Lua folders"
)

// FirstLoadSteps are the steps of the first load.
var FirstLoadSteps = []string{StepEnv, StepExports, StepBegin, StepMsg, StepCore,
	StepCommon, StepClasses, StepUI, StepPlatforms, StepGame, StepDLC, StepMods, StepPost, StepData}

// ReloadSteps are the steps of ReloadLua.
var ReloadSteps = []string{StepReload, StepBegin, StepMsg, StepCore,
	StepCommon, StepClasses, StepUI, StepPlatforms, StepGame, StepDLC, StepMods, StepPost, StepUnmount}

// The core runtime's Lua chunks, run in step "Msg" (msg.lua) and step
// "Core library" (the rest, in this order).
//
//go:embed core/*.lua
var coreFS embed.FS

var coreChunks = []string{"lib.lua", "threads.lua", "const.lua", "classes.lua", "post.lua"}

// coreSource is the chunk-name prefix of the core runtime: provenance and
// handler positions skip it to name the game file that called in.
const coreSource = "[core]/"

// maxResumes bounds the thread resumptions of one advance or step.
const maxResumes = 200000

// Model is the autorun model: one context, main, loaded in stages.
type Model struct {
	h *engine.Host
	g *engine.Game

	steps     []string
	next      int
	firstLoad bool // the first load has not finished Post load yet
	reloads   int

	mu         sync.Mutex // guards what Registries and ClassCount read
	c          *engine.Context
	mods       []*ModDef
	problems   []modProblem
	classCount int

	// Owner-goroutine state (touched only inside c.Do).
	core, prim    *lua.LTable
	envs          map[string]*lua.LTable // mod id -> environment
	loaded        map[string]bool        // mod ids whose code ran once
	handlerDepth  int
	realTime      int64
	gameTime      int64
	mapRunning    bool
	paused        bool
	pass          int
	rng           *rand.Rand
	msgNest       int
	pendingMsgs   []*engine.MessageRecord
	reloadPending bool
}

// New builds the model on an opened folder; nothing runs until a step.
func New(h *engine.Host) (engine.Model, error) {
	m := &Model{h: h, g: h.Game, firstLoad: true, envs: map[string]*lua.LTable{},
		loaded: map[string]bool{}, rng: rand.New(rand.NewSource(1))}
	m.steps = append([]string(nil), FirstLoadSteps...)
	return m, nil
}

// Steps implements engine.Model.
func (m *Model) Steps() []string { return append([]string(nil), m.steps...) }

// Next implements engine.Model.
func (m *Model) Next() int { return m.next }

// ClassCount implements engine.ClassCounter: the classes built last.
func (m *Model) ClassCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.classCount
}

// Contexts implements engine.Model.
func (m *Model) Contexts() []*engine.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.c == nil {
		return nil
	}
	return []*engine.Context{m.c}
}

// Close implements engine.Model.
func (m *Model) Close() {
	m.mu.Lock()
	c := m.c
	m.c = nil
	m.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// RunStep implements engine.Model.
func (m *Model) RunStep() engine.StepOutcome {
	if m.next >= len(m.steps) {
		return engine.StepOutcome{Error: "every step has run"}
	}
	name := m.steps[m.next]
	m.next++
	if name == StepEnv {
		if err := m.createContext(); err != nil {
			return engine.StepOutcome{Error: err.Error(), Fatal: true}
		}
	}
	c := m.context()
	if c == nil {
		return engine.StepOutcome{Error: "there is no Lua state (the first step did not run)", Fatal: true}
	}
	var out engine.StepOutcome
	err := c.Do(func(L *lua.LState) {
		c.SetStep(name)
		out = m.runStep(L, name)
		if m.next >= len(m.steps) {
			c.SetWatchdog(true)
			m.runThreads(L, false)
		}
		if m.reloadPending {
			m.reloadPending = false
			m.insertReload()
		}
	})
	if err != nil {
		return engine.StepOutcome{Error: err.Error(), Fatal: true}
	}
	if m.next >= len(m.steps) {
		c.SetState(engine.StateActive)
	}
	return out
}

func (m *Model) context() *engine.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c
}

// runStep runs one step on the owner goroutine.
func (m *Model) runStep(L *lua.LState, name string) engine.StepOutcome {
	c := m.c
	switch name {
	case StepEnv:
		m.setupEnvironment(L)
	case StepExports:
		m.exportEngine(L)
	case StepBegin:
		c.SetGlobalRaw("Loading", lua.LTrue)
		if m.firstLoad {
			c.SetGlobalRaw("FirstLoad", lua.LTrue)
		}
	case StepMsg:
		c.ClearHandlers("")
		m.runCore(L, "msg.lua")
	case StepCore:
		for _, f := range coreChunks {
			m.runCore(L, f)
		}
	case StepCommon:
		m.execAll(direct(m.g.ListLua("CommonLua"), "CommonLua"), nil)
	case StepClasses:
		m.execAll(m.g.ListLua("CommonLua/Classes"), nil)
	case StepUI:
		m.execAll(m.g.ListLua("CommonLua/UI"), nil)
	case StepPlatforms:
		for _, p := range m.g.SubDirs("CommonLua/Platforms") {
			if lua.LVAsBool(m.platform().RawGetString(p)) {
				m.execAll(m.g.ListLua("CommonLua/Platforms/"+p), nil)
			}
		}
	case StepGame:
		m.execAll(m.g.ListLua("Lua"), nil)
	case StepDLC:
		for _, d := range m.g.SubDirs("DLC") {
			m.execAll(m.g.ListLua(path.Join("DLC", d, "Code")), nil)
		}
	case StepMods:
		m.loadMods(L)
	case StepPost:
		return m.postLoad(L)
	case StepData:
		return m.loadData(L)
	case StepReload:
		m.mount()
		m.send(L, lua.LString("ReloadLua"))
		return engine.StepOutcome{Messages: []string{"ReloadLua"}}
	case StepUnmount:
		c.SetWatchdog(true)
	default:
		return engine.StepOutcome{Error: "unknown step " + name}
	}
	return engine.StepOutcome{}
}

// direct keeps the files directly inside folder.
func direct(files []string, folder string) []string {
	var out []string
	for _, f := range files {
		if !strings.Contains(strings.TrimPrefix(f, folder+"/"), "/") {
			out = append(out, f)
		}
	}
	return out
}

func (m *Model) execAll(files []string, env *lua.LTable) {
	for _, f := range files {
		m.c.ExecFile(f, env)
	}
}

// createContext makes main (first load) and reads the mods.
func (m *Model) createContext() error {
	if m.context() != nil {
		return nil
	}
	c, err := m.h.NewContext("main", "main")
	if err != nil {
		return err
	}
	c.LockNewGlobals = true
	c.StrictReads = m.g.Mode == engine.ModeStrict
	m.mu.Lock()
	m.c = c
	m.mu.Unlock()
	m.mount()
	m.precompile(true)
	return nil
}

// precompile compiles, on every core and in the background, the files the
// load will run, in the order it runs them, so that the steps find them
// compiled (and a reopen finds them in the disk cache).
func (m *Model) precompile(first bool) {
	var files []string
	files = append(files, direct(m.g.ListLua("CommonLua"), "CommonLua")...)
	files = append(files, m.g.ListLua("CommonLua/Classes")...)
	files = append(files, m.g.ListLua("CommonLua/UI")...)
	for _, p := range m.g.SubDirs("CommonLua/Platforms") {
		if m.platformOn(p) {
			files = append(files, m.g.ListLua("CommonLua/Platforms/"+p)...)
		}
	}
	files = append(files, m.g.ListLua("Lua")...)
	for _, d := range m.g.SubDirs("DLC") {
		files = append(files, m.g.ListLua(path.Join("DLC", d, "Code"))...)
	}
	for _, d := range m.modList() {
		if opt := path.Join(d.Folder, "options.lua"); m.g.Exists(opt) {
			files = append(files, opt)
		}
		for _, f := range d.Code {
			files = append(files, path.Join(d.Folder, f))
		}
	}
	if first {
		files = append(files, m.g.ListLua("CommonLua/Data")...)
		files = append(files, m.g.ListLua("Data")...)
		for _, d := range m.g.SubDirs("DLC") {
			files = append(files, m.g.ListLua(path.Join("DLC", d, "Presets"))...)
		}
	}
	go m.g.Precompile(files)
}

// platformOn reports whether the settings turn Platform[name] on.
func (m *Model) platformOn(name string) bool {
	flags := m.g.Settings.Autorun.Platform
	if len(flags) == 0 {
		flags = []string{"pc", "desktop"}
	}
	for _, f := range flags {
		if f == name {
			return true
		}
	}
	return false
}

// mount reads the mod folders (first load, and every reload so that edited
// metadata is picked up).
func (m *Model) mount() {
	mods, probs := discoverMods(m.g)
	m.mu.Lock()
	m.mods, m.problems = mods, probs
	m.mu.Unlock()
}

// setupEnvironment is step 1: base functions and the Platform table.
func (m *Model) setupEnvironment(L *lua.LState) {
	flags := m.g.Settings.Autorun.Platform
	if len(flags) == 0 {
		flags = []string{"pc", "desktop"}
	}
	p := L.CreateTable(0, len(flags))
	for _, f := range flags {
		p.RawSetString(f, lua.LTrue)
	}
	m.c.AssignGlobalAt("Platform", p, "[engine]")
}

func (m *Model) platform() *lua.LTable {
	if t, ok := m.c.GetGlobal("Platform").(*lua.LTable); ok {
		return t
	}
	return &lua.LTable{}
}

// runCore runs one chunk of the core runtime with the private tables.
func (m *Model) runCore(L *lua.LState, name string) {
	proto, err := coreProto(name)
	if err != nil {
		m.c.AddError(engine.ErrorRecord{File: coreSource + name, Message: "core runtime: " + err.Error()})
		return
	}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = m.c.GlobalsProxy()
	m.c.Call(fn, []lua.LValue{m.core, m.prim}, coreSource+name)
}

var (
	coreMu     sync.Mutex
	coreProtos = map[string]*lua.FunctionProto{}
)

// coreProto compiles a chunk of the core runtime once per process.
func coreProto(name string) (*lua.FunctionProto, error) {
	coreMu.Lock()
	defer coreMu.Unlock()
	if p := coreProtos[name]; p != nil {
		return p, nil
	}
	src, err := coreFS.ReadFile("core/" + name)
	if err != nil {
		return nil, err
	}
	p, err := engine.CompileSource(coreSource+name, src)
	if err != nil {
		return nil, err
	}
	coreProtos[name] = p
	return p, nil
}

// send calls the core's Msg(name, args...) from the host.
func (m *Model) send(L *lua.LState, name lua.LValue, args ...lua.LValue) {
	fn := m.core.RawGetString("Msg")
	if fn == lua.LNil {
		m.c.AddError(engine.ErrorRecord{Message: fmt.Sprintf("Msg(%q): the message system is not running yet (step \"Msg\" has not run)", engine.HandlerKey(name))})
		return
	}
	m.c.Call(fn, append([]lua.LValue{name}, args...), "Msg")
}

// postLoad is step 10: Msg("Autorun"), whose very last handler ends
// Loading and, on the first load, FirstLoad, then sends Start.
func (m *Model) postLoad(L *lua.LState) engine.StepOutcome {
	c := m.c
	first := m.firstLoad
	last := L.NewFunction(func(L *lua.LState) int {
		c.AssignGlobalAt("Loading", lua.LFalse, "autorun.lua")
		if first {
			c.AssignGlobalAt("FirstLoad", lua.LFalse, "autorun.lua")
			for _, env := range m.envs {
				env.RawSetString("FirstLoad", lua.LFalse)
			}
			if fn := m.core.RawGetString("Msg"); fn != lua.LNil {
				c.CallIn(L, fn, []lua.LValue{lua.LString("Start")}, "Msg")
			}
		}
		return 0
	})
	c.AddHandler("Autorun", last, "autorun.lua (end)")
	m.send(L, lua.LString("Autorun"))
	for _, env := range m.envs {
		env.RawSetString("FirstLoad", lua.LFalse)
	}
	m.firstLoad = false
	return engine.StepOutcome{}
}

// loadData is step 11 (first load only).
func (m *Model) loadData(L *lua.LState) engine.StepOutcome {
	m.execAll(m.g.ListLua("CommonLua/Data"), nil)
	m.execAll(m.g.ListLua("Data"), nil)
	for _, d := range m.g.SubDirs("DLC") {
		m.execAll(m.g.ListLua(path.Join("DLC", d, "Presets")), nil)
	}
	m.send(L, lua.LString("DataLoaded"))
	// Account storage is loaded.
	if v := m.c.GetGlobal("AccountStorage"); v == lua.LNil || v == lua.LFalse {
		m.c.SetGlobalRaw("AccountStorage", L.CreateTable(0, 0))
	}
	// Then each mod's localization tables.
	for _, d := range m.modList() {
		for _, f := range d.Loctables {
			p := path.Join(d.Folder, f)
			if _, err := m.g.ReadFile(p); err != nil {
				m.c.AddError(engine.ErrorRecord{File: path.Join(d.Folder, "metadata.lua"),
					Message: fmt.Sprintf("mod %s: localization table %s: %v", d.ID, f, err)})
				continue
			}
			m.h.Emit(engine.Event{Kind: engine.EventRead, Context: m.c.Name, Step: StepData, Text: p})
		}
	}
	return engine.StepOutcome{}
}

func (m *Model) modList() []*ModDef {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*ModDef(nil), m.mods...)
}

// loadMods is step 9: every enabled mod in dependency order, each in its
// own environment: options.lua, then the files of its code list.
func (m *Model) loadMods(L *lua.LState) {
	m.mu.Lock()
	probs := append([]modProblem(nil), m.problems...)
	m.mu.Unlock()
	for _, p := range probs {
		m.c.AddError(engine.ErrorRecord{File: p.File, Line: p.Line, Message: p.Msg})
	}
	for _, d := range m.modList() {
		env := m.modEnv(L, d)
		env.RawSetString("FirstLoad", lua.LBool(!m.loaded[d.ID]))
		m.loaded[d.ID] = true
		if opt := path.Join(d.Folder, "options.lua"); m.g.Exists(opt) {
			m.c.ExecFile(opt, env)
		}
		for _, f := range d.Code {
			p := path.Join(d.Folder, f)
			if _, err := engine.CleanPath(p); err != nil || strings.HasPrefix(path.Clean(f), "../") || path.IsAbs(f) {
				m.c.AddError(engine.ErrorRecord{File: path.Join(d.Folder, "metadata.lua"),
					Message: fmt.Sprintf("mod %s: code file %q is outside the mod's folder; skipped", d.ID, f)})
				continue
			}
			if !m.g.Exists(p) {
				m.c.AddError(engine.ErrorRecord{File: path.Join(d.Folder, "metadata.lua"),
					Message: fmt.Sprintf("mod %s: code file %s does not exist", d.ID, p)})
				continue
			}
			m.c.ExecFile(p, env)
		}
	}
}

// modEnv returns mod d's environment: it reads through to the globals and
// writes into them, but has its own FirstLoad, CurrentModId, CurrentModPath
// and CurrentModDef.
func (m *Model) modEnv(L *lua.LState, d *ModDef) *lua.LTable {
	env := m.envs[d.ID]
	if env == nil {
		env = L.CreateTable(0, 4)
		meta := L.CreateTable(0, 2)
		meta.RawSetString("__index", m.c.GlobalsProxy())
		meta.RawSetString("__newindex", m.c.GlobalsProxy())
		L.SetMetatable(env, meta)
		m.envs[d.ID] = env
	}
	env.RawSetString("CurrentModId", lua.LString(d.ID))
	env.RawSetString("CurrentModPath", lua.LString(d.Folder+"/"))
	env.RawSetString("CurrentModDef", engine.ToLua(L, map[string]any{"id": d.ID, "title": d.Title,
		"version": d.Version, "path": d.Folder + "/", "code": d.Code}))
	return env
}

// Do implements engine.Model: reload, edit, msg, event and advance.
func (m *Model) Do(cmd engine.Command) (engine.Result, bool) {
	switch cmd.Op {
	case "reload", "edit":
		return m.startReload(), true
	case "msg", "event", "advance":
	default:
		return engine.Result{}, false
	}
	c := m.context()
	if c == nil {
		return engine.Failed("nothing is loaded yet: step or run first"), true
	}
	var res engine.Result
	err := c.Do(func(L *lua.LState) {
		c.SetStep(cmd.String())
		switch cmd.Op {
		case "msg":
			args := engine.ArgsToLua(L, cmd.Args[1:])
			m.send(L, engine.ToLua(L, cmd.Args[0]), args...)
			m.runThreads(L, false)
		case "event":
			if ctx := cmd.Arg(0); ctx != "main" && ctx != "all" {
				res = engine.Failed("no context called %q (the autorun model has one context: main)", ctx)
				return
			}
			args := engine.ArgsToLua(L, cmd.Args[2:])
			m.send(L, engine.ToLua(L, cmd.Args[1]), args...)
			m.runThreads(L, false)
		case "advance":
			if cmd.Arg(0) == "next" {
				res = m.advanceNext(L)
				return
			}
			ms, err := cmd.Number(0)
			if err != nil || ms < 0 {
				res = engine.Failed("advance: want a number of milliseconds >= 0")
				return
			}
			res = m.advance(L, int64(ms))
		}
	})
	if err != nil {
		return engine.Failed("%v", err), true
	}
	if res.Error == "" {
		res.OK = true
	}
	return res, true
}

// startReload makes the next steps those of ReloadLua.
func (m *Model) startReload() engine.Result {
	if m.context() == nil {
		return engine.Result{OK: true} // nothing loaded: the first load runs
	}
	m.steps = append([]string(nil), ReloadSteps...)
	m.next = 0
	m.reloads++
	m.precompile(false)
	if c := m.context(); c != nil {
		c.SetState(engine.StateReloading)
		c.Do(func(*lua.LState) { c.SetWatchdog(false) })
	}
	return engine.Result{OK: true}
}

// insertReload runs a ReloadLua() called from Lua: its steps come next,
// before whatever of the current load is left (owner goroutine).
func (m *Model) insertReload() {
	rest := append([]string(nil), m.steps[m.next:]...)
	m.steps = append(append(append([]string(nil), m.steps[:m.next]...), ReloadSteps...), rest...)
	m.reloads++
	m.c.SetWatchdog(false)
}

// TakeReload reports (once) that Lua called ReloadLua() during a command;
// the reload's steps are then next, and the session runs them.
func (m *Model) TakeReload() bool {
	c := m.context()
	if c == nil {
		return false
	}
	pending := false
	c.Do(func(*lua.LState) {
		if m.reloadPending {
			m.reloadPending = false
			pending = true
			m.insertReload()
		}
	})
	return pending
}
