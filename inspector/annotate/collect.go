// Package annotate describes a game's Lua API as modscope observed it after
// a load, and writes it as definition files for the Lua language server
// (LuaLS `---@meta` files and a `.luarc.json`), so that modders get
// completion and undefined-global warnings in the editor they already use.
//
// Collect reads one context's globals table into plain data (an API): the
// globals with their types, functions with their parameter names (from the
// function's debug information), classes with their parents, own fields and
// methods, tables with their fields, and constants with their values. Like
// the inspector, it reads raw (no metamethod or Lua code ever runs) and must
// be called on the goroutine that owns the Lua state. The engine adds where
// each global was defined (provenance) and the stand-ins of stub mode; Write
// renders a Set of APIs (one per context) as files.
package annotate

import (
	"math"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Kinds of Value.
const (
	KindNil      = "nil"
	KindBoolean  = "boolean"
	KindNumber   = "number"
	KindString   = "string"
	KindFunction = "function"
	KindTable    = "table"
	KindClass    = "class" // a table that is a class (see Collect)
	KindUserdata = "userdata"
	KindThread   = "thread"
	KindStandIn  = "stand-in" // a stub mode stand-in stored in a global or field
)

// Origins of a global.
const (
	OriginGame   = "game"   // defined by the folder's Lua (or its settings)
	OriginEngine = "engine" // set up by the engine for game code ([engine], [core]/..., Go functions)
)

// API is what one context exposes to game code.
type API struct {
	Context    string  `json:"context"`
	LuaVersion string  `json:"lua_version,omitempty"` // _VERSION, e.g. "Lua 5.1"
	Globals    []Value `json:"globals"`               // sorted by name
}

// Value is one global, or one field of a table or class.
type Value struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Origin string `json:"origin,omitempty"` // globals only
	// Literal is a constant's value as Lua source (numbers, booleans, short
	// strings).
	Literal string `json:"literal,omitempty"`
	Where   string `json:"where,omitempty"` // file:line where it was defined
	Func    *Func  `json:"func,omitempty"`
	// Fields of a table or class: a class's own fields and methods (not
	// those it inherits), sorted by name. Truncated says how many more the
	// table has (see Options.MaxFields).
	Fields    []Value  `json:"fields,omitempty"`
	Truncated int      `json:"truncated,omitempty"`
	Parents   []string `json:"parents,omitempty"` // a class's direct parents
	// Items is the length of a table's array part (a list).
	Items int `json:"items,omitempty"`
}

// Func describes a function.
type Func struct {
	Params []string `json:"params,omitempty"` // parameter names, self included
	Vararg bool     `json:"vararg,omitempty"`
	Go     bool     `json:"go,omitempty"` // a Go (engine) function: no parameter information
	// Returns tells that some return statement of the function returns
	// values.
	Returns bool `json:"returns,omitempty"`
}

// Method tells whether f takes self first (written with a colon).
func (f *Func) Method() bool { return f != nil && len(f.Params) > 0 && f.Params[0] == "self" }

// Options tune Collect.
type Options struct {
	// Origin tells where a global came from: its file:line and whether the
	// engine (rather than game code) set it up. Nil: every global is the
	// game's and only functions say where they were written.
	Origin func(name string) (where string, engine bool, ok bool)
	// Classes are classes the model knows of (name -> direct parents), for
	// class systems Collect cannot see in the tables themselves.
	Classes map[string][]string
	// MaxFields bounds the fields other than functions described per
	// table (default 200; functions up to 5000) and Depth the nesting of
	// tables described (default 3).
	MaxFields int
	Depth     int
	// StandIn tells a stub mode stand-in from other userdata.
	StandIn func(lua.LValue) (name string, ok bool)
}

// maxFuncs bounds the functions described per table.
const maxFuncs = 5000

// StdGlobals are the names of Lua 5.1's standard library and of
// gopher-lua's own globals: the language server knows the first, the
// second are internals. Collect leaves them out.
var StdGlobals = map[string]bool{
	"_G": true, "_VERSION": true, "assert": true, "collectgarbage": true, "dofile": true, "error": true,
	"getfenv": true, "getmetatable": true, "ipairs": true, "load": true, "loadfile": true,
	"loadstring": true, "module": true, "next": true, "pairs": true, "pcall": true, "print": true,
	"rawequal": true, "rawget": true, "rawset": true, "require": true, "select": true, "setfenv": true,
	"setmetatable": true, "tonumber": true, "tostring": true, "type": true, "unpack": true, "xpcall": true,
	"coroutine": true, "debug": true, "io": true, "math": true, "os": true, "package": true,
	"string": true, "table": true, "bit32": true, "utf8": true, "rawlen": true, "newproxy": true,
	"_GOPHER_LUA_VERSION": true, "_printregs": true, "channel": true,
}

// Collect describes the globals table g (owner goroutine only).
func Collect(context string, g *lua.LTable, opt Options) API {
	if opt.MaxFields <= 0 {
		opt.MaxFields = 200
	}
	if opt.Depth <= 0 {
		opt.Depth = 3
	}
	api := API{Context: context}
	if v, ok := g.RawGetString("_VERSION").(lua.LString); ok {
		api.LuaVersion = string(v)
	}
	c := &collector{opt: opt, g: g, names: map[*lua.LTable]string{}}
	// name the global tables first: metatable inheritance points at them
	var keys []string
	g.ForEach(func(k, v lua.LValue) {
		s, ok := k.(lua.LString)
		if !ok || !IsIdent(string(s)) || StdGlobals[string(s)] {
			return
		}
		keys = append(keys, string(s))
		if t, ok := v.(*lua.LTable); ok {
			if _, dup := c.names[t]; !dup || string(s) < c.names[t] {
				c.names[t] = string(s)
			}
		}
	})
	sortNames(keys)
	for _, k := range keys {
		v := c.value(k, g.RawGetString(k), 0, true)
		if opt.Origin != nil {
			if where, eng, ok := opt.Origin(k); ok {
				if where != "" && v.Where == "" {
					v.Where = where
				}
				if eng {
					v.Origin = OriginEngine
				}
			}
		}
		if v.Origin == "" {
			v.Origin = OriginGame
			if v.Func != nil && v.Func.Go {
				v.Origin = OriginEngine
			}
		}
		api.Globals = append(api.Globals, v)
	}
	return api
}

type collector struct {
	opt   Options
	g     *lua.LTable
	names map[*lua.LTable]string // global tables by identity
}

// value describes v, stored under name (top: a global).
func (c *collector) value(name string, v lua.LValue, depth int, top bool) Value {
	out := Value{Name: name}
	switch x := v.(type) {
	case *lua.LNilType:
		out.Kind = KindNil
	case lua.LBool:
		out.Kind, out.Literal = KindBoolean, strconv.FormatBool(bool(x))
	case lua.LNumber:
		out.Kind, out.Literal = KindNumber, numberLiteral(float64(x))
	case lua.LString:
		out.Kind = KindString
		if len(x) <= 80 && !strings.ContainsAny(string(x), "\n\r") {
			out.Literal = StringLiteral(string(x))
		}
	case *lua.LFunction:
		out.Kind = KindFunction
		out.Func, out.Where = funcOf(x)
	case *lua.LUserData:
		out.Kind = KindUserdata
		if c.opt.StandIn != nil {
			if _, ok := c.opt.StandIn(x); ok {
				out.Kind = KindStandIn
			}
		}
	case *lua.LState:
		out.Kind = KindThread
	case *lua.LTable:
		out.Kind = KindTable
		if top {
			if parents, ok := c.classOf(name, x); ok {
				out.Kind, out.Parents = KindClass, parents
			}
		}
		if depth >= c.opt.Depth {
			return out
		}
		out.Items = x.Len()
		c.fields(&out, x, depth)
	default:
		out.Kind = v.Type().String()
	}
	return out
}

// fields fills a table's (or class's) string-keyed fields.
func (c *collector) fields(out *Value, t *lua.LTable, depth int) {
	var inherited func(k string, v lua.LValue) bool
	if out.Kind == KindClass {
		inherited = c.inheritedCheck(out.Parents, map[string]bool{out.Name: true})
	}
	var keys []string
	t.ForEach(func(k, v lua.LValue) {
		s, ok := k.(lua.LString)
		if !ok || !IsIdent(string(s)) {
			return
		}
		if out.Kind == KindClass && (strings.HasPrefix(string(s), "__") || inherited(string(s), v)) {
			return
		}
		keys = append(keys, string(s))
	})
	sortNames(keys)
	// Functions (a class's methods) are what an editor completes most: the
	// bound is on the other fields, and a far larger one on functions.
	var kept []string
	funcs, others := 0, 0
	for _, k := range keys {
		if _, fn := t.RawGetString(k).(*lua.LFunction); fn {
			if funcs++; funcs > maxFuncs {
				out.Truncated++
				continue
			}
		} else if others++; others > c.opt.MaxFields {
			out.Truncated++
			continue
		}
		kept = append(kept, k)
	}
	keys = kept
	for _, k := range keys {
		v := t.RawGetString(k)
		if sub, ok := v.(*lua.LTable); ok {
			if n, named := c.names[sub]; named && n != out.Name {
				// another global (a class's parent, a shared table): a reference
				out.Fields = append(out.Fields, Value{Name: k, Kind: KindTable, Literal: n})
				continue
			}
			if sub == t {
				out.Fields = append(out.Fields, Value{Name: k, Kind: KindTable, Literal: out.Name})
				continue
			}
		}
		out.Fields = append(out.Fields, c.value(k, v, depth+1, false))
	}
}

// classOf tells whether the global table t called name is a class, and its
// direct parents:
//   - the model says so (Options.Classes);
//   - Haemimont's class system: t.__parents is a list of class names
//     (DefineClass, before and after the classes are built);
//   - metatable inheritance: t's metatable's __index is another global
//     table (setmetatable(Dome, {__index = Building}));
//   - t.__index == t (a class with no parent, ready to be an instances'
//     metatable).
func (c *collector) classOf(name string, t *lua.LTable) ([]string, bool) {
	if ps, ok := c.opt.Classes[name]; ok {
		return ps, true
	}
	if list, ok := t.RawGetString("__parents").(*lua.LTable); ok {
		if ps, ok := nameList(list); ok {
			return ps, true
		}
	}
	if mt, ok := t.Metatable.(*lua.LTable); ok {
		if idx, ok := mt.RawGetString("__index").(*lua.LTable); ok && idx != t {
			if p, ok := c.names[idx]; ok {
				return []string{p}, true
			}
		}
	}
	if self, ok := t.RawGetString("__index").(*lua.LTable); ok && self == t {
		return nil, true
	}
	return nil, false
}

// inheritedCheck returns a test for a member a class got from an ancestor:
// the same value (raw equality) under the same key in a parent, or its
// parents (Haemimont's classes copy members down when they are built).
func (c *collector) inheritedCheck(parents []string, seen map[string]bool) func(string, lua.LValue) bool {
	var tables []*lua.LTable
	var walk func(ps []string)
	walk = func(ps []string) {
		for _, p := range ps {
			if seen[p] {
				continue
			}
			seen[p] = true
			pt, ok := c.g.RawGetString(p).(*lua.LTable)
			if !ok {
				continue
			}
			tables = append(tables, pt)
			if gp, ok := c.classOf(p, pt); ok {
				walk(gp)
			}
		}
	}
	walk(parents)
	return func(k string, v lua.LValue) bool {
		for _, pt := range tables {
			if pv := pt.RawGetString(k); pv != lua.LNil && pv == v {
				return true
			}
		}
		return false
	}
}

// funcOf reads a function's parameters from its prototype: the first
// NumParameters local variables of its debug information are its
// parameters, in order.
func funcOf(fn *lua.LFunction) (*Func, string) {
	if fn.IsG || fn.Proto == nil {
		return &Func{Go: true, Vararg: true}, ""
	}
	p := fn.Proto
	f := &Func{Vararg: p.IsVarArg&lua.VarArgIsVarArg != 0, Returns: returnsValues(p)}
	for i := 0; i < int(p.NumParameters); i++ {
		name := "p" + strconv.Itoa(i+1)
		if i < len(p.DbgLocals) && p.DbgLocals[i] != nil && IsIdent(p.DbgLocals[i].Name) {
			name = p.DbgLocals[i].Name
		}
		f.Params = append(f.Params, name)
	}
	src := p.SourceName
	if src != "" && (src[0] == '@' || src[0] == '=') {
		src = src[1:]
	}
	return f, src + ":" + strconv.Itoa(p.LineDefined)
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true, "false": true,
	"for": true, "function": true, "goto": true, "if": true, "in": true, "local": true, "nil": true,
	"not": true, "or": true, "repeat": true, "return": true, "then": true, "true": true, "until": true,
	"while": true,
}

// IsIdent tells whether s is a Lua name (and not a keyword).
func IsIdent(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (i > 0 && b >= '0' && b <= '9') {
			continue
		}
		return false
	}
	return true
}

func numberLiteral(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "math.huge"
	case math.IsInf(f, -1):
		return "-math.huge"
	case math.IsNaN(f):
		return "0/0"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// StringLiteral quotes s as a Lua string literal.
func StringLiteral(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '"' || ch == '\\':
			b.WriteByte('\\')
			b.WriteByte(ch)
		case ch == '\n':
			b.WriteString(`\n`)
		case ch == '\r':
			b.WriteString(`\r`)
		case ch < 0x20 || ch == 0x7f:
			b.WriteString(`\` + padDec(int(ch))) // three digits: a digit after it stays a digit
		default:
			b.WriteByte(ch)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func padDec(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 3-len(s)) + s
}

// returnsValues tells whether a RETURN instruction of p returns values
// (B != 1: B-1 values, or all up to the top for B == 0).
func returnsValues(p *lua.FunctionProto) bool {
	for _, inst := range p.Code {
		if int(inst>>26) == lua.OP_RETURN && inst&0x1ff != 1 {
			return true
		}
	}
	return false
}

// sortNames sorts names case-insensitively (ties bytewise), as the
// inspector lists keys.
func sortNames(names []string) {
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
}

// nameList reads a list of strings (and nothing else).
func nameList(t *lua.LTable) ([]string, bool) {
	var ps []string
	ok := true
	t.ForEach(func(k, v lua.LValue) {
		if _, isNum := k.(lua.LNumber); !isNum {
			ok = false
		}
		if _, isStr := v.(lua.LString); !isStr {
			ok = false
		}
	})
	if !ok {
		return nil, false
	}
	for i := 1; i <= t.Len(); i++ {
		if p, ok := t.RawGetInt(i).(lua.LString); ok {
			ps = append(ps, string(p))
		}
	}
	return ps, true
}
