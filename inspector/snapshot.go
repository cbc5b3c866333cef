package inspector

import (
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// SnapEntry summarises one value of a snapshot.
type SnapEntry struct {
	Type  string `json:"type"`
	Value string `json:"value"` // short value, as Node.Value
	// Hash fingerprints the value: scalars by value; tables by a shallow
	// hash of their contents (keys and values one level deep, nested tables
	// by size) and metatable; Lua functions by source, lines and bytecode
	// (by prototype identity with SnapOptions.Identity); Go functions by
	// their Go function. Two entries with equal Type and Value but
	// different Hash are reported as changed.
	Hash uint64 `json:"hash"`
}

// Snap is a snapshot: entries keyed by FormatPath of their path.
type Snap map[string]SnapEntry

// SnapOptions selects what Snapshot captures beyond the top level.
type SnapOptions struct {
	// Open lists paths (typically the rows expanded in the tree view) whose
	// children are captured too, Depth levels deep.
	Open []Path `json:"open,omitempty"`
	// Depth is how many levels below each open path are captured (<= 0
	// means 1: just the children).
	Depth int `json:"depth,omitempty"`
	// MaxChildren bounds the children captured per open table, in display
	// order (<= 0 means 10000). Content hashes still see every entry.
	MaxChildren int `json:"max_children,omitempty"`
	// Identity makes reference values (tables, functions, userdata,
	// threads, channels) also compare by identity (pointer, prototype).
	// Use it for before/after snapshots of the same state; leave it off to
	// compare two contexts or a state across a reload, where identities
	// always differ.
	Identity bool `json:"identity,omitempty"`
}

// Snapshot captures the children of root (including a <metatable> entry
// when root has one) and, per opts, the children of open paths.
func Snapshot(root *lua.LTable, opts SnapOptions) Snap {
	if root == nil {
		return Snap{}
	}
	h := hasher{identity: opts.Identity, root: root}
	s := make(Snap, tableCount(root)+1)
	if mt := rawMeta(root); mt != lua.LNil {
		s[MetaToken] = h.entry(mt)
	}
	root.ForEach(func(k, v lua.LValue) {
		s[KeyToken(k)] = h.entry(v)
	})
	depth := opts.Depth
	if depth <= 0 {
		depth = 1
	}
	maxc := opts.MaxChildren
	if maxc <= 0 {
		maxc = 10000
	}
	for _, p := range opts.Open {
		v, err := Resolve(root, p)
		if err != nil {
			continue
		}
		h.capture(s, FormatPath(p), v, depth, maxc)
	}
	return s
}

// capture adds the children of v (at text path prefix) to s, depth levels.
func (h *hasher) capture(s Snap, prefix string, v lua.LValue, depth, maxc int) {
	if depth <= 0 {
		return
	}
	join := func(tok string) string { return FormatPath(Path{prefix, tok}) }
	if prefix == "" {
		join = func(tok string) string { return tok }
	}
	if mt := rawMeta(v); mt != lua.LNil {
		p := join(MetaToken)
		s[p] = h.entry(mt)
		h.capture(s, p, mt, depth-1, maxc)
	}
	tb, ok := v.(*lua.LTable)
	if !ok {
		return
	}
	keys, _, _ := orderedKeys(tb, 0, maxc)
	for _, k := range keys {
		cv := tb.RawGet(k)
		if cv == lua.LNil || cv == nil {
			continue
		}
		p := join(KeyToken(k))
		s[p] = h.entry(cv)
		if depth > 1 {
			h.capture(s, p, cv, depth-1, maxc)
		}
	}
}

// FNV-1a and a splitmix64 finaliser; deterministic across runs so that
// snapshots saved as JSON stay comparable (except identity hashes).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvString hashes s eight bytes at a time (FNV-style multiply with a
// final avalanche), then the tail bytewise.
func fnvString(h uint64, s string) uint64 {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		h = (h ^ w) * fnvPrime
		h ^= h >> 29
	}
	for ; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h ^ uint64(len(s))
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Type tags keep values of different types apart.
const (
	tagNil uint64 = iota + 0x9e3779b97f4a7c15
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagTable
	tagLuaFunc
	tagGoFunc
	tagUserdata
	tagThread
	tagChannel
	tagMeta
	tagRoot
)

// RootValue is the short value a snapshot records for the root table
// itself wherever it appears below the root (e.g. _G._G), so that the
// self-reference does not show as changed whenever any global changes.
const RootValue = "table (root)"

type hasher struct {
	identity bool
	root     *lua.LTable // summarised as RootValue wherever it appears
	goNames  map[uintptr]uint64
	protos   map[*lua.FunctionProto]uint64
}

// entry summarises v, hashing tables one level deep.
func (h *hasher) entry(v lua.LValue) SnapEntry {
	if tb, ok := v.(*lua.LTable); ok {
		if tb == h.root {
			return SnapEntry{Type: "table", Value: RootValue, Hash: h.shallow(tb)}
		}
		sum, n := h.tableHash(tb)
		return SnapEntry{Type: "table", Value: tableValue(n), Hash: sum}
	}
	var value string
	switch x := v.(type) {
	case lua.LNumber:
		value = formatNumber(float64(x))
	case lua.LString:
		value = shortString(string(x))
	case *lua.LFunction:
		if x.IsG || x.Proto == nil {
			value = "function [Go]"
		} else {
			value = "function " + sourceName(x.Proto.SourceName) + ":" + strconv.Itoa(x.Proto.LineDefined)
		}
	default:
		value = NewNode("", v).Value
	}
	return SnapEntry{Type: v.Type().String(), Value: value, Hash: h.shallow(v)}
}

// tableHash hashes the contents of tb one level deep and counts entries.
func (h *hasher) tableHash(tb *lua.LTable) (sum uint64, n int) {
	tb.ForEach(func(k, v lua.LValue) {
		n++
		sum += mix(h.shallow(k)*fnvPrime ^ h.shallow(v))
	})
	sum = mix(sum ^ tagTable + uint64(n))
	if mt := rawMeta(tb); mt != lua.LNil {
		sum = mix(sum ^ tagMeta ^ h.shallow(mt))
	}
	if h.identity {
		sum = mix(sum ^ ptrOf(tb))
	}
	return sum, n
}

// shallow hashes v without looking inside tables.
func (h *hasher) shallow(v lua.LValue) uint64 {
	switch x := v.(type) {
	case lua.LBool:
		if x {
			return tagTrue
		}
		return tagFalse
	case lua.LNumber:
		return mix(math.Float64bits(float64(x)) ^ tagNumber)
	case lua.LString:
		return mix(fnvString(fnvOffset, string(x)) ^ tagString)
	case *lua.LTable:
		if x == h.root {
			return tagRoot
		}
		if h.identity {
			return mix(ptrOf(x) ^ tagTable)
		}
		return mix(uint64(rawLen(x)) ^ tagTable)
	case *lua.LFunction:
		return h.funcHash(x)
	case *lua.LUserData:
		if h.identity {
			return mix(ptrOf(x) ^ tagUserdata)
		}
		if x.Value == nil {
			return tagUserdata
		}
		return mix(fnvString(fnvOffset, reflect.TypeOf(x.Value).String()) ^ tagUserdata)
	case *lua.LState:
		if h.identity {
			return mix(ptrOf(x) ^ tagThread)
		}
		return tagThread
	case lua.LChannel:
		if h.identity {
			return mix(ptrOf(x) ^ tagChannel)
		}
		return tagChannel
	}
	return tagNil
}

func (h *hasher) funcHash(fn *lua.LFunction) uint64 {
	if fn.IsG || fn.Proto == nil {
		if h.identity {
			return mix(ptrOf(fn) ^ tagGoFunc)
		}
		if fn.GFunction == nil {
			return tagGoFunc
		}
		pc := reflect.ValueOf(fn.GFunction).Pointer()
		if x, ok := h.goNames[pc]; ok {
			return x
		}
		x := tagGoFunc
		if f := runtime.FuncForPC(pc); f != nil {
			x = mix(fnvString(fnvOffset, f.Name()) ^ tagGoFunc)
		}
		if h.goNames == nil {
			h.goNames = map[uintptr]uint64{}
		}
		h.goNames[pc] = x
		return x
	}
	if h.identity {
		return mix(ptrOf(fn.Proto) ^ tagLuaFunc)
	}
	if x, ok := h.protos[fn.Proto]; ok {
		return x
	}
	x := mix(protoHash(fn.Proto, 0) ^ tagLuaFunc)
	if h.protos == nil {
		h.protos = map[*lua.FunctionProto]uint64{}
	}
	h.protos[fn.Proto] = x
	return x
}

// protoHash fingerprints a function prototype by what a reload of
// unchanged source reproduces: source, lines, shape, code and constants.
func protoHash(p *lua.FunctionProto, depth int) uint64 {
	x := fnvString(fnvOffset, p.SourceName)
	x = mix(x ^ uint64(p.LineDefined)<<32 ^ uint64(p.LastLineDefined))
	x = mix(x ^ uint64(p.NumParameters)<<16 ^ uint64(p.IsVarArg)<<8 ^ uint64(p.NumUpvalues))
	for _, c := range p.Code {
		x ^= uint64(c)
		x *= fnvPrime
	}
	for _, c := range p.Constants {
		switch cv := c.(type) {
		case lua.LString:
			x = fnvString(x, string(cv))
		case lua.LNumber:
			x = mix(x ^ math.Float64bits(float64(cv)))
		}
	}
	if depth < 8 {
		for _, sub := range p.FunctionPrototypes {
			x = mix(x ^ protoHash(sub, depth+1))
		}
	}
	return x
}

func ptrOf(v any) uint64 {
	return uint64(reflect.ValueOf(v).Pointer())
}

// DiffEntry is one difference between two snapshots.
type DiffEntry struct {
	Path    string `json:"path"`
	OldType string `json:"old_type,omitempty"`
	NewType string `json:"new_type,omitempty"`
	Old     string `json:"old,omitempty"` // short old value (removed, changed)
	New     string `json:"new,omitempty"` // short new value (added, changed)
	// Reason says what changed for Changed entries: "type", "value", or
	// "contents" (same short value, different fingerprint, e.g. a table
	// whose entries changed or a function whose code changed).
	Reason string `json:"reason,omitempty"`
}

// DiffResult lists the differences from snapshot a to snapshot b, each list
// sorted by path in display order.
type DiffResult struct {
	Added   []DiffEntry `json:"added"`
	Removed []DiffEntry `json:"removed"`
	Changed []DiffEntry `json:"changed"`
}

// Empty tells whether the snapshots were equal.
func (d DiffResult) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Diff compares two snapshots.
func Diff(a, b Snap) DiffResult {
	d := DiffResult{Added: []DiffEntry{}, Removed: []DiffEntry{}, Changed: []DiffEntry{}}
	for p, ea := range a {
		eb, ok := b[p]
		if !ok {
			d.Removed = append(d.Removed, DiffEntry{Path: p, OldType: ea.Type, Old: ea.Value})
			continue
		}
		if ea == eb {
			continue
		}
		reason := "contents"
		switch {
		case ea.Type != eb.Type:
			reason = "type"
		case ea.Value != eb.Value:
			reason = "value"
		}
		d.Changed = append(d.Changed, DiffEntry{Path: p, OldType: ea.Type, NewType: eb.Type, Old: ea.Value, New: eb.Value, Reason: reason})
	}
	for p, eb := range b {
		if _, ok := a[p]; !ok {
			d.Added = append(d.Added, DiffEntry{Path: p, NewType: eb.Type, New: eb.Value})
		}
	}
	sortDiff(d.Added)
	sortDiff(d.Removed)
	sortDiff(d.Changed)
	return d
}

// sortDiff sorts entries by path, comparing token by token in display
// order (unparsable paths sort bytewise after parsable ones).
func sortDiff(es []DiffEntry) {
	if len(es) < 2 {
		return
	}
	type keyed struct {
		keys []Key
		ok   bool
		e    DiffEntry
	}
	ks := make([]keyed, len(es))
	for i, e := range es {
		ks[i].e = e
		p, err := ParsePath(e.Path)
		if err != nil {
			continue
		}
		ks[i].ok = true
		ks[i].keys = make([]Key, len(p))
		for j, tok := range p {
			k, err := ParseKeyToken(tok)
			if err != nil {
				ks[i].ok = false
				break
			}
			ks[i].keys[j] = k
		}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.ok != b.ok {
			if a.ok {
				return -1
			}
			return 1
		}
		if a.ok {
			for i := 0; i < len(a.keys) && i < len(b.keys); i++ {
				if c := compareKeys(a.keys[i], b.keys[i]); c != 0 {
					return c
				}
			}
			if len(a.keys) != len(b.keys) {
				return len(a.keys) - len(b.keys)
			}
		}
		return cmpFold(a.e.Path, b.e.Path)
	})
	for i := range ks {
		es[i] = ks[i].e
	}
}
