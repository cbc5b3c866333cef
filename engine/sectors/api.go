package sectors

import (
	"fmt"
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// lctx is one live context of the model: the server or a sector; it is one
// listener of the bus.
type lctx struct {
	c       *engine.Context
	o       *engine.Lua // c's owner access, set by newListener: owner goroutine only
	id      string      // sector id; "" for the server
	players []string    // players inside the sector, in arrival order
	jobs    []func(step string)
	closed  bool

	// Owner goroutine only.
	cls      *classes
	entities int
	// templates are the scene's entity templates (sector contexts); mu.
	templates map[string]*template
	tmplOrder []string
	// handled counts the handlers of each event name (mu): a tick skips a
	// listener without handlers for an event, as EventBus::Listener::push does.
	handled map[string]int
	// spawn creates an entity from a template in this sector (owner goroutine).
	spawn func(L *lua.LState, name string, data *lua.LTable) error
}

type template struct {
	where string
	klass *lua.LTable
}

// callback is a generator callback registered from Lua.
type callback struct {
	x     *lctx
	fn    *lua.LFunction
	where string
	name  string // on_start, ..., or sector_type:<name>:heuristics / :create
}

// install gives a fresh context the engine's environment (Lua.cpp): the
// libraries the engine opens, the globals table, require with the engine's
// package.path rule, and the engine module (owner goroutine).
func (m *Model) install(x *lctx) {
	c, L := x.o, x.o.L
	G := c.Globals()
	// Lua.cpp opens base, package, string, debug, math and table: no io,
	// no os, no coroutine.
	var pkgLoaded *lua.LTable
	if pkg, ok := G.RawGetString("package").(*lua.LTable); ok {
		pkgLoaded, _ = pkg.RawGetString("loaded").(*lua.LTable)
		pkg.RawSetString("path", lua.LString(m.assetsDir()+"/?.lua"))
	}
	// Any use of them is an error that says so, in stub mode too (a
	// stand-in would hide the game's crash).
	// One metatable for the three: its handler finds the library's name.
	absentLibs := []string{"io", "os", "coroutine"}
	absent := make([]*lua.LTable, len(absentLibs))
	meta := L.CreateTable(0, 2)
	meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		lib := "this"
		for i, t := range absent {
			if L.Get(1) == t {
				lib = absentLibs[i]
			}
		}
		L.RaiseError("%s.%s: the game's Lua has no %s library (Lua.cpp opens only base, package, string, debug, math and table)", lib, L.Get(2).String(), lib)
		return 0
	}))
	meta.RawSetString("__newindex", meta.RawGetString("__index"))
	// gopher-lua's own module list (the registry's _LOADED, which nothing
	// of modscope reads) would keep the libraries replaced here alive.
	libLoaded, _ := L.G.Registry.RawGetString("_LOADED").(*lua.LTable)
	for i, lib := range absentLibs {
		absent[i] = L.CreateTable(0, 0)
		absent[i].Metatable = meta
		G.RawSetString(lib, absent[i])
		if pkgLoaded != nil {
			pkgLoaded.RawSetString(lib, lua.LNil)
		}
		if libLoaded != nil {
			libLoaded.RawSetString(lib, lua.LNil)
		}
	}
	dbg := L.CreateTable(0, 2)
	dbg.RawSetString("traceback", L.NewFunction(func(L *lua.LState) int {
		msg := L.OptString(1, "")
		L.Push(lua.LString(strings.TrimLeft(msg+"\n"+L.Where(1), "\n")))
		return 1
	}))
	dbg.RawSetString("getinfo", L.NewFunction(func(L *lua.LState) int {
		t := L.CreateTable(0, 2)
		t.RawSetString("short_src", lua.LString(c.Where()))
		t.RawSetString("currentline", lua.LNumber(0))
		L.Push(t)
		return 1
	}))
	G.RawSetString("debug", dbg)
	if pkgLoaded != nil {
		pkgLoaded.RawSetString("debug", dbg)
	}
	// Lua.cpp: "Global variables for easy data sharing across mods".
	G.RawSetString("globals", L.CreateTable(0, 0))

	mod := L.CreateTable(0, 16)
	cs := newClasses(L, func(g int) {
		// A field the mod already set keeps its value: the group's
		// metatables and definitions are still registered (x.cls), but
		// its tables never replace the mod's own (docs/sectors.md).
		names := engineGroups[g].names
		had := make([]lua.LValue, len(names))
		for i, n := range names {
			had[i] = mod.RawGetString(n)
		}
		engineGroups[g].build(m, x, mod)
		for i, n := range names {
			if had[i] != lua.LNil {
				mod.RawSetString(n, had[i])
			}
		}
	})
	x.cls = cs
	m.installBus(x, mod)
	m.installLogger(x, mod)
	mod.RawSetString("uuid", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(m.uuid()))
		return 1
	}))
	mod.RawSetString("radians", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(float32(float64(L.CheckNumber(1)) * math.Pi / 180)))
		return 1
	}))
	mod.RawSetString("degrees", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(float32(float64(L.CheckNumber(1)) * 180 / math.Pi)))
		return 1
	}))
	if x.id != "" {
		// Sector.cpp load: only a sector's engine module has get_sector_data.
		mod.RawSetString("get_sector_data", L.NewFunction(func(L *lua.LState) int {
			L.Push(m.sectorData(x))
			return 1
		}))
	}
	c.ModuleTable("engine", mod) // stub mode: a missing field is a recording stand-in
	// The lazy groups come before the stand-ins.
	if meta, ok := mod.Metatable.(*lua.LTable); ok {
		missing := meta.RawGetString("__index")
		meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			if k, ok := L.Get(2).(lua.LString); ok {
				if cs.lazy(string(k)) {
					cs.need(string(k))
					L.Push(mod.RawGetString(string(k)))
					return 1
				}
			}
			L.Push(missing)
			L.Push(L.Get(1))
			L.Push(L.Get(2))
			L.Call(2, 1)
			return 1
		}))
	}
	if pkgLoaded != nil {
		pkgLoaded.RawSetString("engine", mod)
	}
	m.wrapIteration(x, mod)
	m.installRequire(x, pkgLoaded)
}

// wrapIteration makes the lazily built module look whole: the engine's
// module is a plain table filled at startup (Lua.cpp), so next and pairs
// given it, and the inspector reading it, build every group first.
func (m *Model) wrapIteration(x *lctx, mod *lua.LTable) {
	c, L, cs := x.o, x.o.L, x.cls
	G := c.Globals()
	c.OnInspect(mod, cs.needAll)
	origNext, ok1 := G.RawGetString("next").(*lua.LFunction)
	origPairs, ok2 := G.RawGetString("pairs").(*lua.LFunction)
	if !ok1 || !ok2 {
		return
	}
	G.RawSetString("next", L.NewFunction(func(L *lua.LState) int {
		if L.Get(1) == mod {
			cs.needAll()
		}
		return callThrough(L, origNext)
	}))
	G.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		if L.Get(1) == mod {
			cs.needAll()
		}
		return callThrough(L, origPairs)
	}))
}

// callThrough calls fn with the current arguments and returns its results.
func callThrough(L *lua.LState, fn *lua.LFunction) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}

// engineGroup is a part of the engine module built on the first use of
// one of its fields (classes.need), in each context that uses it.
type engineGroup struct {
	names []string
	build func(m *Model, x *lctx, mod *lua.LTable)
}

// engineGroups are the lazy parts of the engine module; groupOf maps each
// of their fields to its group. Classes are groups of their own: a sector
// that moves an entity builds Vector3, not Vector2 or Color4.
var (
	engineGroups []engineGroup
	groupOf      map[string]int
)

func init() { engineGroups, groupOf = buildEngineGroups() }

func buildEngineGroups() ([]engineGroup, map[string]int) {
	var gs []engineGroup
	add := func(names []string, build func(m *Model, x *lctx, mod *lua.LTable)) {
		gs = append(gs, engineGroup{names: names, build: build})
	}
	for _, n := range vectorNames {
		add([]string{n}, func(_ *Model, x *lctx, mod *lua.LTable) { x.cls.defineVector(mod, n) })
	}
	add([]string{"Matrix4"}, func(_ *Model, x *lctx, mod *lua.LTable) {
		mod.RawSetString("Matrix4", x.cls.define(&class{name: "Matrix4"}))
	})
	for _, n := range schemaNames() {
		add([]string{n}, func(_ *Model, x *lctx, mod *lua.LTable) { x.cls.defineSchema(mod, n) })
	}
	add([]string{"MT19937", "random_circle_positions"}, func(_ *Model, x *lctx, mod *lua.LTable) { x.cls.defineRandom(mod) })
	add([]string{"get_scene", "Scene", "Entity"}, (*Model).installScene)
	for i := range componentDefs {
		add([]string{componentDefs[i].class}, func(_ *Model, x *lctx, mod *lua.LTable) { defineComponent(x.cls, mod, &componentDefs[i]) })
	}
	add([]string{"get_server", "get_generator", "Server", "Generator", "Session", "SystemHeuristics"}, (*Model).installServer)
	assetNames := []string{"get_assets_manager", "AssetsManager"}
	for _, k := range assetKinds {
		assetNames = append(assetNames, k.class)
	}
	add(assetNames, (*Model).installAssets)
	dbNames := []string{"get_database", "Database"}
	for _, r := range sortedKeys(repoClass) {
		n := repoClass[r]
		if n == "" {
			n = "MetaData"
		}
		dbNames = append(dbNames, n+"Repository")
	}
	add(dbNames, (*Model).installDatabase)
	add([]string{"NameGenerator", "VolumeOccupancyTester", "MinimumSpanningTree", "GalaxyDistribution", "FloodFillResult", "FloodFill", "DelaunayTriangulation"}, (*Model).installAlgorithms)
	of := map[string]int{}
	for g, gr := range gs {
		for _, n := range gr.names {
			of[n] = g
		}
	}
	return gs, of
}

// assetsDir is the folder that holds the mod folders (the engine's
// Config assetsPath): "assets" or the folder itself.
func (m *Model) assetsDir() string {
	for _, md := range m.mods {
		if d := pathDir(md.Dir); d != "" {
			return d
		}
		return "."
	}
	return "."
}

func pathDir(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return ""
}

// installRequire replaces require: a name resolves as the engine's
// package.path entry <assets>/?.lua does, and every module file runs as a
// recorded file of the load order, once per context.
func (m *Model) installRequire(x *lctx, loaded *lua.LTable) {
	c, L := x.o, x.o.L
	if loaded == nil {
		loaded = L.CreateTable(0, 0)
	}
	loading := map[string]bool{}
	c.Globals().RawSetString("require", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		if v := loaded.RawGetString(name); v != lua.LNil {
			L.Push(v)
			return 1
		}
		if loading[name] {
			L.RaiseError("module '%s' requires itself (a require loop)", name)
		}
		rel, err := m.resolve(name)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		loading[name] = true
		run, res := c.ExecFile(rel, nil)
		delete(loading, name)
		if !run.OK {
			L.RaiseError("error loading module '%s' from file '%s': %s", name, rel, run.Error)
		}
		var v lua.LValue = lua.LNil
		if len(res) > 0 {
			v = res[0]
		}
		if v == lua.LNil {
			if have := loaded.RawGetString(name); have != lua.LNil {
				v = have
			} else {
				v = lua.LTrue
			}
		}
		loaded.RawSetString(name, v)
		L.Push(v)
		return 1
	}))
}

// selfArg checks that a method was called with its object (obj:method()),
// as a sol usertype method needs.
func selfArg(L *lua.LState, obj lua.LValue, cls, method string) {
	if L.Get(1) != obj {
		L.RaiseError("%s.%s needs the object: call it as obj:%s(...), with a colon", cls, method, method)
	}
}

// installBus adds engine.get_event_bus: the context's listener of the one
// bus (Lua.cpp EventHandler).
func (m *Model) installBus(x *lctx, mod *lua.LTable) {
	c, L := x.o, x.o.L
	bus := L.CreateTable(0, 0)
	methods := L.CreateTable(0, 3)
	meta := L.CreateTable(0, 2)
	meta.RawSetString("__index", methods)
	meta.RawSetString("__name", lua.LString("EventHandler"))
	meta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("EventHandler has no property %q", L.Get(2).String())
		return 0
	}))
	bus.Metatable = meta
	methods.RawSetString("add_handler", L.NewFunction(func(L *lua.LState) int {
		selfArg(L, bus, "EventHandler", "add_handler")
		name := eventName(L, 2)
		fn := L.CheckFunction(3)
		c.AddHandler(name, fn, c.Where())
		m.mu.Lock()
		x.handled[name]++
		m.mu.Unlock()
		return 0
	}))
	methods.RawSetString("remove_handler", L.NewFunction(func(L *lua.LState) int {
		selfArg(L, bus, "EventHandler", "remove_handler")
		name := eventName(L, 2)
		fn := L.CheckFunction(3)
		if c.RemoveHandler(name, fn) {
			m.mu.Lock()
			x.handled[name]--
			m.mu.Unlock()
		}
		return 0 // the engine's remove_handler returns nothing
	}))
	methods.RawSetString("enqueue", L.NewFunction(func(L *lua.LState) int {
		selfArg(L, bus, "EventHandler", "enqueue")
		name := eventName(L, 2)
		data, err := eventDataFromLua(L.Get(3))
		if err == nil {
			err = m.enqueue(name, data, c.Name)
		}
		if err != nil {
			L.RaiseError("event_bus:enqueue(%q): %v", name, err)
		}
		return 0
	}))
	mod.RawSetString("get_event_bus", L.NewFunction(func(L *lua.LState) int {
		L.Push(bus)
		return 1
	}))
}

// installLogger adds engine.create_logger (LuaGlobal.cpp, LuaUtils.cpp):
// a Logger with info, debug, warn and error, each taking one message.
func (m *Model) installLogger(x *lctx, mod *lua.LTable) {
	c, L := x.o, x.o.L
	meta := L.CreateTable(0, 2)
	methods := L.CreateTable(0, 4)
	meta.RawSetString("__index", methods)
	meta.RawSetString("__name", lua.LString("Logger"))
	for _, level := range []string{"info", "debug", "warn", "error"} {
		level := level
		methods.RawSetString(level, L.NewFunction(func(L *lua.LState) int {
			ud, ok := L.Get(1).(*lua.LUserData)
			name, ok2 := "", false
			if ok {
				name, ok2 = ud.Value.(string)
			}
			if !ok2 {
				L.RaiseError("Logger.%s needs the logger: call it as logger:%s(message), with a colon", level, level)
			}
			var msg string
			switch v := L.Get(2).(type) {
			case lua.LString:
				msg = string(v)
			case lua.LNumber:
				msg = v.String()
			default:
				L.ArgError(2, "the message must be a string, not a "+v.Type().String()+" (use string.format)")
			}
			c.Print(level, "["+name+"] "+msg)
			return 0
		}))
	}
	mod.RawSetString("create_logger", L.NewFunction(func(L *lua.LState) int {
		ud := L.NewUserData()
		ud.Value = L.CheckString(1)
		ud.Metatable = meta
		L.Push(ud)
		return 1
	}))
	mod.RawSetString("Logger", L.CreateTable(0, 0))
}

// ---- scene and entities (LuaScene.cpp, Scene.cpp) ----

// componentDef is a component usertype and the Entity field that holds it.
type componentDef struct {
	class, field, arg string
	props, methods    []string
}

var componentDefs = []componentDef{
	{"ComponentTransform", "transform", "", []string{"static", "kinematic", "transform", "parent", "position", "orientation"}, []string{"move", "translate", "scale", "rotate", "rotate_x", "rotate_y", "rotate_z", "rotate_by_axis"}},
	{"ComponentModel", "model", "model", []string{"model"}, nil},
	{"ComponentModelSkinned", "model_skinned", "model", []string{"model"}, nil},
	{"ComponentRigidBody", "rigid_body", "", []string{"linear_velocity", "angular_velocity", "mass", "scale"}, nil},
	{"ComponentIcon", "icon", "image", []string{"image", "offset", "selectable", "environment"}, nil},
	{"ComponentLabel", "label", "label", []string{"label"}, nil},
	{"ComponentScript", "script", "instance", []string{"instance"}, nil},
	{"ComponentGrid", "grid", "", nil, []string{"set_from"}},
	{"ComponentTurret", "turret", "turret", []string{"turret", "target"}, []string{"clear_target"}},
	{"ComponentShipControl", "ship_control", "", nil, []string{"add_turret"}},
	{"ComponentAgent", "agent", "", nil, nil},
}

// entity is the Go side of an Entity userdata.
type entity struct {
	id    int
	comps []entityComp // a few: a slice costs less than a map
}

type entityComp struct {
	field string // the component's Entity field name
	v     lua.LValue
}

// comp returns the component of field, or nil.
func (e *entity) comp(field string) lua.LValue {
	for _, c := range e.comps {
		if c.field == field {
			return c.v
		}
	}
	return nil
}

// setComp sets the component of field (a second add replaces the first).
func (e *entity) setComp(field string, v lua.LValue) {
	for i := range e.comps {
		if e.comps[i].field == field {
			e.comps[i].v = v
			return
		}
	}
	e.comps = append(e.comps, entityComp{field, v})
}

// defineComponent adds the component class d (engine.ComponentTransform, ...).
func defineComponent(cs *classes, mod *lua.LTable, d *componentDef) {
	cl := &class{name: d.class, props: d.props, methods: noops(d.methods...)}
	if d.class == "ComponentTransform" {
		cl.init = func(L *lua.LState, obj *lua.LTable, _ []lua.LValue) {
			obj.RawSetString("static", lua.LFalse)
			obj.RawSetString("kinematic", lua.LFalse)
			obj.RawSetString("position", cs.vec("Vector3"))
			obj.RawSetString("orientation", cs.vec("Quaternion", 0, 0, 0, 1))
		}
		move := func(add bool) lua.LGFunction {
			return func(L *lua.LState) int {
				obj := L.CheckTable(1)
				v, ok := L.Get(2).(*lua.LTable)
				if !ok || !cs.isA(v, "Vector3") {
					L.ArgError(2, "a Vector3 expected")
				}
				pos, _ := obj.RawGetString("position").(*lua.LTable)
				nx, ny, nz := num(v.RawGetString("x")), num(v.RawGetString("y")), num(v.RawGetString("z"))
				if add && pos != nil {
					nx += num(pos.RawGetString("x"))
					ny += num(pos.RawGetString("y"))
					nz += num(pos.RawGetString("z"))
				}
				obj.RawSetString("position", cs.vec("Vector3", nx, ny, nz))
				return 0
			}
		}
		cl.methods["move"] = move(false)
		cl.methods["translate"] = move(true)
	} else if d.class == "ComponentRigidBody" {
		cl.init = func(L *lua.LState, obj *lua.LTable, _ []lua.LValue) {
			obj.RawSetString("linear_velocity", cs.vec("Vector3"))
			obj.RawSetString("angular_velocity", cs.vec("Vector3"))
			obj.RawSetString("mass", lua.LNumber(0))
			obj.RawSetString("scale", lua.LNumber(1))
		}
	} else if d.arg != "" {
		arg := d.arg
		cl.init = func(L *lua.LState, obj *lua.LTable, args []lua.LValue) {
			if len(args) > 0 {
				obj.RawSetString(arg, args[0])
			}
		}
	}
	mod.RawSetString(d.class, cs.define(cl))
}

// entityMethods are Entity's methods, add_/has_/get_component_<field> of
// each component: the method's kind and its component.
var entityMethods = func() map[string]struct {
	kind string
	def  *componentDef
} {
	out := map[string]struct {
		kind string
		def  *componentDef
	}{}
	for i := range componentDefs {
		d := &componentDefs[i]
		for _, kind := range []string{"add", "has", "get"} {
			out[kind+"_component_"+d.field] = struct {
				kind string
				def  *componentDef
			}{kind, d}
		}
	}
	return out
}()

// componentFields are the components' field names (entity.transform, ...).
var componentFields = func() map[string]bool {
	out := map[string]bool{}
	for _, d := range componentDefs {
		out[d.field] = true
	}
	return out
}()

// checkEntity returns the entity a method was called on.
func checkEntity(L *lua.LState, method string) *entity {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if e, ok := ud.Value.(*entity); ok {
			return e
		}
	}
	L.RaiseError("Entity.%s needs the entity: call it as entity:%s(...), with a colon", method, method)
	return nil
}

// entityMethod makes Entity's method name, or returns nil.
func entityMethod(cs *classes, name string) lua.LGFunction {
	em, ok := entityMethods[name]
	if !ok {
		return nil
	}
	d := em.def
	switch em.kind {
	case "add":
		return func(L *lua.LState) int {
			e := checkEntity(L, name)
			var args []lua.LValue
			if L.GetTop() >= 2 {
				args = []lua.LValue{L.Get(2)}
			}
			comp := cs.newObject(d.class, args)
			e.setComp(d.field, comp)
			L.Push(comp)
			return 1
		}
	case "has":
		return func(L *lua.LState) int {
			e := checkEntity(L, name)
			L.Push(lua.LBool(e.comp(d.field) != nil))
			return 1
		}
	}
	return func(L *lua.LState) int {
		e := checkEntity(L, name)
		if v := e.comp(d.field); v != nil {
			L.Push(v)
		} else {
			L.Push(lua.LNil)
		}
		return 1
	}
}

func (m *Model) installScene(x *lctx, mod *lua.LTable) {
	c, L, cs := x.o, x.o.L, x.cls
	entMeta := L.CreateTable(0, 3)
	// Entity's methods are made on first use: the 33 of them would cost
	// every sector context that has an entity ~8 KB.
	methodTbl := L.CreateTable(0, 0)
	entMeta.RawSetString("__name", lua.LString("Entity"))
	entMeta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		e, _ := ud.Value.(*entity)
		k := L.CheckString(2)
		if f := methodTbl.RawGetString(k); f != lua.LNil {
			L.Push(f)
			return 1
		}
		if fn := entityMethod(cs, k); fn != nil {
			f := L.NewFunction(fn)
			methodTbl.RawSetString(k, f)
			L.Push(f)
			return 1
		}
		// entity.script: LuaScene.cpp binds it twice; the second binding,
		// the ComponentScript, is the one sol keeps.
		if e != nil && componentFields[k] {
			if v := e.comp(k); v != nil {
				L.Push(v)
				return 1
			}
		}
		L.Push(lua.LNil)
		return 1
	}))
	entMeta.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		e, _ := L.CheckUserData(1).Value.(*entity)
		id := 0
		if e != nil {
			id = e.id
		}
		L.Push(lua.LString(fmt.Sprintf("Entity: %d", id)))
		return 1
	}))
	newEntity := func() *lua.LUserData {
		x.entities++
		ud := L.NewUserData()
		ud.Value = &entity{id: x.entities}
		ud.Metatable = entMeta
		return ud
	}
	// The usertype's table: engine.Entity.add_component_transform is the
	// function entity.add_component_transform returns (sol usertype).
	entClass := L.CreateTable(0, 0)
	entClassMeta := L.CreateTable(0, 2)
	entClassMeta.RawSetString("__name", lua.LString("Entity"))
	entClassMeta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		k, ok := L.Get(2).(lua.LString)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		if f := methodTbl.RawGetString(string(k)); f != lua.LNil {
			L.Push(f)
			return 1
		}
		if fn := entityMethod(cs, string(k)); fn != nil {
			f := L.NewFunction(fn)
			methodTbl.RawSetString(string(k), f)
			L.Push(f)
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	entClass.Metatable = entClassMeta
	mod.RawSetString("Entity", entClass)

	scene := L.CreateTable(0, 0)
	sceneMethods := L.CreateTable(0, 8)
	sceneMeta := L.CreateTable(0, 2)
	sceneMeta.RawSetString("__index", sceneMethods)
	sceneMeta.RawSetString("__name", lua.LString("Scene"))
	scene.Metatable = sceneMeta
	sceneMethods.RawSetString("add_entity_template", L.NewFunction(func(L *lua.LState) int {
		selfArg(L, scene, "Scene", "add_entity_template")
		name := L.CheckString(2)
		klass := L.CheckTable(3)
		where := c.Where()
		m.mu.Lock()
		have := x.templates[name]
		if have == nil {
			x.templates[name] = &template{where: where, klass: klass}
			x.tmplOrder = append(x.tmplOrder, name)
		}
		m.mu.Unlock()
		if have != nil {
			// Scene.cpp addEntityTemplate: emplace keeps the first one.
			c.Print("warn", fmt.Sprintf("scene:add_entity_template(%q): a template of that name was added at %s; the engine keeps the first and ignores this one", name, have.where))
		}
		return 0
	}))
	sceneMethods.RawSetString("create_entity", L.NewFunction(func(L *lua.LState) int {
		selfArg(L, scene, "Scene", "create_entity")
		L.Push(newEntity())
		return 1
	}))
	sceneMethods.RawSetString("create_entity_template", L.NewFunction(func(L *lua.LState) int {
		selfArg(L, scene, "Scene", "create_entity_template")
		name := L.CheckString(2)
		data := L.OptTable(3, L.CreateTable(0, 0))
		ent, err := m.createFrom(x, L, newEntity, name, data)
		if err != nil {
			L.RaiseError("%v", err)
		}
		L.Push(ent)
		return 1
	}))
	sceneMethods.RawSetString("contact_test_sphere", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.CreateTable(0, 0))
		return 1
	}))
	sceneMethods.RawSetString("patch_component_grid", L.NewFunction(noop))
	sceneMethods.RawSetString("patch_component_model", L.NewFunction(noop))
	x.spawn = func(L *lua.LState, name string, data *lua.LTable) error {
		_, err := m.createFrom(x, L, newEntity, name, data)
		return err
	}
	mod.RawSetString("Scene", L.CreateTable(0, 0))
	mod.RawSetString("get_scene", L.NewFunction(func(L *lua.LState) int {
		if x.id == "" {
			// Lua.cpp getScene.
			L.RaiseError("Trying to access scene from a non-sector script (engine.get_scene works in sector contexts only)")
		}
		L.Push(scene)
		return 1
	}))
}

// createFrom is Scene::createEntityFrom: the template's new(entity, data)
// must return a table (its script instance).
func (m *Model) createFrom(x *lctx, L *lua.LState, newEntity func() *lua.LUserData, name string, data *lua.LTable) (*lua.LUserData, error) {
	m.mu.Lock()
	t := x.templates[name]
	m.mu.Unlock()
	if t == nil {
		return nil, fmt.Errorf("No such entity template named: '%s' (templates: %s)", name, strings.Join(orNone(m.templateNames(x)), ", "))
	}
	ent := newEntity()
	fn := L.GetField(t.klass, "new")
	if fn == lua.LNil {
		return nil, fmt.Errorf("Entity failed to create error: entity template '%s' (added at %s) has no function new", name, t.where)
	}
	res, rec := x.o.CallIn(L, fn, []lua.LValue{ent, data}, "entity template "+name)
	if rec != nil {
		return nil, fmt.Errorf("Entity failed to create error: %s", rec.Message)
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("Entity failed to create error: entity template '%s': new returned nothing, the engine needs its instance table", name)
	}
	inst, ok := res[0].(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("Entity failed to create error: entity template '%s': new returned a %s, the engine needs its instance table", name, res[0].Type())
	}
	e := ent.Value.(*entity)
	e.setComp("script", x.cls.newObject("ComponentScript", []lua.LValue{inst}))
	return ent, nil
}

func (m *Model) templateNames(x *lctx) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), x.tmplOrder...)
}

// ---- server and generator (LuaServer.cpp, LuaGlobal.cpp) ----

// generatorHooks are the Generator's callback registrations and the
// arguments each callback gets.
var generatorHooks = map[string][]string{
	"on_start":          {"seed"},
	"on_galaxy_created": {"GalaxyData"},
	"on_region_created": {"GalaxyData", "RegionData"},
	"on_system_created": {"GalaxyData", "SystemData", "FactionData"},
	"on_sector_created": {"GalaxyData", "SystemData", "FactionData", "SectorData"},
	"on_end":            {"GalaxyData"},
	"on_skipped":        {"GalaxyData"},
}

func (m *Model) installServer(x *lctx, mod *lua.LTable) {
	c, L, cs := x.o, x.o.L, x.cls
	server := cs.newObjectOf(&class{name: "Server", methods: map[string]lua.LGFunction{
		"move_player_to_sector": func(L *lua.LState) int {
			pid, sid := L.CheckString(2), L.CheckString(3)
			m.mu.Lock()
			ok := m.playerLocked(pid) != nil
			if ok {
				m.moves = append(m.moves, move{player: pid, sector: sid, from: c.Name})
			}
			m.mu.Unlock()
			if !ok {
				// Server.cpp movePlayerToSector.
				L.RaiseError("Can not move player id: '%s' to sector: '%s', player is not logged in", pid, sid)
			}
			return 0
		},
	}}, mod)
	mod.RawSetString("get_server", L.NewFunction(func(L *lua.LState) int {
		L.Push(server)
		return 1
	}))
	mod.RawSetString("Session", cs.define(&class{name: "Session"}))
	// SystemHeuristics:find_empty_pos(rng): modscope has no universe, so
	// any point of the system is empty; it draws one from rng.
	mod.RawSetString("SystemHeuristics", cs.define(&class{name: "SystemHeuristics", props: []string{"galaxy", "system", "faction", "systems", "sectors"},
		methods: map[string]lua.LGFunction{"find_empty_pos": func(L *lua.LState) int {
			var r *mt64
			if ud, ok := L.Get(2).(*lua.LUserData); ok {
				r, _ = ud.Value.(*mt64)
			}
			if r == nil {
				L.RaiseError("SystemHeuristics:find_empty_pos(rng) needs an engine.MT19937")
			}
			L.Push(cs.vec("Vector2", r.real(-100, 100), r.real(-100, 100)))
			return 1
		}}}))

	gm := map[string]lua.LGFunction{}
	for hook := range generatorHooks {
		hook := hook
		gm["add_"+hook] = func(L *lua.LState) int {
			fn := L.CheckFunction(2)
			m.addCallback(&callback{x: x, fn: fn, where: c.Where(), name: hook})
			return 0
		}
	}
	gm["add_sector_type"] = func(L *lua.LState) int {
		name := L.CheckString(2)
		h, cr := L.CheckFunction(3), L.CheckFunction(4)
		m.addCallback(&callback{x: x, fn: h, where: c.Where(), name: "sector_type:" + name + ":heuristics"})
		m.addCallback(&callback{x: x, fn: cr, where: c.Where(), name: "sector_type:" + name + ":create"})
		return 0
	}
	gm["get_random_name"] = func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("System %s", strings.ToUpper(m.uuid()[:4]))))
		return 1
	}
	gen := cs.newObjectOf(&class{name: "Generator", methods: gm}, mod)
	mod.RawSetString("get_generator", L.NewFunction(func(L *lua.LState) int {
		L.Push(gen)
		return 1
	}))
}

// newObjectOf defines a class (engine.<Name>) and returns its one instance.
func (cs *classes) newObjectOf(cl *class, mod *lua.LTable) *lua.LTable {
	mod.RawSetString(cl.name, cs.define(cl))
	return cs.newObject(cl.name, nil)
}

func (m *Model) addCallback(cb *callback) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.callbacks = append(m.callbacks, cb)
}

// ---- assets (LuaAssets.cpp) ----

var assetKinds = []struct{ find, all, class string }{
	{"find_planet_type", "find_all_planet_types", "PlanetType"},
	{"find_image", "find_all_images", "Image"},
	{"find_texture", "find_all_textures", "Texture"},
	{"find_block", "find_all_blocks", "Block"},
	{"find_model", "find_all_models", "Model"},
	{"find_sound", "find_all_sounds", "Sound"},
	{"find_particles_type", "find_all_particles_type", "ParticlesType"},
	{"find_ship_template", "find_all_ship_templates", "ShipTemplate"},
	{"find_turret", "find_all_turrets", "Turret"},
}

// installAssets adds engine.get_assets_manager. modscope loads no assets:
// find_X(name) returns a stand-in asset with that name (Model radius 1,
// Turret with a model), find_all_X an empty list.
func (m *Model) installAssets(x *lctx, mod *lua.LTable) {
	L, cs := x.o.L, x.cls
	am := map[string]lua.LGFunction{}
	for _, k := range assetKinds {
		k := k
		props := []string{"name"}
		switch k.class {
		case "Model":
			props = append(props, "radius")
		case "Turret":
			props = append(props, "model")
		}
		mod.RawSetString(k.class, cs.define(&class{name: k.class, props: props}))
		am[k.find] = func(L *lua.LState) int {
			name := L.CheckString(2)
			a := cs.newObject(k.class, nil)
			a.RawSetString("name", lua.LString(name))
			switch k.class {
			case "Model":
				a.RawSetString("radius", lua.LNumber(1))
			case "Turret":
				mdl := cs.newObject("Model", nil)
				mdl.RawSetString("name", lua.LString(name))
				mdl.RawSetString("radius", lua.LNumber(1))
				a.RawSetString("model", mdl)
			}
			L.Push(a)
			return 1
		}
		am[k.all] = func(L *lua.LState) int {
			L.Push(L.CreateTable(0, 0))
			return 1
		}
	}
	assets := cs.newObjectOf(&class{name: "AssetsManager", methods: am}, mod)
	mod.RawSetString("get_assets_manager", L.NewFunction(func(L *lua.LState) int {
		L.Push(assets)
		return 1
	}))
}

// ---- algorithms (LuaAlgorithms.cpp, LuaUtils.cpp) ----

func (m *Model) installAlgorithms(x *lctx, mod *lua.LTable) {
	cs := x.cls
	// NameGenerator.new(list):get(rng) picks a name of the list (the
	// engine's generator builds new names from them).
	mod.RawSetString("NameGenerator", cs.define(&class{name: "NameGenerator", props: []string{"names"},
		init: func(L *lua.LState, obj *lua.LTable, args []lua.LValue) {
			if len(args) == 0 {
				L.RaiseError("NameGenerator.new: a list of names expected")
			}
			list, ok := args[0].(*lua.LTable)
			if !ok || list.Len() == 0 {
				L.RaiseError("NameGenerator.new: a non-empty list of names expected")
			}
			obj.RawSetString("names", list)
		},
		methods: map[string]lua.LGFunction{"get": func(L *lua.LState) int {
			obj := L.CheckTable(1)
			list, _ := obj.RawGetString("names").(*lua.LTable)
			ud, ok := L.Get(2).(*lua.LUserData)
			var r *mt64
			if ok {
				r, _ = ud.Value.(*mt64)
			}
			if r == nil || list == nil {
				L.RaiseError("NameGenerator:get(rng) needs an engine.MT19937")
			}
			L.Push(list.RawGetInt(int(r.intn(1, int64(list.Len())))))
			return 1
		}}}))
	// VolumeOccupancyTester: spheres; contact_test tells whether a sphere
	// touches one added before.
	mod.RawSetString("VolumeOccupancyTester", cs.define(&class{name: "VolumeOccupancyTester", props: []string{"spheres"},
		init: func(L *lua.LState, obj *lua.LTable, _ []lua.LValue) {
			obj.RawSetString("spheres", L.CreateTable(0, 0))
		},
		methods: map[string]lua.LGFunction{
			"add": func(L *lua.LState) int {
				obj, pos := L.CheckTable(1), L.CheckTable(2)
				s := L.CreateTable(4, 0)
				s.RawSetInt(1, pos.RawGetString("x"))
				s.RawSetInt(2, pos.RawGetString("y"))
				s.RawSetInt(3, pos.RawGetString("z"))
				s.RawSetInt(4, L.CheckNumber(3))
				list, ok := obj.RawGetString("spheres").(*lua.LTable)
				if !ok {
					L.RaiseError("VolumeOccupancyTester.add: spheres is not a table (call it on a tester made by VolumeOccupancyTester.new)")
				}
				list.Append(s)
				return 0
			},
			"contact_test": func(L *lua.LState) int {
				obj, pos := L.CheckTable(1), L.CheckTable(2)
				r := float64(L.CheckNumber(3))
				px, py, pz := num(pos.RawGetString("x")), num(pos.RawGetString("y")), num(pos.RawGetString("z"))
				hit := false
				list, ok := obj.RawGetString("spheres").(*lua.LTable)
				if !ok {
					L.RaiseError("VolumeOccupancyTester.contact_test: spheres is not a table (call it on a tester made by VolumeOccupancyTester.new)")
				}
				list.ForEach(func(_, v lua.LValue) {
					s, ok := v.(*lua.LTable)
					if !ok {
						return // not a sphere: the engine's list holds only spheres
					}
					d := math.Sqrt(math.Pow(num(s.RawGetInt(1))-px, 2) + math.Pow(num(s.RawGetInt(2))-py, 2) + math.Pow(num(s.RawGetInt(3))-pz, 2))
					if d < r+num(s.RawGetInt(4)) {
						hit = true
					}
				})
				L.Push(lua.LBool(hit))
				return 1
			},
		}}))
	// Stand-ins: these need the engine's geometry code; their methods do
	// nothing and return nothing.
	for _, s := range []struct {
		name    string
		methods []string
	}{
		{"MinimumSpanningTree", []string{"add_position", "calculate", "has_connections", "get_connections"}},
		{"GalaxyDistribution", []string{"get"}},
		{"FloodFillResult", nil},
		{"FloodFill", []string{"calculate", "add_start_point", "size", "get", "add_position"}},
		{"DelaunayTriangulation", []string{"add_position", "calculate", "has_connections", "get_connections"}},
	} {
		props := []string(nil)
		if s.name == "FloodFillResult" {
			props = []string{"index", "point"}
		}
		mod.RawSetString(s.name, cs.define(&class{name: s.name, props: props, methods: noops(s.methods...)}))
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](mp map[string]V) []string {
	out := make([]string, 0, len(mp))
	for k := range mp {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
