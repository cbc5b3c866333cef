package gengame

import (
	"fmt"
	"strings"
)

// fileCtx is what the code of one file may refer to while it is written.
type fileCtx struct {
	r      *rng
	w      *writer
	plan   *plan
	spec   *fileSpec
	funcs  []string // global functions this file defined so far
	locals []string // local helper functions this file defined so far
	tables []string // g_ tables this file created at top level
	// coldLocals counts the local functions no code calls.
	coldLocals int
}

// Engine calls that only the game binary has: undefined globals that stub
// mode turns into recording stand-ins. Each is used only in ways that work
// on a stand-in (call, index, arithmetic, store) and never tested.
var engineCalls = []string{
	"local height = terrain.GetHeight(point(%d, %d)) + %d",
	"local screen = UIL.GetScreenSize()",
	"local map_size = terrain.GetMapSize()",
	"hr.ShadowmapSize = %d",
	"hr.FarZ = %d",
	"PlayFX(\"UIClick\", \"start\")",
	"local ticks = GetPreciseTicks() + %d",
	"local objs = MapGet(\"map\", \"Building\")",
	"local pos = point(%d, %d) + point(%d, %d)",
	"local color = RGB(%d, %d, %d)",
	"local area = box(0, 0, %d, %d)",
	"SetPostProcPredicate(\"night\", false)",
	"local cam = cameraRTS.GetPos()",
	"local w, h = UIL.MeasureText(\"Sample\", \"Infopanel\")",
	"local sound = PlaySound(\"UI/Click\", \"UI\")",
	"DbgAddVector(point(%d, %d), point(0, 0, %d))",
	"local entity = GetEntityBBox(\"Dome%d\")",
	"local lang = GetLanguage()",
	"local res = GetResolution()",
	"local fps = GetFramerate() * %d",
}

// stmt writes one self-contained statement group of a function body; it
// declares only locals, so it is safe whatever Loading says.
func (c *fileCtx) stmt(allowEngine bool) {
	r, w := c.r, c.w
	k := r.intn(24)
	if k >= 16 { // the cheap kinds again: real bodies are mostly calls, fields and branches
		k = pick(r, []int{7, 8, 12, 15, 15})
	}
	switch {
	case k == 0:
		w.l("local total = 0")
		w.open("for i = 1, %d do", r.between(4, 40))
		w.l("total = total + i * %d", r.between(1, 9))
		w.open("if total > %d then", r.between(50, 900))
		w.l("break")
		w.close("end")
		w.close("end")
	case k == 1:
		var nums []string
		for range r.between(4, 9) {
			nums = append(nums, fmt.Sprint(r.between(1, 99)))
		}
		w.l("local values = { %s }", strings.Join(nums, ", "))
		w.l("local even = table.ifilter(values, function(_, v) return v %% 2 == 0 end)")
		w.l("local scaled = table.map(even, function(v) return v * %d end)", r.between(2, 9))
		w.l("local count = #scaled + table.count(values)")
	case k == 2:
		id := pick(r, nouns) + "_" + pick(r, adjectives) + fmt.Sprintf("_%d", r.between(1, 40))
		w.l("local id = %s", luaStr(id))
		w.l("local parts = string.split(id, \"_\")")
		w.open("if string.starts_with(id, %s) and #parts > 1 then", luaStr(id[:3]))
		w.l("id = parts[1] .. \"_\" .. parts[#parts]")
		w.close("end")
		w.l("local is_variant = string.ends_with(id, %s)", luaStr(fmt.Sprint(r.between(1, 9))))
		w.l("local label = string.format(\"%%s (%%d)\", id, %d)", r.between(1, 500))
		w.l("local short = string.upper(string.sub(label, 1, %d))", r.between(2, 6))
	case k == 3:
		var kv []string
		for range r.between(3, 7) {
			kv = append(kv, fmt.Sprintf("%s = %v", pick(r, nouns), r.chance(70)))
		}
		w.l("local flags = { %s }", strings.Join(kv, ", "))
		w.l("local keys = table.keys(flags, true)")
		w.l("local enabled = table.count(flags, function(k, v) return v end)")
		w.l("local index = table.invert(keys)")
	case k == 4:
		var names []string
		for range r.between(3, 7) {
			names = append(names, luaStr(strings.ToLower(pick(r, nouns))))
		}
		w.l("local ids = {}")
		w.open("for _, name in ipairs({ %s }) do", strings.Join(names, ", "))
		w.l("table.insert_unique(ids, name)")
		w.close("end")
		w.l("local idx = table.find(ids, %s)", names[r.intn(len(names))])
		w.l("table.remove_value(ids, %s)", names[0])
	case k == 5:
		w.l("local base = { cost = %d, time = %d, tags = { %s, %s } }", r.between(100, 9000), r.between(1, 600),
			luaStr(strings.ToLower(pick(r, nouns))), luaStr(strings.ToLower(pick(r, adjectives))))
		w.l("local copy = table.copy(base)")
		w.l("copy.cost = copy.cost + %d", r.between(1, 100))
		w.l("local deep = table.copy(base, true)")
		w.l("deep.tags[#deep.tags + 1] = %s", luaStr(strings.ToLower(pick(r, nouns))))
	case k == 6:
		w.l("local title = T(%d, %s)", tid(r), luaStr(text(r)))
		w.l("local hint = T{%d, %s, count = %d}", tid(r), luaStr(text(r)), r.between(1, 50))
	case k == 7:
		w.l("local limit = (const.%s or %d) * %d", pick(r, c.plan.consts), r.between(1, 100), r.between(2, 5))
		w.l("local scaled = limit + (const.%s or 0)", pick(r, c.plan.consts))
	case k == 8:
		w.open("if Platform.pc then")
		w.l("local quality = %s", luaStr(pick(r, []string{"High", "Ultra", "Medium"})))
		w.mid("elseif Platform.console then")
		w.l("local quality = \"Medium\"")
		w.close("end")
	case k == 9 && allowEngine:
		c.engineCall()
	case k == 10:
		w.l("local entries = { { id = %s, value = %d }, { id = %s, value = %d }, { id = %s, value = %d } }",
			luaStr("a"), r.between(1, 99), luaStr("b"), r.between(1, 99), luaStr("c"), r.between(1, 99))
		w.l("local entry = table.find_value(entries, \"id\", \"b\")")
		w.l("local list = table.icopy(entries)")
		w.l("table.stable_sort(list, function(x, y) return x.value > y.value end)")
		w.l("local merged = table.union({ 1, 2, %d }, { 2, 3 })", r.between(4, 9))
		w.l("local same = table.iequals(table.reverse({ 1, 2 }), { 2, 1 })")
	case k == 11:
		w.l("local buf = {}")
		w.l("local n = 0")
		w.open("while n < %d do", r.between(3, 20))
		w.l("n = n + 1")
		w.l("buf[#buf + 1] = tostring(n * %d)", r.between(2, 50))
		w.close("end")
		w.l("local joined = table.concat(buf, \",\")")
	case k == 12:
		w.l("local v = Clamp(MulDivRound(%d, 3, 2), 0, %d)", r.between(1, 900), r.between(100, 1000))
		w.l("local spread = Max(v, %d) - Min(v, %d)", r.between(1, 50), r.between(1, 50))
	case k == 13:
		w.open("local ok, err = pcall(function()")
		w.l("return %d * 2", r.between(1, 100))
		w.close("end)")
	case k == 14:
		w.l("local list = table.iappend({ %d, %d }, { %d })", r.between(1, 9), r.between(1, 9), r.between(1, 9))
		w.l("local vals = table.values({ x = %d, y = %d }, true)", r.between(1, 9), r.between(10, 19))
		w.l("local extra = table.keys2({ a = 1, b = 2, c = 3 }, true, \"b\")")
	default:
		w.l("local state = %s", luaStr(pick(r, []string{"idle", "working", "broken", "upgrading"})))
		w.open("if state == \"working\" then")
		w.l("state = \"idle\"")
		w.mid("elseif state == \"broken\" then")
		w.l("state = \"repair\"")
		w.mid("else")
		w.l("state = state .. \"_done\"")
		w.close("end")
	}
}

// engineCall writes one of engineCalls with numbers filled in.
func (c *fileCtx) engineCall() {
	r := c.r
	line := pick(r, engineCalls)
	args := make([]any, strings.Count(line, "%d"))
	for i := range args {
		args[i] = r.between(1, 2000)
	}
	c.w.l(line, args...)
}

// body writes n statement groups.
func (c *fileCtx) body(n int, allowEngine bool) {
	for range n {
		c.stmt(allowEngine)
	}
}

// function writes a global function and remembers it.
func (c *fileCtx) function() {
	r, w := c.r, c.w
	name := c.plan.names.function(r)
	w.open("function %s(a, b)", name)
	c.body(r.between(1, 3), true)
	w.l("return (a or 0) + %d", r.between(0, 99))
	w.close("end")
	w.blank()
	c.funcs = append(c.funcs, name)
}

// helper writes a local function.
func (c *fileCtx) helper() {
	r, w := c.r, c.w
	name := strings.ToLower(pick(r, verbs)) + "_" + strings.ToLower(pick(r, nouns)) + fmt.Sprint(len(c.locals)+1)
	w.open("local function %s(list, key)", name)
	w.l("local out = {}")
	w.open("for i, item in ipairs(list or {}) do")
	w.open("if type(item) == \"table\" and item[key or \"id\"] ~= nil then")
	w.l("out[#out + 1] = item[key or \"id\"]")
	w.close("end")
	w.close("end")
	c.body(r.between(0, 2), false)
	w.l("return out")
	w.close("end")
	w.blank()
	c.locals = append(c.locals, name)
}

// constTable writes a big table of constants, local or global.
func (c *fileCtx) constTable() {
	r, w := c.r, c.w
	name := pick(r, adjectives) + pick(r, nouns) + pick(r, suffixes)
	if r.chance(50) {
		w.open("local %s = {", name)
	} else {
		name = c.plan.names.unique(name)
		w.open("%s = {", name)
	}
	for i := range r.between(20, 120) {
		w.l("{ id = %s, value = %d, weight = %d, text = T(%d, %s) },",
			luaStr(fmt.Sprintf("%s%d", pick(r, nouns), i+1)), r.between(0, 5000), r.between(1, 100), tid(r), luaStr(text(r)))
	}
	w.close("}")
	w.blank()
}

// class writes a class declaration, in either form, and its methods.
func (c *fileCtx) class(cl *classSpec) {
	r, w := c.r, c.w
	quoted := make([]string, len(cl.parents))
	for i, p := range cl.parents {
		quoted[i] = luaStr(p)
	}
	if cl.callForm {
		w.l("DefineClass(%s)", strings.Join(append([]string{luaStr(cl.name)}, quoted...), ", "))
		for _, f := range cl.fields {
			w.l("%s.%s = %d", cl.name, f, r.between(0, 500))
		}
	} else {
		w.open("DefineClass.%s = {", cl.name)
		w.l("__parents = { %s },", strings.Join(quoted, ", "))
		if len(cl.fields) > 0 {
			w.open("properties = {")
			for _, f := range cl.fields {
				name := luaStr(strings.ReplaceAll(f, "_", " "))
				if r.chance(30) {
					name = fmt.Sprintf("T(%d, %s)", tid(r), name)
				}
				w.l("{ id = %s, name = %s, editor = \"number\", default = %d, category = %s },",
					luaStr(f), name, r.between(0, 100), luaStr(pick(r, folderWords)))
			}
			w.close("},")
		}
		for _, f := range cl.fields {
			w.l("%s = %d,", f, r.between(0, 500))
		}
		if r.chance(50) {
			w.l("entity = %s,", luaStr(pick(r, adjectives)+pick(r, nouns)))
		}
		if r.chance(30) {
			w.l("display_name = T(%d, %s),", tid(r), luaStr(cl.name))
		}
		w.close("}")
	}
	w.blank()
	if cl.init {
		w.open("function %s:Init()", cl.name)
		for _, f := range cl.fields {
			w.l("self.%s = self.%s or 0", f, f)
		}
		w.close("end")
		w.blank()
	}
	for _, m := range cl.methods {
		w.open("function %s:%s(a, b)", cl.name, m)
		c.body(r.between(1, 2), true)
		f := "value"
		if len(cl.fields) > 0 {
			f = cl.fields[r.intn(len(cl.fields))]
		}
		w.l("return (self.%s or 0) + (a or 0)", f)
		w.close("end")
		w.blank()
	}
	for _, m := range cl.cold {
		c.coldMethod(cl, m)
	}
}

// handler writes `function OnMsg.Name(...) end` for a message.
func (c *fileCtx) handler(msg string) {
	r, w := c.r, c.w
	w.open("function OnMsg.%s(...)", msg)
	switch {
	case msg == "DataLoaded" && len(c.tables) > 0:
		pc := pick(r, presetClasses)
		w.l("local count = 0")
		w.open("for id, preset in pairs(Presets.%s or {}) do", pc)
		w.open("if type(preset) == \"table\" and preset.group ~= nil then")
		w.l("count = count + 1")
		w.close("end")
		w.close("end")
		w.l("%s.%s_count = count", c.tables[0], strings.ToLower(pc))
	case msg == "ClassesBuilt" && len(c.spec.classes) > 0 && len(c.spec.classes[0].methods) > 0:
		cl := c.spec.classes[0]
		fields := []string{}
		for _, f := range cl.fields {
			fields = append(fields, fmt.Sprintf("%s = %d", f, r.between(1, 50)))
		}
		w.l("local obj = %s:new({ %s })", cl.name, strings.Join(fields, ", "))
		if len(cl.parents) > 0 {
			w.l("local kind = IsKindOf(obj, %s)", luaStr(cl.parents[0]))
		}
		w.l("local value = obj:%s(%d, %d)", cl.methods[0], r.between(1, 9), r.between(1, 9))
		w.l("obj:delete()")
	case msg == "Start" && r.chance(40):
		w.open("CreateRealTimeThread(function()")
		w.l("Sleep(%d)", r.between(10, 5000))
		c.body(1, true)
		w.close("end)")
	default:
		c.body(r.between(1, 3), msg != "Autorun" || r.chance(50))
		if len(c.funcs) > 0 && r.chance(40) {
			w.l("%s(%d, %d)", pick(r, c.funcs), r.between(1, 9), r.between(1, 9))
		}
	}
	w.close("end")
	w.blank()
	c.spec.handlers++
}

// thread writes a top-level thread that sleeps or waits for a message.
func (c *fileCtx) thread() {
	r, w := c.r, c.w
	if r.chance(50) {
		w.open("CreateRealTimeThread(function()")
		w.l("Sleep(%d)", r.between(10, 2000))
	} else {
		w.open("CreateRealTimeThread(function()")
		w.l("WaitMsg(%s)", luaStr(pick(r, []string{"DataLoaded", "Start", "NewMap"})))
	}
	c.body(r.between(1, 2), true)
	w.close("end)")
	w.blank()
}

// firstLoad writes the `if FirstLoad then g_X = {} end` idiom.
func (c *fileCtx) firstLoad() {
	r, w := c.r, c.w
	name := c.plan.names.unique("g_" + pick(r, nouns) + pick(r, suffixes))
	if r.chance(60) {
		w.open("if FirstLoad then")
		w.l("%s = {}", name)
		w.close("end")
	} else {
		w.l("%s = %s or {}", name, name)
	}
	w.blank()
	c.tables = append(c.tables, name)
}

// failure plants a real runtime error as the file's last statement and
// returns its line and the message Lua 5.1 gives.
func (c *fileCtx) failure() (int, string) {
	r, w := c.r, c.w
	w.l("-- settings read at load time")
	switch r.intn(3) {
	case 0:
		n := pick(r, nouns)
		w.l("local %sSettings = { defaults = { threshold = %d } }", n, r.between(1, 9))
		w.l("local section = %sSettings.default", n)
		line := w.next()
		w.l("local threshold = section.threshold")
		return line, "attempt to index local 'section' (a nil value)"
	case 1:
		w.l("local Handlers = { Process = function(x) return x end }")
		line := w.next()
		w.l("local processed = Handlers.Proces(%d)", r.between(1, 9))
		return line, "attempt to call field 'Proces' (a nil value)"
	default:
		w.l("local cfg = { amount = %d }", r.between(1, 9))
		w.l("local amount = cfg.ammount")
		line := w.next()
		w.l("local total = amount + 1")
		return line, "attempt to perform arithmetic on local 'amount' (a nil value)"
	}
}

// Cold code (issue 22): what most of a real game's code is, functions and
// methods that a load defines and compiles but never calls. Their bodies
// may use anything (methods on self, globals that exist only in the game),
// since they never run; they are short, call-heavy and build few tables,
// as real method bodies are.

// coldParams are parameter lists of cold functions.
var coldParams = []string{"", "obj", "obj, value", "self_obj, ...", "pos, radius", "unit, target, amount", "list", "id"}

// coldArg is an expression a cold body can pass along.
func (c *fileCtx) coldArg(self, params string) string {
	r := c.r
	names := strings.Split(strings.ReplaceAll(params, " ", ""), ",")
	switch k := r.intn(6); {
	case k < 2 && params != "" && names[0] != "...":
		return names[r.intn(len(names))]
	case k == 2:
		return fmt.Sprint(r.between(0, 1000))
	case k == 3:
		return luaStr(field(r))
	case k == 4:
		return self + "." + field(r)
	default:
		return "const." + pick(r, c.plan.consts)
	}
}

// coldStmt writes one statement of a body that never runs.
func (c *fileCtx) coldStmt(params string, method, last bool) {
	r, w := c.r, c.w
	self := "self"
	if !method {
		self = "obj"
		if !strings.HasPrefix(params, "obj") {
			w.l("local obj = %s(%s)", pick(r, engineFuncs), c.coldArg(self, params))
		}
	}
	switch k := r.intn(40); {
	case k < 3 || k >= 20 && k < 27:
		w.l("%s:%s(%s)", self, method1(r), c.coldArg(self, params))
	case k >= 27 && k < 33:
		w.l("local %s = %s.%s", strings.ToLower(pick(r, nouns)), self, field(r))
	case k < 5:
		w.open("if not IsValid(%s) or %s.%s then", self, self, field(r))
		w.l("return")
		w.close("end")
	case k < 7:
		w.l("local %s = %s.%s or %d", strings.ToLower(pick(r, nouns)), self, field(r), r.between(0, 100))
	case k == 7:
		w.l("%s.%s = Clamp((%s.%s or 0) + %s, 0, %d)", self, field(r), self, field(r), c.coldArg(self, params), r.between(100, 100000))
	case k == 8:
		w.open("for _, item in ipairs(%s.%s or empty_table) do", self, field(r))
		w.l("item:%s(%s)", method1(r), c.coldArg(self, params))
		w.close("end")
	case k == 9:
		w.l("Msg(%s, %s)", luaStr(pick(r, messages)), self)
	case k == 10:
		w.open("if %s.%s == %s then", self, field(r), luaStr(pick(r, states)))
		w.l("%s:%s()", self, method1(r))
		w.mid("elseif %s.%s then", self, field(r))
		w.l("%s:%s(%s)", self, method1(r), luaStr(pick(r, states)))
		w.close("end")
	case k == 11:
		w.l("%s%s(%s, %s)", ret(last), pick(r, engineFuncs), self, c.coldArg(self, params))
	case k == 12:
		w.l("local list = { %s, %s }", c.coldArg(self, params), c.coldArg(self, params))
		if r.chance(20) {
			w.l("table.sort(list, function(a, b) return a.%s < b.%s end)", field(r), field(r))
		}
	case k == 13 && r.chance(40):
		w.open("%s(function()", pick(r, []string{"CreateGameTimeThread", "CreateRealTimeThread", "DelayedCall"}))
		w.l("Sleep(%d)", r.between(10, 5000))
		w.l("%s:%s()", self, method1(r))
		w.close("end)")
	case k == 14:
		w.l("ObjModified(%s)", self)
	case k == 15 && r.chance(30):
		w.l("local text = T(%d, %s)", tid(r), luaStr(sentence(r)))
	case k == 16:
		w.l("%s.%s = %s.%s + %s.%s * %d", self, field(r), self, field(r), self, field(r), r.between(2, 100))
	case k == 18 || k == 19:
		c.engineCall()
	case k == 17:
		w.l("local dist = %s:GetDist2D(%s)", self, c.coldArg(self, params))
		w.open("if dist < %d then", r.between(10, 100)*guim)
		w.l("return false")
		w.close("end")
	default:
		w.l("%s%s:%s(%s, %s)", ret(last), self, method1(r), c.coldArg(self, params), c.coldArg(self, params))
	}
}

const guim = 100 // the games' meter, in their units

var (
	engineFuncs = []string{"GetCurrentPlayer", "GetPassablePointNearby", "MapGetFirst", "GetTopmostParent", "ResolveHandle",
		"GetRandomPassableAround", "FindNearestObject", "GetDomeAtPoint", "GetObjectHexGrid", "GetTerrainCursor",
		"UICity", "SelectObj", "GetInGameInterface", "OpenDialog", "CloseDialog", "GetGameTime", "RecalcBuildableGrid"}
	states = []string{"idle", "working", "broken", "upgrading", "moving", "waiting", "done", "charging"}
)

// method1 is a method name a cold body calls (anything: it never runs).
func method1(r *rng) string { return pick(r, verbs) + pick(r, suffixes) }

// ret starts a statement that may end a block with return.
func ret(last bool) string {
	if last {
		return "return "
	}
	return ""
}

// coldBody writes the statements of a cold function.
func (c *fileCtx) coldBody(params string, method bool) {
	n := c.r.quant(quant{1, 3, 7, 14, 30})
	for i := range n {
		c.coldStmt(params, method, i == n-1)
	}
}

// coldMethod writes a method of class cl that a load never calls.
func (c *fileCtx) coldMethod(cl *classSpec, name string) {
	r, w := c.r, c.w
	params := pick(r, coldParams)
	if r.chance(30) {
		w.l("-- %s", sentence(r))
	}
	w.open("function %s:%s(%s)", cl.name, name, params)
	c.coldBody(params, true)
	w.close("end")
	w.blank()
}

// coldFunction writes a global or local function that a load never calls.
func (c *fileCtx) coldFunction() {
	r, w := c.r, c.w
	params := pick(r, coldParams)
	if r.chance(25) {
		c.coldLocals++
		name := strings.ToLower(pick(r, verbs)) + pick(r, nouns) + fmt.Sprint(c.coldLocals)
		w.open("local function %s(%s)", name, params)
	} else {
		w.open("function %s(%s)", c.plan.names.function(r), params)
	}
	c.coldBody(params, false)
	w.close("end")
	w.blank()
}
