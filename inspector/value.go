package inspector

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// MaxValueRunes is how many runes of a string value Node.Value shows before
// cutting it with "…".
const MaxValueRunes = 80

// Node is one row of a tree view: a child of the value at some path.
type Node struct {
	// Key is the child's key token (see Path), or MetaToken for the
	// metatable row.
	Key string `json:"key"`
	// Type is the Lua type name: nil, boolean, number, string, table,
	// function, userdata, thread or channel.
	Type string `json:"type"`
	// Value is a short one-line rendering: strings quoted and cut to about
	// MaxValueRunes runes with "…", numbers as Lua prints them, tables as
	// "table (12)", functions as "function Lua/Foo.lua:12" or
	// "function [Go]", userdata as "userdata (*pkg.Type)".
	Value string `json:"value"`
	// Size is the number of entries of a table (array part plus hash part,
	// nil slots not counted) or the byte length of a string.
	Size int `json:"size,omitempty"`
	// HasChildren tells whether the row can be expanded (a non-empty table,
	// or a table or userdata with a metatable).
	HasChildren bool `json:"has_children,omitempty"`
	// HasMeta tells whether the value has a metatable.
	HasMeta bool `json:"has_meta,omitempty"`
	// Defined is where a function was defined: "source:linedefined" for
	// Lua functions, "[Go] pkg.Func" for Go functions.
	Defined string `json:"defined,omitempty"`
	// Provenance is filled by the engine for top-level globals when known.
	Provenance *Provenance `json:"provenance,omitempty"`
}

// NewNode describes value v reached through key token key, without
// invoking any Lua code.
func NewNode(key string, v lua.LValue) Node {
	if v == nil {
		v = lua.LNil
	}
	n := Node{Key: key, Type: v.Type().String()}
	switch x := v.(type) {
	case *lua.LNilType:
		n.Value = "nil"
	case lua.LBool:
		n.Value = strconv.FormatBool(bool(x))
	case lua.LNumber:
		n.Value = formatNumber(float64(x))
	case lua.LString:
		n.Value = shortString(string(x))
		n.Size = len(x)
	case *lua.LTable:
		n.Size = tableCount(x)
		n.Value = tableValue(n.Size)
		n.HasMeta = rawMeta(x) != lua.LNil
		n.HasChildren = n.Size > 0 || n.HasMeta
	case *lua.LFunction:
		n.Value, n.Defined = funcInfo(x)
	case *lua.LUserData:
		n.Value = userdataValue(x)
		n.HasMeta = rawMeta(x) != lua.LNil
		n.HasChildren = n.HasMeta
	default:
		n.Value = n.Type
	}
	return n
}

func tableValue(size int) string {
	return "table (" + strconv.Itoa(size) + ")"
}

func userdataValue(ud *lua.LUserData) string {
	if ud.Value == nil {
		return "userdata"
	}
	return "userdata (" + reflect.TypeOf(ud.Value).String() + ")"
}

// shortString quotes s, cutting it to MaxValueRunes runes.
func shortString(s string) string {
	cut := false
	if len(s) > MaxValueRunes {
		n, i := 0, 0
		for i < len(s) && n < MaxValueRunes {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
			n++
		}
		if i < len(s) {
			s, cut = s[:i], true
		}
	}
	q := strconv.Quote(s)
	if cut {
		return q[:len(q)-1] + "…\""
	}
	return q
}

// funcInfo returns the short value and the definition site of fn.
func funcInfo(fn *lua.LFunction) (value, defined string) {
	if fn.IsG || fn.Proto == nil {
		return "function [Go]", goFuncName(fn)
	}
	d := sourceName(fn.Proto.SourceName) + ":" + strconv.Itoa(fn.Proto.LineDefined)
	return "function " + d, d
}

func goFuncName(fn *lua.LFunction) string {
	if fn.GFunction == nil {
		return "[Go]"
	}
	f := runtime.FuncForPC(reflect.ValueOf(fn.GFunction).Pointer())
	if f == nil {
		return "[Go]"
	}
	return "[Go] " + f.Name()
}

func sourceName(s string) string {
	if s != "" && (s[0] == '@' || s[0] == '=') {
		return s[1:]
	}
	return s
}

// Raw table internals. gopher-lua keeps the array part, the string and
// other hash parts and the insertion-ordered key list unexported; their
// lengths (read through reflect, which never runs any code of the table)
// give an O(1) entry count for the hash part and a cheap change stamp. If a
// future gopher-lua renames them, everything falls back to ForEach.
var tableLayout = func() (l struct {
	ok                         bool
	array, dict, strdict, keys int
}) {
	t := reflect.TypeOf(lua.LTable{})
	idx := func(name string, kind reflect.Kind) int {
		f, ok := t.FieldByName(name)
		if !ok || f.Type.Kind() != kind || len(f.Index) != 1 {
			return -1
		}
		return f.Index[0]
	}
	l.array = idx("array", reflect.Slice)
	l.dict = idx("dict", reflect.Map)
	l.strdict = idx("strdict", reflect.Map)
	l.keys = idx("keys", reflect.Slice)
	l.ok = l.array >= 0 && l.dict >= 0 && l.strdict >= 0 && l.keys >= 0
	return l
}()

// stamp summarises a table's key set cheaply. Two equal stamps of the same
// table almost always mean the same key set; see orderedKeys for how the
// rare exceptions are caught.
type stamp struct {
	arrLen, arrCount, hash, keys int
}

// tableStamp returns tb's stamp; ok is false when the internals are not
// readable.
func tableStamp(tb *lua.LTable) (st stamp, ok bool) {
	if !tableLayout.ok {
		return st, false
	}
	v := reflect.ValueOf(tb).Elem()
	st.arrLen = v.Field(tableLayout.array).Len()
	st.hash = tb.HashLen() // deleted keys stay in the hash part (third_party/gopher-lua table.go)
	st.keys = v.Field(tableLayout.keys).Len()
	for i := 1; i <= st.arrLen; i++ {
		if x := tb.RawGetInt(i); x != lua.LNil && x != nil {
			st.arrCount++
		}
	}
	return st, true
}

func (s stamp) count() int { return s.arrCount + s.hash }

// rawLen is an O(1) size hint (array slots plus hash entries) used for
// fingerprints of nested tables.
func rawLen(tb *lua.LTable) int {
	if !tableLayout.ok {
		return tb.Len()
	}
	v := reflect.ValueOf(tb).Elem()
	return v.Field(tableLayout.array).Len() + tb.HashLen()
}

// tableCount returns the number of non-nil entries of tb.
func tableCount(tb *lua.LTable) int {
	if st, ok := tableStamp(tb); ok {
		return st.count()
	}
	n := 0
	tb.ForEach(func(lua.LValue, lua.LValue) { n++ })
	return n
}

// containsFold reports whether s contains the lower-cased query lq,
// ignoring case. ASCII text is compared without allocating.
func containsFold(s, lq string) bool {
	if lq == "" {
		return true
	}
	if len(s) < len(lq) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), lq)
		}
	}
	n := len(lq)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lq[j] {
				continue outer
			}
		}
		return true
	}
	return false
}
