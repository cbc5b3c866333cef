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

// The steps, in the engine's order (CommonLua/Core/autorun.lua, classes.lua,
// Dlc.lua's LoadData, Mod.lua's ContinueModsReloadItems; docs/autorun.md).
const (
	StepEnv       = "Lua environment"
	StepExports   = "Engine exports"
	StepBegin     = "autorun.lua begins"
	StepMsg       = "Msg"
	StepCore      = "Core library"
	StepCommon    = "CommonLua"
	StepClasses   = "CommonLua/Classes"
	StepUI        = "CommonLua/UI"
	StepX         = "CommonLua/X"
	StepGed       = "CommonLua/Ged"
	StepPlatforms = "CommonLua/Platforms"
	StepGame      = "Game Lua"
	StepDLC       = "DLC Lua"
	StepMods      = "Mod Lua"
	// Msg("Autorun"): its first handler builds the classes, one message a step.
	StepClassesGenerate    = "ClassesGenerate"
	StepClassesPreprocess  = "ClassesPreprocess"
	StepClassesPostprocess = "ClassesPostprocess"
	StepClassesBuilt       = "ClassesBuilt"
	StepClassesPostBuilt   = "ClassesPostBuilt"
	StepAutorun            = "Autorun" // the other Autorun handlers; the last ends Loading and sends Start
	StepAutorunEnd         = "AutorunEnd"
	// LoadData.
	StepDataLoading     = "DataLoading"
	StepData            = "Data"
	StepDataPreprocess  = "DataPreprocess"
	StepDataPostprocess = "DataPostprocess"
	StepDataLoaded      = "DataLoaded"
	// ContinueModsReloadItems.
	StepModItems        = "Mod items"
	StepApplyModOptions = "ApplyModOptions"
	StepModsReloaded    = "ModsReloaded"
	StepReload          = "ReloadLua"
	StepUnmount         = "Unmount Lua folders"
)

// FirstLoadSteps are the steps of the first load.
var FirstLoadSteps = []string{StepEnv, StepExports, StepBegin, StepMsg, StepCore,
	StepCommon, StepClasses, StepUI, StepX, StepGed, StepPlatforms, StepGame, StepDLC, StepMods,
	StepClassesGenerate, StepClassesPreprocess, StepClassesPostprocess, StepClassesBuilt, StepClassesPostBuilt, StepAutorun,
	StepDataLoading, StepData, StepDataPreprocess, StepDataPostprocess, StepDataLoaded,
	StepModItems, StepApplyModOptions, StepModsReloaded}

// ReloadSteps are the steps of ReloadLua.
var ReloadSteps = []string{StepReload, StepBegin, StepMsg, StepCore,
	StepCommon, StepClasses, StepUI, StepX, StepGed, StepPlatforms, StepGame, StepDLC, StepMods,
	StepClassesGenerate, StepClassesPreprocess, StepClassesPostprocess, StepClassesBuilt, StepClassesPostBuilt, StepAutorun,
	StepAutorunEnd, StepUnmount}

// The core runtime's Lua chunks, run in step "Msg" (msg.lua) and step
// "Core library" (the rest, in this order).
//
//go:embed core/*.lua
var coreFS embed.FS

var coreChunks = []string{"lib.lua", "threads.lua", "const.lua", "classes.lua", "mods.lua", "post.lua"}

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
	// luaReloads counts reloads Lua asked for (ReloadLua()) one after
	// the other, without a load that ended without asking: a file that
	// calls ReloadLua() while it loads would reload for ever.
	luaReloads  int
	reloadWhere string // where ReloadLua() was called last

	mainContext // guards, with its mu, what Registries and ClassCount read
	mods        []*ModDef
	problems    []modProblem
	classCount  int

	// Owner-goroutine state (touched only inside c.Do).
	core, prim    *lua.LTable
	envs          map[string]*lua.LTable // mod id -> environment
	modDefs       map[string]lua.LValue  // mod id -> its ModDef object (CurrentModDef)
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
	if HasShippedLoader(h.Game) {
		return newShipped(h) // the game's own loader drives the load (shipped.go)
	}
	m := &Model{h: h, g: h.Game, firstLoad: true, envs: map[string]*lua.LTable{}, modDefs: map[string]lua.LValue{},
		rng: rand.New(rand.NewSource(1))}
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

// Close implements engine.Model.
func (m *Model) Close() { m.closeContext() }

// RunStep implements engine.Model.
func (m *Model) RunStep() engine.StepOutcome {
	return m.runMainStep(&m.steps, &m.next, m.createContext, func(o *engine.Lua, name string) engine.StepOutcome {
		L := o.L
		out := m.runStep(L, name)
		if m.next >= len(m.steps) {
			o.SetWatchdog(true)
			m.runThreads(L, false)
		}
		if m.reloadPending {
			m.reloadPending = false
			m.luaReload()
		} else if m.next >= len(m.steps) {
			m.luaReloads = 0
		}
		return out
	})
}

// runStep runs one step on the owner goroutine.
func (m *Model) runStep(L *lua.LState, name string) engine.StepOutcome {
	c := m.o
	switch name {
	case StepEnv:
		m.setupEnvironment(L)
	case StepExports:
		m.exportEngine(L)
	case StepBegin:
		m.beginAutorun(L)
	case StepMsg:
		c.ClearHandlers("")
		m.runCore(L, "msg.lua")
	case StepCore:
		for _, f := range coreChunks {
			m.runCore(L, f)
		}
	case StepCommon:
		m.run(dofolderFilesOrder(m.g, "CommonLua"), nil)
	case StepClasses, StepUI, StepX, StepGed:
		m.run(dofolderOrder(m.g, name), nil)
	case StepPlatforms:
		for _, p := range m.g.SubDirs("CommonLua/Platforms") {
			if lua.LVAsBool(m.platform().RawGetString(p)) {
				m.run(dofolderOrder(m.g, "CommonLua/Platforms/"+p), nil)
			}
		}
	case StepGame:
		m.run(dofolderOrder(m.g, "Lua"), nil)
	case StepDLC:
		for _, d := range m.g.SubDirs("DLC") {
			m.run(dofolderOrder(m.g, path.Join("DLC", d, "Code")), nil)
		}
	case StepMods:
		m.loadMods(L)
	case StepClassesGenerate:
		// Msg("Autorun") is sent; its first handler builds the classes.
		m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: c.Name, Step: name,
			Message: &engine.MessageRecord{Name: "Autorun", Context: c.Name, Step: name, Handlers: len(c.HandlersOf("Autorun")) + 2}}) // + the class builder and autorun.lua's last handler
		m.callCore("classes_generate")
	case StepClassesPreprocess:
		m.callCore("classes_preprocess")
	case StepClassesPostprocess:
		m.callCore("classes_postprocess")
	case StepClassesBuilt:
		m.callCore("classes_built_msg")
	case StepClassesPostBuilt:
		m.callCore("classes_postbuilt")
	case StepAutorun:
		return m.autorunHandlers(L)
	case StepAutorunEnd:
		m.sendAndClear(L, "AutorunEnd")
	case StepDataLoading:
		// The account storage is loaded before LoadDlcs (WaitLoadAccountStorage).
		if v := c.GetGlobal("AccountStorage"); v == lua.LNil || v == lua.LFalse {
			c.AssignGlobalAt("AccountStorage", L.CreateTable(0, 0), "[engine] account storage")
		}
		m.sendAndClear(L, name)
	case StepDataPreprocess, StepDataPostprocess:
		m.sendAndClear(L, name)
	case StepData:
		m.run(dofolderFilesOrder(m.g, "CommonLua/Data"), nil)
		m.run(dofolderFoldersOrder(m.g, "CommonLua/Data"), nil)
		m.run(dofolderOrder(m.g, "Data"), nil)
		for _, d := range m.g.SubDirs("DLC") {
			m.run(dofolderOrder(m.g, path.Join("DLC", d, "Presets")), nil)
		}
	case StepDataLoaded:
		m.sendAndClear(L, name)
		c.AssignGlobalAt("DataLoaded", lua.LTrue, "Dlc.lua (LoadData)")
	case StepModItems:
		m.loadModItems(L)
	case StepApplyModOptions:
		m.applyModOptions(L)
	case StepModsReloaded:
		m.send(L, lua.LString("ModsReloaded"))
		m.loadLocTables()
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

// run runs the files of a folder walk, passing __load.lua its folder.
func (m *Model) run(files []loadFile, env *lua.LTable) {
	for _, f := range files {
		var args []lua.LValue
		if f.Arg != "" {
			args = []lua.LValue{lua.LString(f.Arg)}
		}
		m.o.ExecFileArgs(f.Path, env, args)
	}
}

// callCore calls a function of the core runtime from the host.
func (m *Model) callCore(name string) {
	f := m.coreFn(name)
	if f == nil {
		m.o.AddError(engine.ErrorRecord{File: coreSource + "classes.lua", Message: "core runtime: " + name + " is missing (step \"Core library\" did not run)"})
		return
	}
	m.o.Call(f, nil, coreSource+name)
}

// sendAndClear is the engine's Msg(name) followed by MsgClear(name).
func (m *Model) sendAndClear(L *lua.LState, name string) {
	m.send(L, lua.LString(name))
	m.o.ClearHandlers(name)
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
	if err := m.setContext(c, func(o *engine.Lua) {
		o.LockNewGlobals = true
		o.StrictReads = m.g.Mode == engine.ModeStrict
	}); err != nil {
		return err
	}
	m.mount()
	go precompileCore() // the core runtime, compiled once per process, while the first steps run
	m.precompile(true)
	return nil
}

// precompileCore compiles every chunk of the core runtime (coreProto),
// errors left for the step that runs the chunk to report.
func precompileCore() {
	for _, name := range append([]string{"msg.lua"}, coreChunks...) {
		_, _ = coreProto(name) // an error is reported by runCore
	}
}

// precompile compiles, on every core and in the background, the files the
// load will run, in the order it runs them, so that the steps find them
// compiled (and a reopen finds them in the disk cache).
func (m *Model) precompile(first bool) {
	var files []string
	files = append(files, paths(dofolderFilesOrder(m.g, "CommonLua"))...)
	for _, d := range []string{StepClasses, StepUI, StepX, StepGed} {
		files = append(files, paths(dofolderOrder(m.g, d))...)
	}
	for _, p := range m.g.SubDirs("CommonLua/Platforms") {
		if m.platformOn(p) {
			files = append(files, paths(dofolderOrder(m.g, "CommonLua/Platforms/"+p))...)
		}
	}
	files = append(files, paths(dofolderOrder(m.g, "Lua"))...)
	for _, d := range m.g.SubDirs("DLC") {
		files = append(files, paths(dofolderOrder(m.g, path.Join("DLC", d, "Code")))...)
	}
	for _, d := range m.modList() {
		for _, f := range codeOrder(d.Code) {
			files = append(files, path.Join(d.Folder, f))
		}
	}
	if first {
		// the UI templates core.LoadXTemplates loads at ClassesBuilt (lib.lua)
		for _, d := range []string{"Lua/Ged/XTemplates", "CommonLua/Ged/XTemplates", "CommonLua/X/XTemplates", "Lua/XTemplates"} {
			if d != "Lua/XTemplates" || !m.platformOn("ged") {
				files = append(files, paths(dofolderFilesOrder(m.g, d))...)
			}
		}
		files = append(files, paths(dofolderFilesOrder(m.g, "CommonLua/Data"))...)
		files = append(files, paths(dofolderFoldersOrder(m.g, "CommonLua/Data"))...)
		files = append(files, paths(dofolderOrder(m.g, "Data"))...)
		for _, d := range m.g.SubDirs("DLC") {
			files = append(files, paths(dofolderOrder(m.g, path.Join("DLC", d, "Presets")))...)
		}
		for _, d := range m.modList() {
			if it := path.Join(d.Folder, "items.lua"); m.g.Exists(it) {
				files = append(files, it)
			}
		}
	}
	go m.g.Precompile(files)
}

// platformOn reports whether the settings turn Platform[name] on.
func (m *Model) platformOn(name string) bool {
	flags := settingsOf(m.g).Platform
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

// beginAutorun is step "autorun.lua begins": Loading is true; on the first
// load FirstLoad is true and the revision globals are set as the engine's
// _LuaRevision.lua sets them (a folder's own _LuaRevision.lua then runs).
func (m *Model) beginAutorun(L *lua.LState) {
	c := m.o
	c.AssignGlobalAt("Loading", lua.LTrue, "autorun.lua")
	if !m.firstLoad {
		return
	}
	c.AssignGlobalAt("FirstLoad", lua.LTrue, "autorun.lua")
	rev := m.luaRevision()
	build := settingsOf(m.g).BuildVersion
	if build == "" {
		build = fmt.Sprint(rev)
	}
	for _, g := range []struct {
		name string
		v    lua.LValue
	}{
		{"ReloadForDlc", lua.LFalse},
		{"LuaRevision", lua.LNumber(rev)},
		{"OrgLuaRevision", lua.LNumber(rev)},
		{"AssetsRevision", lua.LNumber(rev)},
		{"BuildVersion", lua.LString(build)},
		{"BuildBranch", lua.LFalse},
	} {
		c.AssignGlobalAt(g.name, g.v, "_LuaRevision.lua")
	}
	if m.g.Exists("_LuaRevision.lua") {
		m.o.ExecFile("_LuaRevision.lua", nil)
	}
}

// defaultLuaRevision is the revision when neither modscope.toml nor the
// installed mods suggest one.
const defaultLuaRevision = 1000000

// luaRevision is modscope.toml's lua_revision, else the newest revision an
// installed mod says it needs or was saved with (so that version checks
// pass as in the game the mods were made for), else defaultLuaRevision.
func (m *Model) luaRevision() int {
	if r := settingsOf(m.g).LuaRevision; r > 0 {
		return r
	}
	best := 0
	for _, d := range m.modList() {
		for _, k := range []string{"lua_revision", "saved_with_revision"} {
			if f, ok := d.Props[k].(float64); ok && int(f) > best && f < 1e9 {
				best = int(f)
			}
		}
	}
	if best > 0 {
		return best
	}
	return defaultLuaRevision
}

// setupEnvironment is step 1: base functions and the Platform table.
func (m *Model) setupEnvironment(L *lua.LState) {
	flags := settingsOf(m.g).Platform
	if len(flags) == 0 {
		flags = []string{"pc", "desktop"}
	}
	p := L.CreateTable(0, len(flags))
	for _, f := range flags {
		p.RawSetString(f, lua.LTrue)
	}
	m.o.AssignGlobalAt("Platform", p, "[engine]")
}

// runCore runs one chunk of the core runtime with the private tables.
func (m *Model) runCore(L *lua.LState, name string) {
	proto, err := coreProto(name)
	if err != nil {
		m.o.AddError(engine.ErrorRecord{File: coreSource + name, Message: "core runtime: " + err.Error()})
		return
	}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = m.o.GlobalsProxy()
	m.o.Call(fn, []lua.LValue{m.core, m.prim}, coreSource+name)
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
		m.o.AddError(engine.ErrorRecord{Message: fmt.Sprintf("Msg(%q): the message system is not running yet (step \"Msg\" has not run)", engine.HandlerKey(name))})
		return
	}
	m.o.Call(fn, append([]lua.LValue{name}, args...), "Msg")
}

// autorunHandlers runs the rest of Msg("Autorun") (the class builder was
// its first handler): the core's, the game's and the mods' handlers, then
// the very last one (autorun.lua's), which clears Autorun, ends Loading
// and, on the first load, FirstLoad, sends Start and clears it.
func (m *Model) autorunHandlers(L *lua.LState) engine.StepOutcome {
	c := m.o
	first := m.firstLoad
	last := L.NewFunction(func(L *lua.LState) int {
		c.ClearHandlers("Autorun")
		c.AssignGlobalAt("Loading", lua.LFalse, "autorun.lua")
		if first {
			c.AssignGlobalAt("FirstLoad", lua.LFalse, "autorun.lua")
			if fn := m.core.RawGetString("Msg"); fn != lua.LNil {
				c.CallIn(L, fn, []lua.LValue{lua.LString("Start")}, "Msg")
			}
		}
		c.ClearHandlers("Start")
		return 0
	})
	c.AddHandler("Autorun", last, "autorun.lua (end)")
	hs := c.HandlersOf("Autorun")
	run := L.NewFunction(func(L *lua.LState) int {
		m.handlerDepth++
		for _, h := range hs {
			c.CallHandler(L, h.Fn, nil, h.Where)
		}
		m.handlerDepth--
		return 0
	})
	c.Call(run, nil, "Msg(\"Autorun\")")
	for _, env := range m.envs {
		env.RawSetString("FirstLoad", lua.LFalse)
	}
	m.firstLoad = false
	return engine.StepOutcome{}
}

func (m *Model) modList() []*ModDef {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*ModDef(nil), m.mods...)
}

// codeOrder is the order ModDef:LoadCode runs a mod's code list: the files
// outside Code/ first (classes generated from presets), then those in
// Code/, each in list order.
func codeOrder(code []string) []string {
	var first, later []string
	for _, f := range code {
		if strings.HasPrefix(f, "Code/") {
			later = append(later, f)
		} else {
			first = append(first, f)
		}
	}
	return append(first, later...)
}

// loadMods is step "Mod Lua" (ModsLoadCode): every enabled mod in
// dependency order, each in its own environment, the files of its code
// list in the engine's order.
func (m *Model) loadMods(L *lua.LState) {
	m.mu.Lock()
	probs := append([]modProblem(nil), m.problems...)
	m.mu.Unlock()
	for _, p := range probs {
		if p.Note {
			m.o.Print("info", p.Msg)
			continue
		}
		m.o.AddError(engine.ErrorRecord{File: p.File, Line: p.Line, Message: p.Msg})
	}
	mods := m.modList()
	m.o.RecordAssignments(modRefs(mods)) // conflicts (conflicts.go)
	m.core.RawSetString("want_mod_classes", lua.LBool(len(mods) > 0))
	for _, d := range mods {
		env := m.modEnv(L, d)
		for _, f := range codeOrder(d.Code) {
			p := path.Join(d.Folder, f)
			if _, err := engine.CleanPath(p); err != nil || strings.HasPrefix(path.Clean(f), "../") || path.IsAbs(f) {
				m.o.AddError(engine.ErrorRecord{File: path.Join(d.Folder, "metadata.lua"),
					Message: fmt.Sprintf("mod %s: code file %q is outside the mod's folder; skipped", d.ID, f)})
				continue
			}
			if !m.g.Exists(p) {
				m.o.AddError(engine.ErrorRecord{File: path.Join(d.Folder, "metadata.lua"),
					Message: fmt.Sprintf("mod %s: code file %s does not exist", d.ID, p)})
				continue
			}
			m.o.ExecFile(p, env)
		}
		env.RawSetString("FirstLoad", lua.LFalse)
	}
}

// modEnv returns mod d's environment (LuaModEnv): it reads through to the
// globals and writes into them, and has its own FirstLoad, _G,
// CurrentModId, CurrentModPath, CurrentModDef, CurrentModOptions and
// CurrentModStorageTable (core.mod_env).
func (m *Model) modEnv(L *lua.LState, d *ModDef) *lua.LTable {
	env := m.envs[d.ID]
	if env == nil {
		env = L.CreateTable(0, 8)
		meta := L.CreateTable(0, 3)
		meta.RawSetString("__index", m.o.Globals()) // reads go straight to the globals (the proxy only adds a level: it is empty and its __index is this table)
		meta.RawSetString("__newindex", m.o.GlobalsProxy())
		meta.RawSetString("__name", lua.LString("ModEnv"))
		L.SetMetatable(env, meta)
		// LuaModEnv's safe_getmetatable: the environment's metatable (its
		// __index is the raw globals table, where a write would skip the
		// globals' provenance, conflicts and lock) is hidden: getmetatable
		// returns nothing for it, as for a table whose metatable is the
		// globals table.
		globals := m.o.Globals()
		env.RawSetString("getmetatable", L.NewFunction(func(L *lua.LState) int {
			v := L.CheckAny(1)
			if mt := L.GetMetatable(v); mt == meta || mt == globals {
				return 0
			}
			top := L.GetTop()
			L.Push(globals.RawGetString("getmetatable"))
			for i := 1; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(top, 1)
			return 1
		}))
		m.envs[d.ID] = env
	}
	props := map[string]any{}
	for k, v := range d.Props {
		props[k] = v
	}
	props["id"] = d.ID
	props["path"] = d.Folder + "/"
	props["content_path"] = d.Folder + "/"
	props["code"] = d.Code
	def := engine.ToLua(L, props)
	if mk, setup := m.coreFn("mod_def"), m.coreFn("mod_env"); mk != nil && setup != nil {
		res, rec := m.o.Call(mk, []lua.LValue{def, env}, coreSource+"mods.lua")
		if rec == nil && len(res) > 0 {
			m.o.Call(setup, []lua.LValue{res[0], env}, coreSource+"mods.lua")
			m.modDefs[d.ID] = res[0]
			return env
		}
	}
	env.RawSetString("CurrentModId", lua.LString(d.ID))
	env.RawSetString("CurrentModPath", lua.LString(d.Folder+"/"))
	env.RawSetString("CurrentModDef", def)
	return env
}

// loadModItems is step "Mod items" (ContinueModsReloadItems): each mod's
// items.lua runs in the mod's environment and returns its ModItem objects;
// option items give CurrentModOptions its defaults.
func (m *Model) loadModItems(L *lua.LState) {
	take := m.coreFn("mod_items")
	for _, d := range m.modList() {
		mod := m.modDefs[d.ID]
		env := m.envs[d.ID]
		if mod == nil || env == nil || take == nil {
			continue
		}
		var items lua.LValue = L.CreateTable(0, 0)
		if p := path.Join(d.Folder, "items.lua"); m.g.Exists(p) {
			run, res := m.o.ExecFile(p, env)
			if run.OK && len(res) > 0 {
				items = res[0]
			}
		}
		m.o.Call(take, []lua.LValue{mod, items}, coreSource+"mods.lua")
	}
}

// applyModOptions sends ApplyModOptions(id) for each mod with options, in
// load order.
func (m *Model) applyModOptions(L *lua.LState) {
	for _, d := range m.modList() {
		mod, ok := m.modDefs[d.ID].(*lua.LTable)
		if !ok {
			continue
		}
		has := false
		if f, isFn := L.GetField(mod, "HasOptions").(*lua.LFunction); isFn {
			res, rec := m.o.Call(f, []lua.LValue{mod}, coreSource+"mods.lua")
			has = rec == nil && len(res) > 0 && lua.LVAsBool(res[0])
		}
		if has {
			m.send(L, lua.LString("ApplyModOptions"), lua.LString(d.ID))
		}
	}
}

// loadLocTables checks each mod's localization tables (ModsLoadLocTables):
// those of its metadata and its ModItemLocTable items.
func (m *Model) loadLocTables() {
	for _, d := range m.modList() {
		files := append([]string(nil), d.Loctables...)
		if mod, ok := m.modDefs[d.ID].(*lua.LTable); ok {
			if items, ok := mod.RawGetString("items").(*lua.LTable); ok {
				for i := 1; i <= items.Len(); i++ {
					if it, ok := items.RawGetInt(i).(*lua.LTable); ok && it.RawGetString("class") == lua.LString("ModItemLocTable") {
						if f, ok := it.RawGetString("filename").(lua.LString); ok && f != "" {
							files = append(files, string(f))
						}
					}
				}
			}
		}
		for _, f := range files {
			p := path.Join(d.Folder, f)
			if _, err := m.g.ReadFile(p); err != nil {
				m.o.AddError(engine.ErrorRecord{File: path.Join(d.Folder, "metadata.lua"),
					Message: fmt.Sprintf("mod %s: localization table %s: %v", d.ID, f, err)})
				continue
			}
			m.h.Emit(engine.Event{Kind: engine.EventRead, Context: m.o.Name, Step: m.o.Step(), Text: p})
		}
	}
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
	return m.runMainCommand(cmd, func(o *engine.Lua) (res engine.Result) {
		L := o.L
		switch cmd.Op {
		case "msg":
			args := engine.ArgsToLua(L, cmd.Args[1:])
			m.send(L, engine.ToLua(L, cmd.Args[0]), args...)
			m.runThreads(L, false)
		case "event":
			if ctx := cmd.Arg(0); ctx != "main" && ctx != "all" {
				return engine.Failed("no context called %q (the autorun model has one context: main)", ctx)
			}
			args := engine.ArgsToLua(L, cmd.Args[2:])
			m.send(L, engine.ToLua(L, cmd.Args[1]), args...)
			m.runThreads(L, false)
		case "advance":
			if cmd.Arg(0) == "next" {
				return m.advanceNext(L)
			}
			ms, err := cmd.Number(0)
			if err != nil || ms < 0 {
				return engine.Failed("advance: want a number of milliseconds >= 0")
			}
			res = m.advance(L, int64(ms))
		}
		return res
	})
}

// startReload makes the next steps those of ReloadLua.
func (m *Model) startReload() engine.Result {
	c := m.context()
	if c == nil {
		return engine.Result{OK: true} // nothing loaded: the first load runs
	}
	// The context first: unloaded meanwhile, nothing changes (the steps,
	// the reload count and the state stay as they were).
	if err := c.Do(func(o *engine.Lua) { o.SetWatchdog(false) }); err != nil {
		return engine.Failed("reload: context %s: %v", c.Name, err)
	}
	m.steps = append([]string(nil), ReloadSteps...)
	m.next = 0
	m.reloads++
	m.precompile(false)
	c.SetState(engine.StateReloading)
	return engine.Result{OK: true}
}

// insertReload runs a ReloadLua() called from Lua: its steps come next,
// before whatever of the current load is left (owner goroutine).
func (m *Model) insertReload() {
	rest := append([]string(nil), m.steps[m.next:]...)
	m.steps = append(append(append([]string(nil), m.steps[:m.next]...), ReloadSteps...), rest...)
	m.reloads++
	m.o.SetWatchdog(false)
}

// MaxLuaReloads bounds the reloads that Lua asks for one after the other
// (containment.md): past it, ReloadLua() is an error and the load ends.
const MaxLuaReloads = 8

// luaReload inserts the reload Lua asked for, unless it asked during each
// of the last MaxLuaReloads reloads; it reports whether it did (owner
// goroutine).
func (m *Model) luaReload() bool {
	if m.luaReloads >= MaxLuaReloads {
		file, line := engine.SplitWhere(m.reloadWhere)
		m.o.AddError(engine.ErrorRecord{File: file, Line: line, Message: fmt.Sprintf(
			"ReloadLua() was called during each of %d reloads in a row: the reload would never end; not reloaded again", MaxLuaReloads)})
		m.luaReloads = 0
		return false
	}
	m.luaReloads++
	m.insertReload()
	return true
}

// TakeReload reports (once) that Lua called ReloadLua() during a command;
// the reload's steps are then next, and the session runs them.
func (m *Model) TakeReload() bool {
	c := m.context()
	if c == nil {
		return false
	}
	pending := false
	if err := c.Do(func(o *engine.Lua) {
		if m.reloadPending {
			m.reloadPending = false
			pending = m.luaReload()
		}
	}); err != nil {
		return false // unloaded: there is nothing left to reload
	}
	return pending
}
