package engine

// Mod conflicts (docs/conflicts.md): who overwrites whom, and who wins.
//
// A model that runs mods calls RecordAssignments with its mods in load
// order just before the first mod's code runs. From then on the context
// records every assignment a mod makes to a global (through the globals
// proxy, globals.go) or to a field of a table the game defines (one level
// in: a global table of the game or of the engine, or a class of
// g_Classes; through the VM's store hook, third_party/gopher-lua
// modscope_storehook.go), with the mod, file:line and step. Once a mod has
// touched a name, the game's later assignments to it are recorded too (a
// mod's change the game discards again). Each link is classified: define
// (there was no value), wrap (the new function keeps the old value and its
// code calls it, see wraps), replace, clear (nil). Conflicts are built from
// the links when asked (Conflicts).

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// ModRef names a mod for the conflict recorder.
type ModRef struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Folder string `json:"folder"` // relative to the game folder: files under Folder/ are the mod's
}

// Link actions.
const (
	ActOrigin  = "origin"  // the value before the first mod touched the name
	ActDefine  = "define"  // assigned where there was no value
	ActReplace = "replace" // a new value that does not keep the old one
	ActWrap    = "wrap"    // a new function that keeps the old value and calls it
	ActClear   = "clear"   // assigned nil
	ActHandler = "handler" // an OnMsg handler added (they add up)
)

// Conflict kinds of name.
const (
	NameGlobal = "global"
	NameField  = "field"
	NameOnMsg  = "onmsg"
)

// Conflict severities, worst first.
const (
	// SevDiscards: a replacement (or a clear, or the game assigning again)
	// discards another mod's replacement or definition.
	SevDiscards = 3
	// SevDiscardsWrap: a replacement discards another mod's wrapper.
	SevDiscardsWrap = 2
	// SevWraps: every later link keeps the earlier value; all the mods'
	// code runs and only the order differs.
	SevWraps = 1
)

// ConflictLink is one assignment of a conflict's chain, in load order.
type ConflictLink struct {
	Mod    string `json:"mod,omitempty"` // mod id; empty for the game
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Step   string `json:"step,omitempty"`
	Action string `json:"action"`
	Value  string `json:"value"`           // what was assigned: "function", "number 5", ...
	Count  int    `json:"count,omitempty"` // the same site assigned it this many times (>1)
	Kept   bool   `json:"kept"`            // the link is part of the value that wins
}

// Conflict is a name assigned by two or more mods, or by a mod and then
// the game again.
type Conflict struct {
	Context  string         `json:"context"`
	Name     string         `json:"name"`
	Kind     string         `json:"kind"`
	Severity int            `json:"severity"`
	Verdict  string         `json:"verdict"`
	Mods     []string       `json:"mods"`
	Winner   string         `json:"winner"` // mod id, or "game"
	Lost     []string       `json:"lost,omitempty"`
	Chain    []ConflictLink `json:"chain"`
}

// ModConflicts sums up one mod's part in the conflicts.
type ModConflicts struct {
	ID        string `json:"id"`
	Title     string `json:"title,omitempty"`
	Folder    string `json:"folder"`
	Order     int    `json:"order"`
	Assigned  int    `json:"assigned"`  // names the mod assigned
	Links     int    `json:"links"`     // its assignments (links) to them
	Conflicts int    `json:"conflicts"` // conflicts it is in
	Wins      int    `json:"wins"`      // conflicts whose value it set last
	Lost      int    `json:"lost"`      // conflicts where its change is discarded
}

// ConflictReport is the conflicts of a session's contexts.
type ConflictReport struct {
	Recording   bool           `json:"recording"`   // a model recorded mods' assignments
	Mods        []ModConflicts `json:"mods"`        // in load order
	Assignments int            `json:"assignments"` // links recorded for mods
	Names       int            `json:"names"`       // names assigned by mods
	Truncated   bool           `json:"truncated,omitempty"`
	Conflicts   []Conflict     `json:"conflicts"` // worst first
	// Assigned lists every name a mod assigned, in the order first
	// touched, conflict or not (severity 0 when not): asked for with the
	// view's second argument "all" (the window's per-mod view).
	Assigned []Conflict `json:"assigned,omitempty"`
}

// RecordConflicts turns the recorder on (the default). Benchmarks turn it
// off to measure what it costs; set it before opening a session.
var RecordConflicts = true

// maxAssignLinks bounds the links one context keeps (code assigning in a
// loop from many sites); past it recording stops and the report says so.
const maxAssignLinks = 200000

type assignLink struct {
	ConflictLink
	val lua.LValue
}

type nameRec struct {
	name  string
	kind  string
	links []assignLink
}

// assignRecorder is a context's conflict recorder (owner goroutine only).
type assignRecorder struct {
	c       *Lua
	mods    []ModRef
	bySrc   map[string]string // chunk name -> mod id ("" = the game)
	names   map[string]*nameRec
	order   []*nameRec
	links   int
	full    bool
	classes *lua.LTable // g_Classes when it is watched
}

// RecordAssignments starts recording mods' assignments for conflicts,
// forgetting an earlier recording (a reload). mods are in load order; a
// file belongs to the mod whose Folder holds it. With no mods nothing is
// recorded. Owner goroutine only.
func (c *Lua) RecordAssignments(mods []ModRef) {
	if !RecordConflicts || len(mods) == 0 {
		c.assigns = nil
		c.L.SetStoreHook(nil)
		return
	}
	r := &assignRecorder{c: c, mods: append([]ModRef(nil), mods...), bySrc: map[string]string{}, names: map[string]*nameRec{}}
	c.assigns = r
	L := c.L
	L.SetStoreHook(r.field)
	// the tables the game and the engine defined so far
	c.globals.store.ForEach(func(k, v lua.LValue) {
		name, ok := k.(lua.LString)
		t, isTable := v.(*lua.LTable)
		if !ok || !isTable || t == c.globals.store || t == c.globals.proxy {
			return
		}
		if p := c.globals.prov[string(name)]; p != nil {
			if file, _ := SplitWhere(p.AssignedAt); r.modOf(file) != "" {
				return // a mod's own table (an earlier load)
			}
		}
		r.watch(string(name), t)
	})
}

func (r *assignRecorder) watch(name string, t *lua.LTable) {
	L := r.c.L
	if L.WatchName(t) != "" {
		return
	}
	L.WatchStores(t, name)
	if name == "g_Classes" {
		r.classes = t
		t.ForEach(func(k, v lua.LValue) {
			if cn, ok := k.(lua.LString); ok {
				if ct, ok := v.(*lua.LTable); ok && L.WatchName(ct) == "" {
					L.WatchStores(ct, string(cn))
				}
			}
		})
	}
}

// modOf returns the mod id of a chunk name, "" for the game.
func (r *assignRecorder) modOf(src string) string {
	if src == "" {
		return ""
	}
	if id, ok := r.bySrc[src]; ok {
		return id
	}
	id := ""
	best := 0
	for _, m := range r.mods {
		if m.Folder != "" && len(m.Folder) > best && strings.HasPrefix(src, m.Folder+"/") {
			id, best = m.ID, len(m.Folder)
		}
	}
	r.bySrc[src] = id
	return id
}

// fileOf and lineOf split "file:line".
// global is called by the globals proxy for `name = v` (old is the value
// before).
func (r *assignRecorder) global(name string, old, v lua.LValue, where string) {
	file, line := SplitWhere(where)
	mod := r.modOf(file)
	if t, ok := v.(*lua.LTable); ok && mod == "" {
		r.watch(name, t)
	}
	if mod == "" && r.names[name] == nil {
		return
	}
	r.add(name, NameGlobal, mod, file, line, old, v)
}

// field is the VM's store hook: a store into a watched table.
func (r *assignRecorder) field(L *lua.LState, tb *lua.LTable, tname string, key, v lua.LValue, site lua.StoreSite) {
	k, ok := key.(lua.LString)
	if !ok {
		return
	}
	mod := r.modOf(site.Source)
	if tb == r.classes && mod == "" {
		if ct, ok := v.(*lua.LTable); ok && L.WatchName(ct) == "" {
			L.WatchStores(ct, string(k))
		}
	}
	if tname == "OnMsg" {
		r.onMsg(tname+"."+string(k), mod, site, v)
		return
	}
	// The game's own stores to names no mod assigned are most stores: the
	// look-up's key is built on the stack, the name only when kept.
	if mod == "" && r.names[tname+"."+string(k)] == nil {
		return
	}
	name := tname + "." + string(k)
	r.add(name, NameField, mod, site.Source, site.Line, inherited(tb, key), v)
}

// inherited is tb[key] without metamethod calls: the raw value, else what
// a table __index chain (a class's parents) gives, a few levels deep.
// A method a class inherits and a mod overrides in it is replaced (or
// wrapped), not defined.
func inherited(tb *lua.LTable, key lua.LValue) lua.LValue {
	for range 8 {
		if v := tb.RawGet(key); v != lua.LNil {
			return v
		}
		mt, ok := tb.Metatable.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		next, ok := mt.RawGetString("__index").(*lua.LTable)
		if !ok || next == tb {
			return lua.LNil
		}
		tb = next
	}
	return lua.LNil
}

// onMsg records OnMsg.X = f: handlers add up. Assigning nil adds
// nothing (the engine appends it to the list, where it ends the list): it
// clears nothing and is not recorded.
func (r *assignRecorder) onMsg(name, mod string, site lua.StoreSite, v lua.LValue) {
	if v == lua.LNil || (mod == "" && r.names[name] == nil) {
		return
	}
	rec := r.rec(name, NameOnMsg)
	r.push(rec, assignLink{ConflictLink: ConflictLink{Mod: mod, File: site.Source, Line: site.Line, Step: r.c.step, Action: ActHandler, Value: describeValue(v)}, val: v})
}

// msgClear records MsgClear(name) (Context.ClearHandlers) run by a mod's
// code: it drops every handler of name, other mods' too.
func (r *assignRecorder) msgClear(name string) {
	if name == "" {
		name = "*"
	}
	L := r.c.L
	for lv := 0; lv < 8; lv++ {
		dbg, ok := L.GetStack(lv)
		if !ok {
			return
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return
		}
		if mod := r.modOf(dbg.Source); mod != "" {
			rec := r.rec("OnMsg."+name, NameOnMsg)
			r.push(rec, assignLink{ConflictLink: ConflictLink{Mod: mod, File: dbg.Source, Line: dbg.CurrentLine, Step: r.c.step, Action: ActClear, Value: "MsgClear"}, val: lua.LNil})
			return
		}
	}
}

func (r *assignRecorder) rec(name, kind string) *nameRec {
	rec := r.names[name]
	if rec == nil && r.full {
		return &nameRec{name: name, kind: kind} // past the limit: not kept
	}
	if rec == nil {
		rec = &nameRec{name: name, kind: kind}
		r.names[name] = rec
		r.order = append(r.order, rec)
	}
	return rec
}

func (r *assignRecorder) add(name, kind, mod, file string, line int, old, v lua.LValue) {
	if v == old {
		return // `X = X or {}`: no change
	}
	rec := r.names[name]
	if rec == nil {
		rec = r.rec(name, kind)
		if old != lua.LNil {
			r.push(rec, r.origin(name, kind, old))
		}
	} else if n := len(rec.links); old == lua.LNil && n > 0 && rec.links[n-1].val != lua.LNil {
		// a table whose __newindex keeps the values elsewhere
		// (DefineClass.X = {...}): the raw field stays nil
		old = rec.links[n-1].val
	}
	act := ActReplace
	switch {
	case v == lua.LNil:
		act = ActClear
	case old == lua.LNil:
		act = ActDefine
	case r.wraps(v, old):
		act = ActWrap
	}
	r.push(rec, assignLink{ConflictLink: ConflictLink{Mod: mod, File: file, Line: line, Step: r.c.step, Action: act, Value: describeValue(v)}, val: v})
}

func (r *assignRecorder) push(rec *nameRec, l assignLink) {
	if n := len(rec.links); n > 0 {
		if p := &rec.links[n-1]; p.Mod == l.Mod && p.File == l.File && p.Line == l.Line && p.Action == l.Action && p.File != "" {
			if p.Count == 0 {
				p.Count = 1
			}
			p.Count++
			p.val, p.Value = l.val, l.Value
			return
		}
	}
	if r.links >= maxAssignLinks {
		r.full = true
		return
	}
	r.links++
	rec.links = append(rec.links, l)
}

// origin describes the value a name had before a mod first touched it:
// where a Lua function was defined, else where the global was assigned.
func (r *assignRecorder) origin(name, kind string, old lua.LValue) assignLink {
	l := assignLink{ConflictLink: ConflictLink{Action: ActOrigin, Value: describeValue(old)}, val: old}
	if fn, ok := old.(*lua.LFunction); ok && fn.Proto != nil {
		l.File, l.Line = fn.Proto.SourceName, fn.Proto.LineDefined
	} else if kind == NameGlobal {
		if p := r.c.globals.prov[name]; p != nil {
			l.File, l.Line = SplitWhere(p.AssignedAt)
			l.Step = p.AssignedStep
		}
	}
	l.Mod = r.modOf(l.File)
	return l
}

func describeValue(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		s := string(x)
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return "string " + strconv.Quote(s)
	case lua.LNumber, lua.LBool:
		return v.Type().String() + " " + v.String()
	case *lua.LNilType:
		return "nil"
	}
	return v.Type().String()
}

// wraps reports whether the function v keeps old and calls it: the closure
// holds old as an upvalue (or in a table upvalue, or in a global) and its
// prototype, or a closure it creates, loads that value into a register
// that a call then uses as the function or as an argument (pcall(orig, ...)).
func (r *assignRecorder) wraps(v, old lua.LValue) bool {
	fn, ok := v.(*lua.LFunction)
	if !ok || fn.Proto == nil {
		return false
	}
	if _, isFn := old.(*lua.LFunction); !isFn {
		if _, isTable := old.(*lua.LTable); !isTable {
			return false // only callables are wrapped
		}
	}
	holds := make([]bool, len(fn.Upvalues))
	tabs := make([]*lua.LTable, len(fn.Upvalues))
	for i, uv := range fn.Upvalues {
		if uv == nil {
			continue
		}
		switch x := uv.Value().(type) {
		case *lua.LFunction:
			holds[i] = x == old
		case *lua.LTable:
			if x == old {
				holds[i] = true
			} else {
				tabs[i] = x
			}
		}
	}
	return callsHeld(fn.Proto, holds, tabs, old, r.c.globals.store, 0)
}

// callsHeld scans p for a call that uses the old value, reached through
// upvalue i when holds[i], through the field of table upvalue tabs[i]
// named by a constant, or through a global holding it.
func callsHeld(p *lua.FunctionProto, holds []bool, tabs []*lua.LTable, old lua.LValue, globals *lua.LTable, depth int) bool {
	if depth > 4 {
		return false
	}
	loaded := map[int]bool{}
	tabReg := map[int]*lua.LTable{}
	code := p.Code
	for pc := 0; pc < len(code); pc++ {
		inst := code[pc]
		op := int(inst >> 26)
		a := int(inst>>18) & 0xff
		b := int(inst & 0x1ff)
		c := int(inst>>9) & 0x1ff
		bx := int(inst & 0x3ffff)
		switch op {
		case lua.OP_GETUPVAL:
			delete(loaded, a)
			delete(tabReg, a)
			if b < len(holds) && holds[b] {
				loaded[a] = true
			} else if b < len(tabs) && tabs[b] != nil {
				tabReg[a] = tabs[b]
			}
		case lua.OP_GETGLOBAL:
			delete(loaded, a)
			delete(tabReg, a)
			if bx < len(p.Constants) {
				if s, ok := p.Constants[bx].(lua.LString); ok && globals != nil && globals.RawGet(s) == old {
					loaded[a] = true
				}
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			t := tabReg[b]
			delete(loaded, a)
			delete(tabReg, a)
			switch {
			case t == nil:
			case c&0x100 != 0 && c&0xff < len(p.Constants):
				loaded[a] = t.RawGet(p.Constants[c&0xff]) == old
			case c&0x100 == 0: // a computed key (Original[name]): does t hold old at all?
				loaded[a] = tableHolds(t, old)
			}
		case lua.OP_MOVE:
			delete(tabReg, a)
			loaded[a] = loaded[b]
		case lua.OP_CALL, lua.OP_TAILCALL:
			if loaded[a] {
				return true
			}
			for reg := range loaded {
				if reg > a && (b == 0 || reg <= a+b-1) {
					return true
				}
			}
		case lua.OP_CLOSURE:
			if bx >= len(p.FunctionPrototypes) {
				continue
			}
			q := p.FunctionPrototypes[bx]
			n := int(q.NumUpvalues)
			qh := make([]bool, n)
			qt := make([]*lua.LTable, n)
			for i := 0; i < n && pc+1 < len(code); i++ {
				pc++
				pi := code[pc]
				pb := int(pi & 0x1ff)
				switch int(pi >> 26) {
				case lua.OP_MOVE:
					qh[i] = loaded[pb]
					qt[i] = tabReg[pb]
				case lua.OP_GETUPVAL:
					if pb < len(holds) {
						qh[i] = holds[pb]
						qt[i] = tabs[pb]
					}
				}
			}
			if callsHeld(q, qh, qt, old, globals, depth+1) {
				return true
			}
			delete(loaded, a)
			delete(tabReg, a)
		}
	}
	return false
}

// tableHolds reports whether t has old among its first 4096 values.
func tableHolds(t *lua.LTable, old lua.LValue) bool {
	k, v := t.Next(lua.LNil)
	for i := 0; k != lua.LNil && i < 4096; i++ {
		if v == old {
			return true
		}
		k, v = t.Next(k)
	}
	return false
}

// conflicts builds the conflicts of the recording (owner goroutine); with
// all, Assigned lists every name a mod assigned too.
func (c *Lua) conflicts(all bool) ConflictReport {
	r := c.assigns
	if r == nil {
		return ConflictReport{}
	}
	return r.report(all)
}

func (r *assignRecorder) report(all bool) ConflictReport {
	out := ConflictReport{Recording: true, Truncated: r.full}
	pos := map[string]int{}
	sums := make([]ModConflicts, len(r.mods))
	for i, m := range r.mods {
		pos[m.ID] = i
		sums[i] = ModConflicts{ID: m.ID, Title: m.Title, Folder: m.Folder, Order: i + 1}
	}
	for _, rec := range r.order {
		assigned := map[string]bool{}
		for _, l := range rec.links {
			if l.Mod != "" && l.Action != ActOrigin {
				out.Assignments++
				assigned[l.Mod] = true
				if i, ok := pos[l.Mod]; ok {
					sums[i].Links++
				}
			}
		}
		if len(assigned) > 0 {
			out.Names++
		}
		for id := range assigned {
			if i, ok := pos[id]; ok {
				sums[i].Assigned++
			}
		}
		cf, ok := r.conflictOf(rec)
		if all && len(assigned) > 0 {
			a := cf
			if !ok {
				a = r.chainOf(rec)
			}
			out.Assigned = append(out.Assigned, a)
		}
		if !ok {
			continue
		}
		for _, id := range cf.Mods {
			if i, ok := pos[id]; ok {
				sums[i].Conflicts++
			}
		}
		if i, ok := pos[cf.Winner]; ok {
			sums[i].Wins++
		}
		for _, id := range cf.Lost {
			if i, ok := pos[id]; ok {
				sums[i].Lost++
			}
		}
		out.Conflicts = append(out.Conflicts, cf)
	}
	sortConflicts(out.Conflicts)
	out.Mods = sums
	return out
}

// sortConflicts orders worst first: severity, then how many mods lose,
// how many take part, then the name.
func sortConflicts(list []Conflict) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if len(a.Lost) != len(b.Lost) {
			return len(a.Lost) > len(b.Lost)
		}
		if len(a.Mods) != len(b.Mods) {
			return len(a.Mods) > len(b.Mods)
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Context < b.Context
	})
}

func who(mod string) string {
	if mod == "" {
		return "game"
	}
	return mod
}

// chainOf is a name's chain when it is no conflict: each link is kept
// unless a later one replaces it.
func (r *assignRecorder) chainOf(rec *nameRec) Conflict {
	cf := Conflict{Context: r.c.Name, Name: rec.name, Kind: rec.kind, Verdict: "no conflict"}
	seen := map[string]bool{}
	for _, l := range rec.links {
		cf.Chain = append(cf.Chain, l.ConflictLink)
		if l.Mod != "" && l.Action != ActOrigin && !seen[l.Mod] {
			seen[l.Mod] = true
			cf.Mods = append(cf.Mods, l.Mod)
		}
	}
	last := len(cf.Chain) - 1
	for i := last; i >= 0; i-- {
		cf.Chain[i].Kept = true
		if cf.Chain[i].Action != ActWrap || rec.kind == NameOnMsg {
			break
		}
	}
	if rec.kind == NameOnMsg {
		for i := range cf.Chain {
			cf.Chain[i].Kept = true
		}
	}
	if last >= 0 {
		cf.Winner = who(cf.Chain[last].Mod)
	}
	return cf
}

// conflictOf decides whether a name's chain is a conflict and how bad.
func (r *assignRecorder) conflictOf(rec *nameRec) (Conflict, bool) {
	cf := Conflict{Context: r.c.Name, Name: rec.name, Kind: rec.kind}
	links := make([]ConflictLink, len(rec.links))
	for i, l := range rec.links {
		links[i] = l.ConflictLink
	}
	seen := map[string]bool{}
	modSeen := false
	gameAfter := false
	for _, l := range links {
		if l.Action == ActOrigin {
			continue
		}
		if l.Mod == "" {
			if modSeen {
				gameAfter = true
			}
			continue
		}
		modSeen = true
		if !seen[l.Mod] {
			seen[l.Mod] = true
			cf.Mods = append(cf.Mods, l.Mod)
		}
	}
	if rec.kind == NameOnMsg {
		// handlers add up: only a clear after another's handlers counts
		cleared := false
		for i, l := range links {
			if l.Action != ActClear {
				continue
			}
			for _, p := range links[:i] {
				if p.Action == ActHandler && p.Mod != l.Mod {
					cleared = true
					if p.Mod != "" && !contains(cf.Lost, p.Mod) {
						cf.Lost = append(cf.Lost, p.Mod)
					}
				}
			}
		}
		if !cleared {
			return cf, false
		}
		for i := range links {
			links[i].Kept = links[i].Action == ActHandler && !contains(cf.Lost, links[i].Mod)
		}
		cf.Chain, cf.Severity, cf.Verdict = links, SevDiscards, "a mod clears others' handlers"
		cf.Winner = who(links[len(links)-1].Mod)
		return cf, true
	}
	if len(cf.Mods) < 2 && !gameAfter {
		return cf, false
	}
	// The value that wins is the last link's; walk back while links wrap.
	last := len(links) - 1
	kept := map[int]bool{last: true}
	for i := last; i > 0 && links[i].Action == ActWrap; i-- {
		kept[i-1] = true
	}
	keptMods := map[string]bool{}
	for i := range links {
		links[i].Kept = kept[i]
		if kept[i] && links[i].Action != ActOrigin {
			keptMods[who(links[i].Mod)] = true
		}
	}
	cf.Winner = who(links[last].Mod)
	cf.Severity = SevWraps
	for i, l := range links {
		if kept[i] || l.Action == ActOrigin || l.Mod == "" || keptMods[l.Mod] || contains(cf.Lost, l.Mod) {
			continue
		}
		cf.Lost = append(cf.Lost, l.Mod)
		sev := SevDiscardsWrap
		if l.Action != ActWrap {
			sev = SevDiscards
		}
		cf.Severity = max(cf.Severity, sev)
	}
	switch {
	case cf.Severity == SevDiscards && gameAfter && cf.Winner == "game":
		cf.Verdict = "the game assigns it again after the mods: " + strings.Join(cf.Lost, ", ") + " discarded"
	case cf.Severity == SevDiscards:
		cf.Verdict = cf.Winner + " replaces it: the change of " + strings.Join(cf.Lost, ", ") + " is discarded"
	case cf.Severity == SevDiscardsWrap:
		cf.Verdict = cf.Winner + " replaces it: the wrapper of " + strings.Join(cf.Lost, ", ") + " is discarded"
	default:
		cf.Verdict = "every mod's function runs (wrapped), in load order"
	}
	cf.Chain = links
	return cf, true
}

// conflictsView answers the "conflicts" view command: the conflicts of
// one context (Args[0]) or of all of them.
func (s *Session) conflictsView(cmd Command) Result {
	var ctxs []*Context
	if name := cmd.Arg(0); name != "" {
		c, err := s.Context(name)
		if err != nil {
			return Failed("conflicts: %v", err)
		}
		ctxs = []*Context{c}
	} else {
		for _, name := range s.contextNames() {
			if c, err := s.Context(name); err == nil {
				ctxs = append(ctxs, c)
			}
		}
	}
	var out ConflictReport
	all := cmd.Arg(1) == "all"
	byID := map[string]int{}
	for _, c := range ctxs {
		var r ConflictReport
		if err := c.Do(func(o *Lua) { r = o.conflicts(all) }); err != nil {
			continue
		}
		mergeConflicts(&out, r, byID)
	}
	sortConflicts(out.Conflicts)
	if out.Conflicts == nil {
		out.Conflicts = []Conflict{}
	}
	if out.Mods == nil {
		out.Mods = []ModConflicts{}
	}
	return Result{OK: true, Conflicts: &out}
}

func mergeConflicts(out *ConflictReport, r ConflictReport, byID map[string]int) {
	if !r.Recording {
		return
	}
	out.Recording = true
	out.Truncated = out.Truncated || r.Truncated
	out.Assignments += r.Assignments
	out.Names += r.Names
	out.Conflicts = append(out.Conflicts, r.Conflicts...)
	out.Assigned = append(out.Assigned, r.Assigned...)
	for _, m := range r.Mods {
		if i, ok := byID[m.ID]; ok {
			p := &out.Mods[i]
			p.Assigned += m.Assigned
			p.Links += m.Links
			p.Conflicts += m.Conflicts
			p.Wins += m.Wins
			p.Lost += m.Lost
			continue
		}
		byID[m.ID] = len(out.Mods)
		out.Mods = append(out.Mods, m)
	}
}

// String is a one-line summary of a link for messages and tests.
func (l ConflictLink) String() string {
	return fmt.Sprintf("%s %s at %s:%d", who(l.Mod), l.Action, l.File, l.Line)
}
