package gengame

import (
	"fmt"
	"sort"
	"strings"
)

var kindNote = map[kind]string{
	kCommon:   "common code",
	kClasses:  "common classes",
	kUI:       "UI",
	kPlatform: "platform specific code",
	kGame:     "game logic",
	kDLC:      "DLC code",
	kModCode:  "mod code",
}

// code writes a code file: classes, functions, handlers, threads.
func (c *fileCtx) code() {
	r, w, f := c.r, c.w, c.spec
	w.l("-- %s", f.path)
	w.l("-- %s: %s", kindNote[f.kind], text(r))
	w.blank()
	if f.kind == kModCode {
		c.modPreamble()
	}
	if r.chance(40) {
		w.l("local max_%s = %d", strings.ToLower(pick(r, nouns)), r.between(1, 500))
		w.l("local default_%s = %s", strings.ToLower(pick(r, nouns)), luaStr(pick(r, adjectives)))
		w.blank()
	}
	for _, name := range f.consts {
		w.l("const.%s = %d", name, r.between(1, 100000))
	}
	if len(f.consts) > 0 {
		w.blank()
	}
	for range r.between(0, 1) + btoi(r.chance(25)) {
		c.firstLoad()
	}
	for range r.between(0, 2) {
		c.helper()
	}
	if r.chance(20) || (f.kind == kCommon && r.chance(40)) {
		c.constTable()
	}
	for _, cl := range f.classes {
		c.class(cl)
	}
	if f.kind == kModCode && r.chance(25) {
		c.patch()
	}
	lo, hi := c.plan.p.Funcs[0], c.plan.p.Funcs[1]
	switch f.kind {
	case kClasses, kUI:
		lo, hi = 0, 2
	case kModCode:
		lo, hi = 1, 4
	}
	for range r.between(lo, hi) {
		c.function()
	}
	for range c.handlerCount() {
		msg := pick(r, messages)
		if r.chance(45) {
			msg = pick(r, sentMessages)
		}
		c.handler(msg)
	}
	if r.chance(10) {
		c.thread()
	}
	if len(c.funcs) > 0 && r.chance(35) {
		w.l("local initial_%s = %s(%d, %d)", strings.ToLower(pick(r, nouns)), pick(r, c.funcs), r.between(1, 9), r.between(1, 9))
	}
	if len(c.locals) > 0 && r.chance(30) {
		w.l("local picked = %s({ { id = \"a\" }, { id = \"b\" } })", pick(r, c.locals))
	}
	if f.kind == kPlatform || r.chance(15) {
		c.stmt(true)
	}
	if f.fail {
		w.blank()
		f.failLine, f.failMsg = c.failure()
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// handlerCount: about one handler every other file, more in some.
func (c *fileCtx) handlerCount() int {
	r := c.r
	switch {
	case r.chance(45):
		return 0
	case r.chance(70):
		return 1
	default:
		return r.between(2, 4)
	}
}

// modPreamble writes what mod code starts with: the library mod's table,
// or a registration with it.
func (c *fileCtx) modPreamble() {
	r, w, md := c.r, c.w, c.spec.mod
	switch {
	case md.lib && strings.HasSuffix(c.spec.path, "/Code/Core.lua"):
		w.open("if FirstLoad then")
		w.l("LibMod = { registry = {}, options = {}, version = %d }", r.between(1, 30))
		w.close("end")
		w.blank()
		w.open("function LibMod.Register(id, def)")
		w.l("LibMod.registry[id] = def")
		w.l("return def")
		w.close("end")
		w.blank()
		w.open("function LibMod.GetOption(id, name, default)")
		w.l("local opts = LibMod.options[id]")
		w.open("if opts and opts[name] ~= nil then")
		w.l("return opts[name]")
		w.close("end")
		w.l("return default")
		w.close("end")
		w.blank()
		w.open("function LibMod.Log(...)")
		w.l("local parts = {}")
		w.open("for i = 1, select(\"#\", ...) do")
		w.l("parts[#parts + 1] = tostring((select(i, ...)))")
		w.close("end")
		w.l("return table.concat(parts, \" \")")
		w.close("end")
		w.blank()
	case contains(md.deps, "LibMod"):
		if strings.HasSuffix(c.spec.path, "/Code/Script.lua") {
			w.open("LibMod.Register(CurrentModId, {")
			w.l("title = %s,", luaStr(md.title))
			w.l("version = %d,", r.between(1, 40))
			w.l("path = CurrentModPath,")
			w.close("})")
		} else {
			w.l("local enabled = LibMod.GetOption(CurrentModId, %s, true)", luaStr("Enable"+pick(r, nouns)))
			w.l("local note = LibMod.Log(CurrentModId, %s)", luaStr(text(r)))
		}
		w.blank()
	default:
		w.l("local mod_id = CurrentModId")
		w.blank()
	}
}

// patch wraps a game class's method, as mods do.
func (c *fileCtx) patch() {
	r, w := c.r, c.w
	var cands []*classSpec
	for _, cl := range c.plan.classes {
		if cl.mod == nil && !cl.root && len(cl.methods) > 0 {
			cands = append(cands, cl)
		}
	}
	if len(cands) == 0 {
		return
	}
	cl := pick(r, cands)
	m := pick(r, cl.methods)
	orig := fmt.Sprintf("orig_%s_%s", cl.name, m)
	w.l("local %s = %s.%s", orig, cl.name, m)
	w.open("function %s:%s(a, b)", cl.name, m)
	w.l("local value = %s(self, a, b)", orig)
	w.l("return value + %d", r.between(1, 10))
	w.close("end")
	w.blank()
}

var (
	groups     = []string{"Infrastructure", "Production", "Habitats", "Decorations", "Power", "Life-Support", "Storages", "Wonders", "Defense", "Terraforming"}
	resources  = []string{"Concrete", "Metals", "Polymers", "Electronics", "MachineParts", "Food", "Fuel", "RareMetals", "Seeds", "Water"}
	effectKind = []string{"Effect_ModifyLabel", "Effect_GrantTech", "Effect_UnlockBuilding", "Effect_AddTrait", "Effect_Notification", "Effect_SpawnUnits"}
)

// data writes a data file: hundreds of PlaceObj presets of one class.
func (c *fileCtx) data() {
	r, w, f := c.r, c.w, c.spec
	w.l("-- ========== THIS IS AN AUTOMATICALLY GENERATED FILE! ==========")
	w.blank()
	lo, hi := 10, 60
	if strings.HasPrefix(f.path, "Data/") {
		lo, hi = c.plan.p.PerData[0], c.plan.p.PerData[1]
	}
	n := r.between(lo, hi)
	for range n {
		c.preset(f.preset)
	}
	f.presets = n
}

func (c *fileCtx) preset(class string) {
	r, w := c.r, c.w
	id := c.plan.names.unique(pick(r, adjectives) + pick(r, nouns))
	props := map[string]string{
		"id":           luaStr(id),
		"group":        luaStr(pick(r, groups)),
		"display_name": fmt.Sprintf("T(%d, --[[%s %s display_name]] %s)", tid(r), class, id, luaStr(id)),
		"description":  fmt.Sprintf("T(%d, --[[%s %s description]] %s)", tid(r), class, id, luaStr(text(r))),
		"build_points": fmt.Sprint(r.between(1, 200) * 100),
		"sort_key":     fmt.Sprint(r.between(1, 1000)),
	}
	optional := []func(){
		func() { props["icon"] = luaStr("UI/Icons/Buildings/" + strings.ToLower(id) + ".tga") },
		func() { props["category"] = luaStr(pick(r, folderWords)) },
		func() { props["enabled"] = fmt.Sprint(r.chance(80)) },
		func() { props["max_workers"] = fmt.Sprint(r.between(0, 12)) },
		func() { props["entity"] = luaStr(pick(r, adjectives) + pick(r, nouns)) },
		func() { props["encyclopedia_text"] = luaStr(text(r) + ". " + text(r) + ".") },
		func() {
			props["tags"] = fmt.Sprintf("{ %s, %s }", luaStr(pick(r, groups)), luaStr(pick(r, resources)))
		},
	}
	for _, res := range resources {
		if r.chance(25) {
			props["construction_cost_"+res] = fmt.Sprint(r.between(1, 40) * 1000)
		}
	}
	for _, opt := range optional {
		if r.chance(60) {
			opt()
		}
	}
	keys := make([]string, 0, len(props)+2)
	for k := range props {
		keys = append(keys, k)
	}
	if r.chance(50) {
		keys = append(keys, "effects")
	}
	if r.chance(30) {
		keys = append(keys, "requirements")
	}
	sort.Strings(keys)
	w.open("PlaceObj('%s', {", class)
	for _, k := range keys {
		switch k {
		case "effects":
			w.open("effects = {")
			for range r.between(1, 3) {
				w.open("PlaceObj('%s', {", pick(r, effectKind))
				w.l("'Amount', %d,", r.between(1, 50))
				w.l("'Label', %s,", luaStr(pick(r, nouns)))
				w.l("'Prop', %s,", luaStr(field(r)))
				w.close("}),")
			}
			w.close("},")
		case "requirements":
			w.open("requirements = {")
			for range r.between(1, 3) {
				w.l("{ tech = %s, amount = %d },", luaStr(pick(r, adjectives)+pick(r, nouns)), r.between(1, 5))
			}
			w.close("},")
		default:
			w.l("%s = %s,", k, props[k])
		}
	}
	w.close("})")
	w.blank()
}

// metadata writes Mods/<folder>/metadata.lua in the real format: a flat
// list of alternating keys and values.
func (c *fileCtx) metadata() {
	r, w, md := c.r, c.w, c.spec.mod
	w.open("return PlaceObj('ModDef', {")
	w.l("'title', %s,", luaStr(md.title))
	w.l("'description', %s,", luaStr(text(r)+". "+text(r)+"."))
	w.l("'last_changes', %s,", luaStr(fmt.Sprintf("v%d: %s", r.between(1, 20), text(r))))
	if len(md.deps) > 0 {
		w.open("'dependencies', {")
		for _, d := range md.deps {
			w.open("PlaceObj('ModDependency', {")
			w.l("'id', %s,", luaStr(d))
			w.l("'title', %s,", luaStr(c.plan.modTitle(d)))
			w.close("}),")
		}
		w.close("},")
	}
	w.l("'id', %s,", luaStr(md.id))
	w.l("'author', %s,", luaStr(pick(r, authors)))
	w.l("'version_major', %d,", r.between(0, 3))
	w.l("'version_minor', %d,", r.between(0, 9))
	w.l("'version', %d,", r.between(1, 300))
	w.l("'lua_revision', %d,", 1001000+r.intn(9000))
	w.l("'saved_with_revision', %d,", 1008000+r.intn(2000))
	w.open("'code', {")
	for _, f := range md.code {
		w.l("%s,", luaStr(f))
	}
	w.close("},")
	w.open("'loctables', {")
	w.l("{ filename = \"Localization/English.csv\", language = \"English\", },")
	w.close("},")
	if md.options {
		w.l("'has_options', true,")
	}
	w.l("'saved', %d,", 1600000000+r.intn(90000000))
	w.l("'TagGameplay', true,")
	w.close("})")
}

func (pl *plan) modTitle(id string) string {
	for _, m := range pl.mods {
		if m.id == id {
			return m.title
		}
	}
	return id
}

// options writes Mods/<folder>/items.lua: the mod's items, option items here.
func (c *fileCtx) options() {
	r, w := c.r, c.w
	w.l("-- mod options")
	w.open("return {")
	for range r.between(1, 5) {
		name := pick(r, verbs) + pick(r, nouns)
		if r.chance(50) {
			w.open("PlaceObj('ModItemOptionToggle', {")
			w.l("'name', %s,", luaStr(name))
			w.l("'DisplayName', %s,", luaStr(name))
			w.l("'DefaultValue', %v,", r.chance(50))
		} else {
			w.open("PlaceObj('ModItemOptionNumber', {")
			w.l("'name', %s,", luaStr(name))
			w.l("'DisplayName', %s,", luaStr(name))
			w.l("'DefaultValue', %d,", r.between(1, 100))
			w.l("'MinValue', 0,")
			w.l("'MaxValue', %d,", r.between(100, 1000))
		}
		w.close("}),")
	}
	w.close("}")
}

// loctable writes a mod's localization table (CSV, not Lua).
func (c *fileCtx) loctable() {
	r, w := c.r, c.w
	w.l("ID,Text,Translation")
	for range r.between(5, 40) {
		w.l("%d,\"%s\",\"%s\"", tid(r), text(r), text(r))
	}
}
