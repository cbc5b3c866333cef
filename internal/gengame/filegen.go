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
	if f.tiny {
		c.tinyCode()
		return
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
	// The file's functions: budget in all (the preset's distribution), of
	// which the few a load runs (helpers, functions, handlers, the methods
	// the ClassesBuilt handlers call) and the rest cold.
	budget := r.quant(c.plan.p.CodeFuncs)
	if f.kind == kModCode {
		budget = r.quant(c.plan.p.ModFuncs)
	}
	lo, hi := c.plan.p.Funcs[0], c.plan.p.Funcs[1]
	switch f.kind {
	case kClasses, kUI:
		lo, hi = 0, 1
	case kModCode:
		lo, hi = 0, 2
	}
	nHelpers, nFuncs, nHandlers := btoi(r.chance(40)), r.between(lo, hi), c.handlerCount()
	runnable := nHelpers + nFuncs + nHandlers
	for _, cl := range f.classes {
		runnable += len(cl.methods) + btoi(cl.init)
	}
	budget = max(0, budget-runnable)
	coldFuncs := budget
	if len(f.classes) > 0 {
		// Most of a class file's functions are its classes' methods.
		methods := budget * c.plan.p.MethodShare / 100
		coldFuncs -= methods
		for i := range methods {
			cl := f.classes[i%len(f.classes)]
			name := method(r)
			for n := 2; contains(cl.methods, name) || contains(cl.cold, name); n++ {
				name = fmt.Sprintf("%s%d", method(r), n)
			}
			cl.cold = append(cl.cold, name)
		}
	}
	for _, cl := range f.classes {
		if cl.hub {
			for range r.between(8, 30) {
				name := method(r)
				for n := 2; contains(cl.methods, name) || contains(cl.cold, name); n++ {
					name = fmt.Sprintf("%s%d", method(r), n)
				}
				cl.cold = append(cl.cold, name)
			}
		}
	}
	for range nHelpers {
		c.helper()
	}
	if r.chance(6) || (f.kind == kCommon && r.chance(15)) {
		c.constTable()
	}
	for _, cl := range f.classes {
		c.class(cl)
	}
	for range coldFuncs {
		c.coldFunction()
	}
	if f.kind == kModCode && r.chance(25) {
		c.patch()
	}
	for range nFuncs {
		c.function()
	}
	for range nHandlers {
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

// tinyCode writes the rest of a tiny code file: a function or two, or a
// small table of settings, and the planted failure if it has one.
func (c *fileCtx) tinyCode() {
	r, w, f := c.r, c.w, c.spec
	if r.chance(30) {
		name := c.plan.names.unique(pick(r, adjectives) + pick(r, nouns) + pick(r, suffixes))
		w.open("%s = {", name)
		for range r.between(2, 8) {
			w.l("%s = %d,", field(r), r.between(0, 1000))
		}
		w.close("}")
		w.blank()
	}
	for range r.between(0, 2) {
		c.coldFunction()
	}
	if f.fail {
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

// data writes a data file as the games' editors save them: either one
// preset with nested objects (a story bit, its replies and outcomes), or a
// list of presets of one class, most in the flat 'key', value form.
func (c *fileCtx) data() {
	r, w, f := c.r, c.w, c.spec
	w.l("-- ========== THIS IS AN AUTOMATICALLY GENERATED FILE! ==========")
	w.blank()
	if strings.HasPrefix(f.path, "Data/") && r.chance(c.plan.p.Stories) {
		c.storyPreset()
		f.presets = 1
		return
	}
	n := r.quant(c.plan.p.DataPresets)
	for range n {
		if r.chance(25) {
			c.preset(f.preset)
		} else {
			c.flatPreset(f.preset)
		}
	}
	f.presets = n
}

// tcomment is a T call with the editor's comment, as data files have them.
func (c *fileCtx) tcomment(class, id, prop, text string) string {
	r := c.r
	if !r.chance(c.plan.p.UniqueText) {
		text = pick(r, textSnippets)
	}
	return fmt.Sprintf("T(%d, --[[%s %s %s]] %s)", tid(r), class, id, prop, luaStr(text))
}

// flatPreset writes PlaceObj('Class', { 'key', value, ... }).
func (c *fileCtx) flatPreset(class string) {
	r, w := c.r, c.w
	id := c.plan.names.unique(pick(r, adjectives) + pick(r, nouns))
	w.open("PlaceObj('%s', {", class)
	w.l("'group', %s,", luaStr(pick(r, groups)))
	w.l("'id', %s,", luaStr(id))
	for _, res := range resources {
		if r.chance(12) {
			w.l("'construction_cost_%s', %d,", res, r.between(1, 40)*1000)
		}
	}
	w.l("'build_points', %d,", r.between(1, 200)*100)
	if r.chance(50) {
		w.l("'display_name', %s,", c.tcomment(class, id, "display_name", sentence(r)))
	} else {
		w.l("'display_name', %s,", luaStr(id))
	}
	if r.chance(45) {
		w.l("'description', %s,", c.tcomment(class, id, "description", sentence(r)+" "+sentence(r)))
	}
	if r.chance(30) {
		w.l("'tags', { %s, %s },", luaStr(pick(r, groups)), luaStr(pick(r, resources)))
	}
	if r.chance(20) {
		w.l("'pos', point(%d, %d),", r.between(0, 5000), r.between(0, 5000))
	}
	for range r.between(0, 4) {
		switch r.intn(6) {
		case 0:
			w.l("'%s', %s,", field(r), luaStr("UI/Icons/"+pick(r, folderWords)+"/"+strings.ToLower(pick(r, nouns))+fmt.Sprint(r.between(1, 99))+".tga"))
		case 1:
			w.l("'%s', %v,", field(r), r.chance(50))
		case 2:
			w.l("'%s', %s,", field(r), luaStr(pick(r, adjectives)+pick(r, nouns)))
		case 3:
			w.l("'%s', %d,", field(r), r.between(0, 100000))
		case 4:
			w.l("'%s', %s,", field(r), luaStr(pick(r, groups)))
		default:
			w.l("'%s', %d,", field(r), r.between(1, 30))
		}
	}
	if r.chance(c.plan.p.DataFuncs) {
		params := pick(r, []string{"self, obj", "self, context", "self"})
		w.open("'%s', function (%s)", pick(r, []string{"Execute", "Evaluate", "GetText", "OnApply", "Condition"}), params)
		c.coldBody(params, true)
		w.close("end,")
	}
	if r.chance(25) {
		w.open("'effects', {")
		for range r.between(1, 3) {
			w.open("PlaceObj('%s', {", pick(r, effectKind))
			w.l("'Amount', %d,", r.between(1, 50))
			w.l("'Label', %s,", luaStr(pick(r, nouns)))
			w.close("}),")
		}
		w.close("},")
	}
	w.close("})")
	w.blank()
}

var (
	storyConds   = []string{"IsBuildingClass", "CheckObjectCount", "AreDomesOpen", "PickFromLabel", "IsSolInRange", "CheckResource", "HasTrait"}
	storyEffects = []string{"ModifyObject", "RewardFunding", "KillColonist", "AddTrait", "SpawnDrones", "PauseExpedition", "RewardTech", "ResetBuildingExtraCost"}
)

// storyPreset writes one StoryBit-like preset: named keys, nested lists of
// condition and effect objects, replies and outcomes as its array part.
func (c *fileCtx) storyPreset() {
	r, w := c.r, c.w
	class := "StoryBit"
	id := c.plan.names.unique(pick(r, adjectives) + pick(r, nouns) + pick(r, suffixes))
	objList := func(key string, kinds []string, n int) {
		if n == 0 {
			w.l("%s = {},", key)
			return
		}
		w.open("%s = {", key)
		for range n {
			w.open("PlaceObj('%s', {", pick(r, kinds))
			for range r.between(1, 3) {
				if r.chance(50) {
					w.l("'%s', %s,", pick(r, []string{"Label", "Prop", "Trait", "Resource"}), luaStr(pick(r, nouns)))
				} else {
					w.l("'%s', %d,", pick(r, []string{"Amount", "Percent", "Count", "Sols"}), r.between(-50, 300))
				}
			}
			w.close("}),")
		}
		w.close("},")
	}
	w.open("PlaceObj('%s', {", class)
	objList("ActivationEffects", storyEffects, r.between(0, 1))
	w.l("Category = %s,", luaStr(pick(r, messages)))
	objList("Effects", storyEffects, r.between(0, 2))
	w.l("Enabled = true,")
	if r.chance(40) {
		w.open("Enables = {")
		for range r.between(1, 3) {
			w.l("%s,", luaStr(pick(r, adjectives)+pick(r, nouns)+pick(r, suffixes)))
		}
		w.close("},")
	}
	w.l("Image = %s,", luaStr("UI/Messages/Events/"+strings.ToLower(pick(r, nouns))+fmt.Sprint(r.between(1, 40))+".tga"))
	objList("Prerequisites", storyConds, r.between(0, 3))
	w.l("Text = %s,", c.tcomment(class, id, "Text", sentence(r)+" "+sentence(r)+" "+sentence(r)))
	w.l("Title = %s,", c.tcomment(class, id, "Title", sentence(r)))
	w.l("Trigger = %s,", luaStr(pick(r, messages)))
	w.l("group = %s,", luaStr(pick(r, groups)))
	w.l("id = %s,", luaStr(id))
	for range r.between(1, 4) {
		w.open("PlaceObj('StoryBitReply', {")
		w.l("'Text', %s,", c.tcomment(class, id, "Text", sentence(r)))
		if r.chance(50) {
			w.l("'OutcomeText', \"custom\",")
			w.l("'CustomOutcomeText', %s,", c.tcomment(class, id, "CustomOutcomeText", sentence(r)))
		}
		w.close("}),")
		w.open("PlaceObj('StoryBitOutcome', {")
		w.l("'Prerequisites', {},")
		w.open("'Effects', {")
		for range r.between(1, 3) {
			w.open("PlaceObj('%s', {", pick(r, storyEffects))
			w.l("'Amount', %d,", r.between(1, 500))
			w.close("}),")
		}
		w.close("},")
		w.close("}),")
	}
	w.close("})")
	w.blank()
}

var (
	xClasses   = []string{"XText", "XImage", "XTextButton", "XContextWindow", "XFrame", "XList", "XScrollArea", "XLabel", "XToggleButton"}
	xProps     = []string{"HAlign", "VAlign", "LayoutMethod", "TextStyle", "Dock", "Image", "Background", "FoldWhenHidden", "MinWidth", "MaxWidth", "IdNode", "RolloverTemplate"}
	xFuncProps = []string{"OnPress", "OnContextUpdate", "OnMouseButtonDown", "OnSetRollover", "run_after", "condition", "array", "OnLayoutComplete"}
)

// xtemplate writes a UI template: one PlaceObj('XTemplate') tree of
// windows with properties, some of them functions (which a load compiles
// but never calls), and engine calls such as box() that stubs stand in for.
func (c *fileCtx) xtemplate() {
	r, w := c.r, c.w
	id := c.plan.names.unique(pick(r, nouns) + pick(r, suffixes))
	w.l("-- ========== THIS IS AN AUTOMATICALLY GENERATED FILE! ==========")
	w.blank()
	w.open("PlaceObj('XTemplate', {")
	w.l("__is_kind_of = %s,", luaStr(pick(r, xClasses)))
	w.l("group = %s,", luaStr(pick(r, folderWords)))
	w.l("id = %s,", luaStr(id))
	budget := r.quant(c.plan.p.XNodes)
	for budget > 0 {
		budget = c.xnode(id, 1, budget)
	}
	w.close("})")
	w.blank()
}

// xnode writes one window and, budget allowing, its children; it returns
// the budget left.
func (c *fileCtx) xnode(id string, depth, budget int) int {
	r, w := c.r, c.w
	budget--
	w.open("PlaceObj('%s', {", pick(r, []string{"XTemplateWindow", "XTemplateWindow", "XTemplateTemplate", "XTemplateForEach", "XTemplateAction"}))
	w.l("'__class', %s,", luaStr(pick(r, xClasses)))
	if r.chance(50) {
		w.l("'Id', %s,", luaStr("id"+pick(r, nouns)))
	}
	if r.chance(35) {
		w.l("'Margins', box(%d, %d, %d, 0),", r.between(0, 40), r.between(0, 20), r.between(0, 40))
	}
	for range r.between(1, 6) {
		switch r.intn(3) {
		case 0:
			w.l("'%s', %s,", pick(r, xProps), luaStr(pick(r, []string{"left", "center", "right", "top", "bottom", "box", "VList", "HList"})))
		case 1:
			w.l("'%s', %d,", pick(r, xProps), r.between(0, 600))
		default:
			w.l("'%s', %v,", pick(r, xProps), r.chance(50))
		}
	}
	if r.chance(25) {
		w.l("'Text', %s,", c.tcomment("XTemplate", id, "Text", sentence(r)))
	}
	if r.chance(35) {
		params := pick(r, []string{"self, context", "self, gamepad", "parent, context", "child, context, item, i, n"})
		w.open("'%s', function (%s)", pick(r, xFuncProps), params)
		c.coldBody(params, true)
		w.close("end,")
	}
	if budget > 0 && depth < 8 && r.chance(60) {
		w.mid("}, {")
		take := r.between(1, budget)
		budget -= take
		for take > 0 {
			take = c.xnode(id, depth+1, take)
		}
	}
	w.close("}),")
	return budget
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
