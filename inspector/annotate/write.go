package annotate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Set is everything Write needs: the API of each context (in the model's
// order) and the stand-ins of stub mode.
type Set struct {
	Folder   string    `json:"folder"`
	Model    string    `json:"model"`
	Contexts []API     `json:"contexts"`
	StandIns []StandIn `json:"stand_ins,omitempty"`
}

// StandIn is an engine function or value the folder used but never
// defined: stub mode put a recording stand-in in its place.
type StandIn struct {
	Name    string `json:"name"` // A, A.B, A.B.C (names with calls or odd keys are skipped)
	Kind    string `json:"kind,omitempty"`
	Calls   int    `json:"calls"`
	Arities []int  `json:"arities,omitempty"` // the argument counts it was called with
	First   string `json:"first,omitempty"`   // file:line where code first touched it
}

// The files Write writes into its folder.
const (
	FileGame    = "game.lua"    // the folder's own globals: functions, tables, constants
	FileClasses = "classes.lua" // classes, with parents, fields and methods
	FileEngine  = "engine.lua"  // what the engine set up for game code
	FileStubs   = "stubs.lua"   // engine functions seen only as stand-ins
	FileLuarc   = ".luarc.json" // the language server's settings
)

// Write writes the definition files of s into dir (created if missing) and
// returns their paths. Every .lua file starts with ---@meta.
func Write(s Set, dir string) ([]string, error) {
	files, err := Render(s)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	files[FileLuarc] = luarc(s, abs)
	var out []string
	for _, name := range []string{FileGame, FileClasses, FileEngine, FileStubs, FileLuarc} {
		p := filepath.Join(abs, name)
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			return out, fmt.Errorf("annotate: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// luarc is the .luarc.json that points the Lua language server at dir.
func luarc(s Set, dir string) string {
	cfg := map[string]any{
		"$schema":           "https://raw.githubusercontent.com/LuaLS/vscode-lua/master/setting/schema.json",
		"runtime.version":   Runtime(s),
		"workspace.library": []string{dir},
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil { // a map of strings always marshals
		panic(err)
	}
	return string(b) + "\n"
}

// gameRuntimes is the Lua the real games of each model run, for the
// language server to check a mod's code against: Haemimont's engine is
// Lua 5.3-based; temporary-escape links Lua 5.4; bevy_mod_scripting's Lua
// games mostly build its lua54 feature.
var gameRuntimes = map[string]string{"autorun": "Lua 5.3", "sectors": "Lua 5.4", "scripts": "Lua 5.4"}

// Runtime is the runtime.version written into .luarc.json: the real
// game's Lua for the model, else the _VERSION the contexts report, else
// Lua 5.1.
func Runtime(s Set) string {
	if v, ok := gameRuntimes[s.Model]; ok {
		return v
	}
	for _, c := range s.Contexts {
		switch c.LuaVersion {
		case "Lua 5.1", "Lua 5.2", "Lua 5.3", "Lua 5.4":
			return c.LuaVersion
		}
	}
	return "Lua 5.1"
}

// Render returns the contents of the .lua files of s by file name.
func Render(s Set) (map[string]string, error) {
	merged, order, total := merge(s.Contexts)
	isClass := map[string]bool{}
	for name, m := range merged {
		if m.v.Kind == KindClass {
			isClass[name] = true
		}
	}
	game, classes, eng, stubs := newFile(s, isClass, "the folder's own globals: functions, tables and constants"),
		newFile(s, isClass, "classes, with their parents, own fields and methods"),
		newFile(s, isClass, "what the engine set up for game code (modscope's stand-ins for the game's C side included)"),
		newFile(s, isClass, "engine functions and values seen only as stub mode stand-ins: the folder used them but nothing defined them")
	for _, name := range order {
		m := merged[name]
		w := game
		switch {
		case m.v.Kind == KindClass:
			w = classes
		case m.v.Origin == OriginEngine:
			w = eng
		}
		w.blank()
		if len(m.contexts) < total {
			w.line("-- only in context" + plural(len(m.contexts)) + " " + strings.Join(m.contexts, ", "))
		}
		w.global(m.v)
	}
	writeStandIns(stubs, s.StandIns, merged)
	return map[string]string{
		FileGame: game.String(), FileClasses: classes.String(), FileEngine: eng.String(), FileStubs: stubs.String(),
	}, nil
}

type mergedValue struct {
	v        Value
	contexts []string
}

// merge joins the contexts' globals by name: the first context's
// description of a name wins.
func merge(apis []API) (map[string]*mergedValue, []string, int) {
	merged := map[string]*mergedValue{}
	var order []string
	for _, a := range apis {
		for _, v := range a.Globals {
			if m, ok := merged[v.Name]; ok {
				m.contexts = append(m.contexts, a.Context)
				continue
			}
			merged[v.Name] = &mergedValue{v: v, contexts: []string{a.Context}}
			order = append(order, v.Name)
		}
	}
	sortNames(order)
	return merged, order, len(apis)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// file is one .lua file being written.
type file struct {
	b       strings.Builder
	classes map[string]bool // the global classes, for field types
}

func newFile(s Set, classes map[string]bool, what string) *file {
	f := &file{classes: classes}
	f.line("---@meta")
	f.line("-- Written by `modscope annotate`: " + what + ",")
	folder := s.Folder
	if folder == "" {
		folder = "the folder"
	}
	f.line(fmt.Sprintf("-- as modscope observed them after loading %s (model %s).", folder, s.Model))
	f.line("-- Definitions for the Lua language server: nothing here runs.")
	return f
}

func (f *file) line(s string)  { f.b.WriteString(s); f.b.WriteByte('\n') }
func (f *file) blank()         { f.b.WriteByte('\n') }
func (f *file) String() string { return f.b.String() }

// where writes where v was defined: its file:line, or that the engine
// provides it.
func (f *file) where(v Value) {
	switch {
	case v.Where != "":
		f.line("-- defined at " + v.Where)
	case v.Origin == OriginEngine || (v.Func != nil && v.Func.Go):
		f.line("-- provided by the engine")
	}
}
func (f *file) comment(s string) { f.line("-- " + s) }

// global writes one global.
func (f *file) global(v Value) {
	switch v.Kind {
	case KindClass:
		f.class(v)
	case KindFunction:
		f.function(v.Name, ".", v)
	case KindTable:
		f.where(v)
		f.table(v.Name, v)
	default:
		f.where(v)
		f.scalar(v.Name, v)
	}
}

// class writes a class: its annotation with parents and field types, the
// table, then its methods and the fields that are tables.
func (f *file) class(v Value) {
	f.where(v)
	head := "---@class " + v.Name
	if len(v.Parents) > 0 {
		var ps []string
		for _, p := range v.Parents {
			if IsIdent(p) {
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			head += " : " + strings.Join(ps, ", ")
		}
	}
	f.line(head)
	for _, fl := range v.Fields {
		if fl.Kind == KindFunction {
			continue
		}
		typ := f.luaType(fl)
		if fl.Kind == KindBoolean && fl.Literal == "false" {
			// Haemimont classes default a member that will hold an object
			// (a thread, a unit) to false: boolean would flag every assignment
			typ = "any"
		}
		f.line("---@field " + fl.Name + " " + typ + literalNote(fl))
	}
	if v.Truncated > 0 {
		f.comment(fmt.Sprintf("... and %d more fields", v.Truncated))
	}
	f.line(v.Name + " = {}")
	for _, fl := range v.Fields {
		if fl.Kind != KindFunction {
			continue
		}
		f.blank()
		sep := "."
		if fl.Func.Method() {
			sep = ":"
		}
		f.function(v.Name, sep, fl)
	}
}

// function writes a function: where, parameters, and an empty body.
// prefix is "" for a global, the table's path for a field.
func (f *file) function(prefix, sep string, v Value) {
	name := v.Name
	if sep == "." && prefix != v.Name {
		name = prefix + "." + v.Name
	} else if sep == ":" {
		name = prefix + ":" + v.Name
	}
	fn := v.Func
	if fn == nil {
		fn = &Func{Vararg: true}
	}
	if fn.Go {
		f.line("-- provided by the engine (a Go function: parameters unknown)")
	} else {
		f.where(Value{Where: v.Where})
	}
	params := fn.Params
	if sep == ":" && len(params) > 0 {
		params = params[1:]
	}
	list := append([]string(nil), params...)
	if fn.Vararg {
		f.line("---@param ... any")
		list = append(list, "...")
	}
	if fn.Go || fn.Returns {
		f.line("---@return any")
	}
	f.line("function " + name + "(" + strings.Join(list, ", ") + ") end")
}

// table writes a table and its fields as assignments below path.
func (f *file) table(path string, v Value) {
	if v.Literal != "" && v.Literal != path { // a reference to another global table
		f.line(path + " = " + v.Literal)
		return
	}
	if v.Items > 0 {
		f.comment(fmt.Sprintf("a list of %d item%s", v.Items, plural(v.Items)))
	}
	f.line(path + " = {}")
	for _, fl := range v.Fields {
		p := path + "." + fl.Name
		switch fl.Kind {
		case KindFunction:
			sep := "."
			if fl.Func.Method() {
				sep = ":"
			}
			f.function(path, sep, fl)
		case KindTable:
			f.table(p, fl)
		default:
			f.scalar(p, fl)
		}
	}
	if v.Truncated > 0 {
		f.comment(fmt.Sprintf("... and %d more fields", v.Truncated))
	}
}

// scalar writes a constant or a value of another kind.
func (f *file) scalar(path string, v Value) {
	if v.Literal != "" && (v.Kind == KindNumber || v.Kind == KindString || v.Kind == KindBoolean) {
		f.line(path + " = " + v.Literal)
		return
	}
	f.line("---@type " + f.luaType(v))
	f.line(path + " = nil")
}

// luaType is the language server's type for a value.
func (f *file) luaType(v Value) string {
	switch v.Kind {
	case KindBoolean, KindNumber, KindString, KindTable, KindThread:
		if v.Kind == KindTable && f.classes[v.Literal] {
			return v.Literal // a reference to a global class: that class
		}
		return v.Kind
	case KindFunction:
		return "function"
	case KindClass:
		return v.Name
	case KindUserdata:
		return "userdata"
	}
	return "any"
}

func literalNote(v Value) string {
	if v.Literal == "" || v.Kind == KindTable {
		return ""
	}
	return " # " + v.Literal
}

// writeStandIns writes the stand-ins as tables, functions and values.
func writeStandIns(f *file, list []StandIn, defined map[string]*mergedValue) {
	byName := map[string]StandIn{}
	var names []string
	for _, s := range list {
		if !standInName(s.Name) || strings.HasPrefix(s.First, "eval") {
			continue // not a name to declare, or first typed in the console (not the folder's use)
		}
		byName[s.Name] = s
		names = append(names, s.Name)
	}
	sort.Strings(names)
	// a name with fields below it is a table
	hasFields := map[string]bool{}
	for _, n := range names {
		for i := 0; i < len(n); i++ {
			if n[i] == '.' {
				hasFields[n[:i]] = true
			}
		}
	}
	declared := map[string]bool{}
	var declare func(path string)
	declare = func(path string) {
		if declared[path] {
			return
		}
		declared[path] = true
		if definedPath(defined, path) {
			return // the folder or the engine defines it
		}
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			declare(path[:i])
		}
		f.blank()
		if s, ok := byName[path]; ok {
			f.comment("a stand-in used as a table; first used at " + orUnknown(s.First))
		} else {
			f.comment("a table the stand-ins below belong to")
		}
		f.line(path + " = {}")
	}
	for _, n := range names {
		s := byName[n]
		if definedPath(defined, n) {
			continue // defined after all (in another context, or later)
		}
		if s.Kind == "class" && !strings.Contains(n, ".") {
			f.blank()
			f.comment("a parent class nothing defined; first named at " + orUnknown(s.First))
			f.line("---@class " + n)
			f.line(n + " = {}")
			declared[n] = true
			continue
		}
		if hasFields[n] && s.Calls == 0 {
			declare(n)
			continue
		}
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			declare(n[:i])
		}
		f.blank()
		if s.Calls == 0 {
			f.comment("a stand-in value; first used at " + orUnknown(s.First))
			f.line("---@type any")
			f.line(n + " = nil")
			continue
		}
		f.comment(fmt.Sprintf("an engine function seen only as a stand-in: %d call%s%s; first at %s",
			s.Calls, plural(s.Calls), arityNote(s.Arities), orUnknown(s.First)))
		params := standInParams(s.Arities)
		for i, p := range params {
			if p == "..." {
				f.line("---@param ... any")
				continue
			}
			opt := ""
			if len(s.Arities) > 0 && i >= minInt(s.Arities) {
				opt = "?"
			}
			f.line("---@param " + p + opt + " any")
		}
		f.line("---@return any")
		f.line("function " + n + "(" + strings.Join(params, ", ") + ") end")
	}
}

// definedPath tells whether the global path a.b.c is defined by the
// folder or the engine (in any context).
func definedPath(defined map[string]*mergedValue, path string) bool {
	root, rest, more := strings.Cut(path, ".")
	m, ok := defined[root]
	if !ok {
		return false
	}
	return !more || tableHasPath(m.v, rest)
}

// tableHasPath tells whether the table v has the field path a.b.
func tableHasPath(v Value, path string) bool {
	head, rest, more := strings.Cut(path, ".")
	for _, fl := range v.Fields {
		if fl.Name == head {
			if !more {
				return true
			}
			return tableHasPath(fl, rest)
		}
	}
	return false
}

func standInName(n string) bool {
	if n == "" {
		return false
	}
	for _, part := range strings.Split(n, ".") {
		if !IsIdent(part) {
			return false
		}
	}
	return true
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown place"
	}
	return s
}

func arityNote(ar []int) string {
	if len(ar) == 0 {
		return ""
	}
	parts := make([]string, len(ar))
	for i, a := range ar {
		parts[i] = strconv.Itoa(a)
	}
	if len(ar) == 1 {
		return " with " + parts[0] + " argument" + plural(ar[0])
	}
	return " with " + strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1] + " arguments"
}

// standInParams names a stand-in's parameters after the most arguments it
// was called with (arg1, arg2, ...); without arities, a vararg.
func standInParams(ar []int) []string {
	if len(ar) == 0 {
		return []string{"..."}
	}
	n := 0
	for _, a := range ar {
		n = max(n, a)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = "arg" + strconv.Itoa(i+1)
	}
	return out
}

func minInt(ar []int) int {
	m := ar[0]
	for _, a := range ar {
		m = min(m, a)
	}
	return m
}
