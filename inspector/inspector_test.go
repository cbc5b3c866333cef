package inspector

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// newFixture returns a fresh state that ran testdata/fixture.lua.
func newFixture(t testing.TB) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	if err := L.DoFile("testdata/fixture.lua"); err != nil {
		t.Fatal(err)
	}
	return L
}

func runFile(t testing.TB, L *lua.LState, name string) {
	t.Helper()
	if err := L.DoFile(name); err != nil {
		t.Fatal(err)
	}
}

// assertNoHits fails if any hostile metamethod of the fixture ran.
func assertNoHits(t *testing.T, L *lua.LState) {
	t.Helper()
	if h := L.G.Global.RawGetString("Hits"); h != lua.LNil {
		t.Fatalf("a metamethod was invoked %v times", h)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden (run go test -update if intended)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func keysOf(nodes []Node) []string {
	ks := make([]string, len(nodes))
	for i, n := range nodes {
		ks[i] = n.Key
	}
	return ks
}

func TestKeyTokens(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	tb := L.NewTable()
	cases := []struct {
		name string
		key  lua.LValue
		tok  string
	}{
		{"identifier", lua.LString("Foo_1"), "Foo_1"},
		{"underscore", lua.LString("_G"), "_G"},
		{"space", lua.LString("odd key"), `["odd key"]`},
		{"reserved", lua.LString("end"), `["end"]`},
		{"leading digit", lua.LString("1abc"), `["1abc"]`},
		{"numeric string", lua.LString("1"), `["1"]`},
		{"empty string", lua.LString(""), `[""]`},
		{"metatable lookalike", lua.LString("<metatable>"), `["<metatable>"]`},
		{"quote and newline", lua.LString("a\"b\nc"), `["a\"b\nc"]`},
		{"unicode", lua.LString("héllo"), `["héllo"]`},
		{"integer", lua.LNumber(1), "[1]"},
		{"negative", lua.LNumber(-3), "[-3]"},
		{"float", lua.LNumber(2.5), "[2.5]"},
		{"huge", lua.LNumber(1e300), "[1e+300]"},
		{"true", lua.LTrue, "[true]"},
		{"false", lua.LFalse, "[false]"},
		{"table", tb, "[" + tb.String() + "]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := KeyToken(c.key); got != c.tok {
				t.Fatalf("KeyToken = %s, want %s", got, c.tok)
			}
			k, err := ParseKeyToken(c.tok)
			if err != nil {
				t.Fatal(err)
			}
			if k.Token() != c.tok {
				t.Errorf("round trip: %s", k.Token())
			}
			if lv := k.LValue(); lv != nil && lv != c.key {
				t.Errorf("LValue = %#v, want %#v", lv, c.key)
			}
		})
	}
	for _, bad := range []string{"", "1abc", "a b", "[", "[]", "[abc]", `["unterminated]`, "[nan]", "a.b"} {
		if _, err := ParseKeyToken(bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("ParseKeyToken(%q): err = %v, want ErrBadToken", bad, err)
		}
	}
	if k, err := ParseKeyToken("end"); err != nil || k.Str != "end" {
		t.Errorf("bare reserved word: %v %v", k, err)
	}
}

func TestParsePath(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Path
		out  string // canonical form, "" means same as in
	}{
		{"root", "", nil, ""},
		{"single", "Foo", Path{"Foo"}, ""},
		{"dotted", "Foo.bar.baz", Path{"Foo", "bar", "baz"}, ""},
		{"brackets", `Foo[1]["odd key"][true]`, Path{"Foo", "[1]", `["odd key"]`, "[true]"}, ""},
		{"bracket first", `[1].x`, Path{"[1]", "x"}, ""},
		{"meta", "Foo.<metatable>.__index", Path{"Foo", MetaToken, "__index"}, ""},
		{"meta first", "<metatable>.__index", Path{MetaToken, "__index"}, ""},
		{"bracket with dot and bracket", `a["x.y]z"].b`, Path{"a", `["x.y]z"]`, "b"}, ""},
		{"escaped quote", `a["q\"]"]`, Path{"a", `["q\"]"]`}, ""},
		{"canonicalises", `["Foo"][1.0]`, Path{"Foo", "[1]"}, "Foo[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePath(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p, c.want) {
				t.Fatalf("ParsePath = %q, want %q", p, c.want)
			}
			out := c.out
			if out == "" {
				out = c.in
			}
			if got := FormatPath(p); got != out {
				t.Errorf("FormatPath = %s, want %s", got, out)
			}
		})
	}
	for _, bad := range []string{"a..b", "a.", "1a", "a b", `a["x`, "a[zz]", "a<metatable>"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q) succeeded", bad)
		}
	}
}

func TestParseDotted(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`
		A = { [1] = { x = 1 }, ["2"] = "string two", [2] = "number two", b = { c = true } }
		setmetatable(A, { __index = function() error("no") end })
	`); err != nil {
		t.Fatal(err)
	}
	root := L.G.Global
	cases := []struct {
		name string
		in   string
		want Path
	}{
		{"empty", "", Path{}},
		{"plain", "A.b.c", Path{"A", "b", "c"}},
		{"numeric falls back to number", "A.1.x", Path{"A", "[1]", "x"}},
		{"numeric string key wins", "A.2", Path{"A", `["2"]`}},
		{"missing stays string", "Nope.x", Path{"Nope", "x"}},
		{"missing numeric", "Nope.3", Path{"Nope", "[3]"}},
		{"negative and float", "Nope.-1.2.5", Path{"Nope", "[-1]", "[2]", "[5]"}},
		{"word that parses as float", "Nope.inf.Infinity", Path{"Nope", "inf", "Infinity"}},
		{"metatable", "A.<metatable>.__index", Path{"A", MetaToken, "__index"}},
		{"canonical form", `A["2"]`, Path{"A", `["2"]`}},
		{"odd string part", "A.odd key", Path{"A", `["odd key"]`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseDotted(root, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p, c.want) {
				t.Fatalf("got %q, want %q", p, c.want)
			}
		})
	}
	if _, err := ParseDotted(root, "A..b"); err == nil {
		t.Error("empty part accepted")
	}
	v, err := Resolve(root, Path{"A", "[2]"})
	if err != nil || v.String() != "number two" {
		t.Errorf("Resolve A[2] = %v, %v", v, err)
	}
	if _, err := Resolve(root, Path{"A", "zz"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing key: err = %v", err)
	}
}

func TestPageGolden(t *testing.T) {
	L := newFixture(t)
	var buf bytes.Buffer
	for _, p := range []string{"Mod", "Mod.<metatable>", "List", "Greet"} {
		path, err := ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Page(L.G.Global, path, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if err := RenderPage(&buf, res); err != nil {
			t.Fatal(err)
		}
		buf.WriteByte('\n')
	}
	golden(t, "page.golden", buf.Bytes())

	res, err := Page(L.G.Global, Path{"Mod"}, 0, 6)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "page.json.golden", jsonOf(t, res))
	assertNoHits(t, L)
}

func TestPageOrderAndOffsets(t *testing.T) {
	L := newFixture(t)
	full, err := Page(L.G.Global, Path{"Mod"}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{MetaToken, "[-1]", "[1]", "[2]", "[2.5]", "[10]", "alpha", "Beta", "enabled",
		`["end"]`, "long", "multi", "name", `["odd key"]`, "ratio", "self", "version", "Zeta", "[true]"}
	if got := keysOf(full.Nodes); !slices.Equal(got, want) {
		t.Fatalf("order:\n got %q\nwant %q", got, want)
	}
	if full.Total != len(want) {
		t.Fatalf("Total = %d, want %d", full.Total, len(want))
	}
	cases := []struct {
		name          string
		offset, limit int
		want          []string
	}{
		{"first with meta", 0, 3, want[0:3]},
		{"skip meta", 1, 3, want[1:4]},
		{"middle", 7, 4, want[7:11]},
		{"tail clipped", 17, 10, want[17:]},
		{"past end", 19, 10, nil},
		{"far past end", 500, 10, nil},
		{"negative offset", -5, 2, want[0:2]},
		{"default limit", 0, 0, want},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Page(L.G.Global, Path{"Mod"}, c.offset, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(res.Nodes); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if res.Total != len(want) {
				t.Errorf("Total = %d", res.Total)
			}
		})
	}
	if _, err := Page(L.G.Global, Path{"Mod", "nope"}, 0, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing path: err = %v", err)
	}
	assertNoHits(t, L)
}

func TestNodeValues(t *testing.T) {
	L := newFixture(t)
	ud := L.NewUserData()
	ud.Value = &bytes.Buffer{}
	ud.Metatable = L.NewTable()
	L.SetGlobal("UD", ud)
	co, _ := L.NewThread()
	L.SetGlobal("Co", co)
	L.SetGlobal("Ch", lua.LChannel(make(chan lua.LValue)))
	L.SetGlobal("Uni", lua.LString(strings.Repeat("é", 100)))
	cases := []struct {
		path    string
		typ     string
		value   string
		defined string
		size    int
	}{
		{"Mod.name", "string", `"Demo"`, "", 4},
		{"Mod.ratio", "number", "0.25", "", 0},
		{"Mod.version", "number", "3", "", 0},
		{"Mod.enabled", "boolean", "true", "", 0},
		{"Mod.long", "string", `"` + strings.Repeat("abc", 26) + "ab…\"", "", 120},
		{"Mod.multi", "string", `"line one\nline two"`, "", 17},
		{"Mod.Zeta", "table", "table (0)", "", 0},
		{"List", "table", "table (3)", "", 3},
		{"Mod.Beta", "function", "function testdata/fixture.lua:16", "testdata/fixture.lua:16", 0},
		{"Greet", "function", "function testdata/fixture.lua:31", "testdata/fixture.lua:31", 0},
		{"print", "function", "function [Go]", "[Go] github.com/yuin/gopher-lua.basePrint", 0},
		{"UD", "userdata", "userdata (*bytes.Buffer)", "", 0},
		{"Co", "thread", "thread", "", 0},
		{"Ch", "channel", "channel", "", 0},
		{"Uni", "string", `"` + strings.Repeat("é", 80) + "…\"", "", 200},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			p, err := ParsePath(c.path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Page(L.G.Global, p[:len(p)-1], 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(res.Nodes, func(n Node) bool { return n.Key == p[len(p)-1] })
			if i < 0 {
				t.Fatalf("%s not listed", c.path)
			}
			n := res.Nodes[i]
			if n.Type != c.typ || n.Value != c.value || n.Defined != c.defined || n.Size != c.size {
				t.Errorf("got %+v", n)
			}
		})
	}
	res, _ := Page(L.G.Global, Path{"UD"}, 0, 10)
	if res.Total != 1 || len(res.Nodes) != 1 || res.Nodes[0].Key != MetaToken {
		t.Errorf("userdata children: %+v", res)
	}
}

func TestCycles(t *testing.T) {
	L := newFixture(t)
	root := L.G.Global
	p := Path{"_G", "_G", "_G", "_G"}
	res, err := Page(root, p, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != tableCount(root) {
		t.Errorf("_G._G... total = %d, want %d", res.Total, tableCount(root))
	}
	res, err = Page(root, Path{"Mod", "self", "self", MetaToken}, 0, 100)
	if err != nil || res.Total != 11 {
		t.Errorf("Mod.self.self.<metatable>: %d entries, %v", res.Total, err)
	}
	// A table that is its own metatable.
	L.DoString(`Loop = {}; setmetatable(Loop, Loop); Loop.__index = Loop`)
	res, err = Page(root, Path{"Loop", MetaToken, MetaToken, "__index"}, 0, 10)
	if err != nil || res.Total != 2 {
		t.Errorf("Loop: %+v %v", res, err)
	}
	sr := Search(root, "self", SearchOptions{Names: true, MaxDepth: 50, Meta: true})
	if sr.Truncated || len(sr.Matches) != 1 || sr.Matches[0].Text != "Mod.self" {
		t.Errorf("search through cycles: %+v", sr)
	}
	s := Snapshot(root, SnapOptions{Open: []Path{{"_G"}, {"Mod"}, {"Loop"}}, Depth: 3})
	if _, ok := s["_G._G._G.Mod"]; !ok {
		t.Errorf("snapshot depth 3 through _G missing _G._G._G.Mod")
	}
	if _, ok := s["_G._G._G._G.Mod"]; ok {
		t.Errorf("snapshot went deeper than asked")
	}
	if _, ok := s["Loop.<metatable>.<metatable>.__index"]; !ok {
		t.Errorf("snapshot of self-metatable missing")
	}
	assertNoHits(t, L)
}

func TestHostile(t *testing.T) {
	L := newFixture(t)
	// Userdata and a proxy table whose metatables are hostile too, plus a
	// userdata whose Go value would panic if formatted with its methods.
	if err := L.DoString(`
		local function boom() rawset(_G, "Hits", (rawget(_G, "Hits") or 0) + 1); error("invoked") end
		local mt = { __index = boom, __newindex = boom, __pairs = boom, __ipairs = boom,
			__tostring = boom, __len = boom, __eq = boom, __lt = boom, __le = boom,
			__concat = boom, __call = boom, __unm = boom, __add = boom, __gc = boom,
			__metatable = false, __name = boom }
		Proxy = setmetatable({}, mt)
		Keyed = setmetatable({}, mt)
		rawset(Keyed, Proxy, "table key")
		rawset(Keyed, boom, "function key")
		setmetatable(_G, mt)
	`); err != nil {
		t.Fatal(err)
	}
	ud := L.NewUserData()
	ud.Value = panicky{}
	ud.Metatable = L.G.Global.RawGetString("Proxy").(*lua.LTable).Metatable
	L.G.Global.RawSetString("Hostile", ud)
	root := L.G.Global

	for _, p := range []Path{{}, {"Proxy"}, {"Proxy", MetaToken}, {"Keyed"}, {"Hostile"}, {"Hostile", MetaToken}, {MetaToken}, {"Mod"}} {
		res, err := Page(root, p, 0, 100)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		var b bytes.Buffer
		RenderPage(&b, res)
		jsonOf(t, res)
	}
	keyed, _ := Page(root, Path{"Keyed"}, 0, 100)
	for _, n := range keyed.Nodes {
		if n.Key == MetaToken {
			continue
		}
		// Reference keys can be followed back within the process.
		if _, err := Resolve(root, Path{"Keyed", n.Key}); err != nil {
			t.Errorf("resolve %s: %v", n.Key, err)
		}
	}
	s1 := Snapshot(root, SnapOptions{Open: []Path{{"Proxy"}, {"Keyed"}, {"Hostile"}, {MetaToken}}, Depth: 2, Identity: true})
	s2 := Snapshot(root, SnapOptions{Open: []Path{{"Proxy"}, {"Keyed"}, {"Hostile"}}, Depth: 2})
	Diff(s1, s2)
	Search(root, "o", SearchOptions{MaxDepth: 5, Meta: true, Limit: 10000})
	ParseDotted(root, "Proxy.x.<metatable>.__index")
	assertNoHits(t, L)
}

// panicky panics if any of its methods is called.
type panicky struct{}

func (panicky) String() string { panic("String called") }
func (panicky) Error() string  { panic("Error called") }

func TestHugeTable(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	ResetCache()
	const n = 100_000
	big := L.NewTable()
	ref := make([]string, 0, n)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("key%06d", r.Intn(10*n))
		if i%3 == 0 {
			k = strings.ToUpper(k[:1]) + k[1:]
		}
		if big.RawGetString(k) == lua.LNil {
			ref = append(ref, k)
		}
		big.RawSetString(k, lua.LNumber(i))
	}
	slices.SortFunc(ref, cmpFold)
	L.SetGlobal("Big", big)
	root := L.G.Global
	p := Path{"Big"}

	first, err := Page(root, p, 0, 100) // selection, not cached
	if err != nil {
		t.Fatal(err)
	}
	if first.Total != len(ref) || !slices.Equal(keysOf(first.Nodes), ref[:100]) {
		t.Fatalf("first page wrong: total %d/%d, %q...", first.Total, len(ref), keysOf(first.Nodes)[:3])
	}
	cases := []struct {
		name          string
		offset, limit int
	}{
		{"second page", 100, 100},
		{"middle", len(ref) / 2, 250},
		{"last", len(ref) - 7, 100},
		{"first again (cached)", 0, 100},
		{"large first page (full sort)", 0, len(ref) / 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Page(root, p, c.offset, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			end := min(c.offset+c.limit, len(ref))
			if !slices.Equal(keysOf(res.Nodes), ref[c.offset:end]) {
				t.Errorf("page %d+%d wrong", c.offset, c.limit)
			}
		})
	}

	// Changes after caching are seen.
	big.RawSetString("AAA", lua.LTrue)
	big.RawSetString(ref[0], lua.LNil)
	res, _ := Page(root, p, 0, 3)
	if got := keysOf(res.Nodes); got[0] != "AAA" || got[1] != ref[1] {
		t.Errorf("after change: %q", got)
	}
	res, _ = Page(root, p, 100, 3) // from the cache again
	if got := keysOf(res.Nodes); !slices.Equal(got, ref[100:103]) {
		t.Errorf("after change, offset 100: %q, want %q", got, ref[100:103])
	}
	// A change the stamp cannot see (same counts: remove a key, re-add a
	// key deleted earlier) is caught when a vanished key is served.
	big.RawSetString("AAA", lua.LNil)
	big.RawSetString(ref[0], lua.LTrue)
	res, _ = Page(root, p, 0, 3)
	if got := keysOf(res.Nodes); !slices.Equal(got, ref[:3]) {
		t.Errorf("stale cache not detected: %q, want %q", got, ref[:3])
	}

	// Array tables are ordered numerically.
	arr := L.NewTable()
	for i := 1; i <= n; i++ {
		arr.RawSetInt(i, lua.LNumber(i))
	}
	arr.RawSetString("x", lua.LTrue)
	arr.RawSetH(lua.LNumber(0.5), lua.LTrue)
	L.SetGlobal("Arr", arr)
	res, _ = Page(root, Path{"Arr"}, 0, 3)
	if got := keysOf(res.Nodes); !slices.Equal(got, []string{"[0.5]", "[1]", "[2]"}) {
		t.Errorf("array first page: %q", got)
	}
	res, _ = Page(root, Path{"Arr"}, n, 5)
	if got := keysOf(res.Nodes); !slices.Equal(got, []string{"[100000]", "x"}) || res.Total != n+2 {
		t.Errorf("array last page: %q total %d", got, res.Total)
	}
}

func TestSnapshotDiffGolden(t *testing.T) {
	L := newFixture(t)
	opts := SnapOptions{Open: []Path{{"Mod"}, {"List"}}, Identity: true}
	before := Snapshot(L.G.Global, opts)
	runFile(t, L, "testdata/step2.lua")
	after := Snapshot(L.G.Global, opts)
	d := Diff(before, after)
	var buf bytes.Buffer
	if err := RenderDiff(&buf, d); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff.golden", buf.Bytes())
	golden(t, "diff.json.golden", jsonOf(t, d))
	assertNoHits(t, L)

	// Snap round-trips through JSON and still diffs equal.
	var back Snap
	if err := json.Unmarshal(jsonOf(t, after), &back); err != nil {
		t.Fatal(err)
	}
	if d := Diff(after, back); !d.Empty() {
		t.Errorf("JSON round trip changed the snapshot: %+v", d)
	}
}

func TestDiffCases(t *testing.T) {
	cases := []struct {
		name     string
		setup    string // run before the first snapshot
		change   string // run between the snapshots
		identity bool
		want     string // RenderDiff output
	}{
		{"no change", `T = {1}`, ``, false, "0 added, 0 removed, 0 changed\n"},
		{"table contents, same pointer", `T = {a = 1}`, `T.a = 2`, false,
			"~ T  table (1) (contents changed)\n0 added, 0 removed, 1 changed\n"},
		{"table size", `T = {a = 1}`, `T.b = 2`, false,
			"~ T  table (1) -> table (2)\n0 added, 0 removed, 1 changed\n"},
		{"nested table grows", `T = {sub = {}}`, `T.sub[1] = 1`, false,
			"~ T  table (1) (contents changed)\n0 added, 0 removed, 1 changed\n"},
		{"equal new table, structural", `T = {a = 1}`, `T = {a = 1}`, false, "0 added, 0 removed, 0 changed\n"},
		{"equal new table, identity", `T = {a = 1}`, `T = {a = 1}`, true,
			"~ T  table (1) (contents changed)\n0 added, 0 removed, 1 changed\n"},
		{"same function recompiled, structural", `function F() return 1 end`, `function F() return 1 end`, false,
			"0 added, 0 removed, 0 changed\n"},
		{"function body changed", `function F() return 1 end`, `function F() return 2 end`, false,
			"~ F  function <string>:1 (contents changed)\n0 added, 0 removed, 1 changed\n"},
		{"same closure, identity", `function mk() return function() end end; F = mk()`, `F = mk()`, true,
			"0 added, 0 removed, 0 changed\n"},
		{"type change", `X = 1`, `X = "1"`, false, "~ X  1 -> \"1\"\n0 added, 0 removed, 1 changed\n"},
		{"metatable set", `T = {}`, `setmetatable(T, {})`, false,
			"~ T  table (0) (contents changed)\n0 added, 0 removed, 1 changed\n"},
		{"add and remove sorted", `b = 1; B2 = 1`, `b = nil; B2 = nil; a = 1; Z = 1; _G[2] = 1; _G[10] = 1; _G["x y"] = 1`, false,
			"+ [2]      1\n+ [10]     1\n+ a        1\n+ [\"x y\"]  1\n+ Z        1\n- b        1\n- B2       1\n5 added, 2 removed, 0 changed\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			L := lua.NewState(lua.Options{SkipOpenLibs: true})
			defer L.Close()
			lua.OpenBase(L)
			if err := L.DoString(c.setup); err != nil {
				t.Fatal(err)
			}
			a := Snapshot(L.G.Global, SnapOptions{Identity: c.identity})
			if err := L.DoString(c.change); err != nil {
				t.Fatal(err)
			}
			b := Snapshot(L.G.Global, SnapOptions{Identity: c.identity})
			var buf bytes.Buffer
			RenderDiff(&buf, Diff(a, b))
			if buf.String() != c.want {
				t.Errorf("got\n%s\nwant\n%s", buf.String(), c.want)
			}
		})
	}
}

func TestDiffAcrossStates(t *testing.T) {
	L1, L2 := newFixture(t), newFixture(t)
	opts := SnapOptions{Open: []Path{{"Mod"}, {"List"}, {"Mod", "alpha"}}, Depth: 2}
	a, b := Snapshot(L1.G.Global, opts), Snapshot(L2.G.Global, opts)
	if d := Diff(a, b); !d.Empty() {
		var buf bytes.Buffer
		RenderDiff(&buf, d)
		t.Errorf("two identical contexts differ:\n%s", buf.String())
	}
	runFile(t, L2, "testdata/step2.lua")
	d := Diff(a, Snapshot(L2.G.Global, opts))
	if len(d.Changed) == 0 || len(d.Added) == 0 || len(d.Removed) == 0 {
		t.Errorf("expected changes across contexts: %+v", d)
	}
}

func TestSearch(t *testing.T) {
	L := newFixture(t)
	root := L.G.Global
	cases := []struct {
		name  string
		query string
		opts  SearchOptions
		want  []string
		trunc bool
	}{
		{"name case-insensitive", "GREET", SearchOptions{Names: true}, []string{"Greet"}, false},
		{"nested name bfs order", "e", SearchOptions{Names: true, MaxDepth: 3, Limit: 5},
			[]string{"_GOPHER_LUA_VERSION", "_printregs", "_VERSION", "assert", "channel"}, true},
		{"value string", "HALF", SearchOptions{Values: true}, []string{"Mod[2.5]"}, false},
		{"value number", "0.25", SearchOptions{Values: true}, []string{"Mod.ratio"}, false},
		{"values not names", "alpha", SearchOptions{Values: true}, nil, false},
		{"depth 1", "deep", SearchOptions{MaxDepth: 1}, nil, false},
		{"depth 4", "deep", SearchOptions{MaxDepth: 4}, []string{"Mod.alpha.nested.deep"}, false},
		{"number key name", "[10]", SearchOptions{Names: true}, []string{"Mod[10]"}, false},
		{"number key digits", "10", SearchOptions{Names: true}, []string{"math.log10", "Mod[10]"}, false},
		{"meta off", "__tostring", SearchOptions{Names: true}, nil, false},
		{"meta on", "__tostring", SearchOptions{Names: true, Meta: true}, []string{"Mod.<metatable>.__tostring", "io.stderr.<metatable>.__tostring"}, false},
		{"limit", "a", SearchOptions{Limit: 2}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Search(root, c.query, c.opts)
			var got []string
			for _, m := range r.Matches {
				got = append(got, m.Text)
				if _, err := Resolve(root, m.Path); err != nil {
					t.Errorf("match %s does not resolve: %v", m.Text, err)
				}
			}
			if c.want != nil && !slices.Equal(got, c.want) || c.want == nil && c.name != "limit" && len(got) != 0 {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if r.Truncated != c.trunc {
				t.Errorf("Truncated = %v", r.Truncated)
			}
		})
	}
	assertNoHits(t, L)
}

func TestCacheEviction(t *testing.T) {
	ResetCache()
	L := lua.NewState()
	defer L.Close()
	var tabs []*lua.LTable
	for i := 0; i < cacheEntries+3; i++ {
		tb := L.NewTable()
		for j := 0; j < cacheMinKeys*2; j++ {
			tb.RawSetString(fmt.Sprint("k", j), lua.LNumber(j))
		}
		tabs = append(tabs, tb)
		L.SetGlobal(fmt.Sprint("T", i), tb)
		if _, err := Page(L.G.Global, Path{fmt.Sprint("T", i)}, 10, 10); err != nil {
			t.Fatal(err)
		}
	}
	orderCache.Lock()
	n := len(orderCache.entries)
	orderCache.Unlock()
	if n != cacheEntries {
		t.Errorf("cache holds %d tables, want %d", n, cacheEntries)
	}
	ResetCache()
}

// refLess is the documented display order, written independently.
func refCompare(a, b lua.LValue) int {
	class := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		case lua.LBool:
			return 2
		}
		return 3
	}
	ca, cb := class(a), class(b)
	if ca != cb {
		return ca - cb
	}
	switch ca {
	case 0:
		x, y := float64(a.(lua.LNumber)), float64(b.(lua.LNumber))
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case 1:
		x, y := string(a.(lua.LString)), string(b.(lua.LString))
		if c := strings.Compare(strings.ToLower(x), strings.ToLower(y)); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	case 2:
		x, y := bool(a.(lua.LBool)), bool(b.(lua.LBool))
		if x == y {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	}
	return strings.Compare(a.String(), b.String())
}

func TestSortMatchesReference(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	words := []string{"", "a", "A", "b", "B", "é", "É", "e", "E", "f", "ß", "SS", "ss", "Ω", "ω", "z", "Z", "_", "-", "~", "é\x00", "\xff", "日本"}
	for _, n := range []int{5, 300, radixMin + 1, 20000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ResetCache()
			r := rand.New(rand.NewSource(int64(n)))
			tb := L.NewTable()
			var keys []lua.LValue
			add := func(k lua.LValue) {
				if tb.RawGet(k) == lua.LNil {
					keys = append(keys, k)
				}
				tb.RawSet(k, lua.LTrue)
			}
			for len(keys) < n {
				switch r.Intn(7) {
				case 0:
					add(lua.LNumber(r.Intn(2*n) - n/2))
				case 1:
					add(lua.LNumber(r.NormFloat64() * 1e6))
				case 2:
					add(lua.LString(fmt.Sprintf("%s%d%s", words[r.Intn(len(words))], r.Intn(n), words[r.Intn(len(words))])))
				case 3:
					add(lua.LString(words[r.Intn(len(words))] + words[r.Intn(len(words))] + words[r.Intn(len(words))]))
				case 4:
					add(lua.LString(strings.Repeat("prefixPREFIX", 1+r.Intn(2)) + fmt.Sprint(r.Intn(n))))
				case 5:
					add(lua.LBool(r.Intn(2) == 0))
				case 6:
					if r.Intn(20) == 0 {
						add(L.NewTable())
					} else {
						add(lua.LNumber(r.Intn(n) + 1))
					}
				}
			}
			slices.SortFunc(keys, refCompare)
			want := make([]string, len(keys))
			for i, k := range keys {
				want[i] = KeyToken(k)
			}
			got, total, _ := orderedKeys(tb, 0, -1)
			if total != n || len(got) != n {
				t.Fatalf("total %d, got %d keys, want %d", total, len(got), n)
			}
			for i, k := range got {
				if KeyToken(k) != want[i] {
					t.Fatalf("full sort differs at %d: %s, want %s", i, KeyToken(k), want[i])
				}
			}
			sel := selectFirst(tb, min(50, n))
			for i, k := range sel {
				if KeyToken(k) != want[i] {
					t.Fatalf("selection differs at %d: %s, want %s", i, KeyToken(k), want[i])
				}
			}
			// Parsed tokens order the same way (used to sort diffs).
			for i := 1; i < min(n, 2000); i++ {
				a, _ := ParseKeyToken(want[i-1])
				b, _ := ParseKeyToken(want[i])
				if compareKeys(a, b) > 0 {
					t.Fatalf("compareKeys(%s, %s) > 0", want[i-1], want[i])
				}
			}
		})
	}
}

func TestConcurrentStates(t *testing.T) {
	ResetCache()
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			L := lua.NewState()
			defer L.Close()
			tb := L.NewTable()
			for i := 0; i < 3000; i++ {
				tb.RawSetString(fmt.Sprint("k", i), lua.LNumber(i))
			}
			L.SetGlobal("T", tb)
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				_, err = Page(L.G.Global, Path{"T"}, i*100, 100)
				Snapshot(L.G.Global, SnapOptions{Open: []Path{{"T"}}})
				Search(L.G.Global, "k29", SearchOptions{})
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestRenderEdgeCases(t *testing.T) {
	L := newFixture(t)
	cases := []struct {
		name   string
		render func(*bytes.Buffer) error
		want   string
	}{
		{"page past end", func(b *bytes.Buffer) error {
			res, _ := Page(L.G.Global, Path{"List"}, 10, 5)
			return RenderPage(b, res)
		}, "List = table (3)  [none from 11 of 3]\n"},
		{"page slice", func(b *bytes.Buffer) error {
			res, _ := Page(L.G.Global, Path{"List"}, 1, 1)
			return RenderPage(b, res)
		}, "List = table (3)  [2-2 of 3]\nKEY  TYPE    VALUE  DEFINED\n[2]  number  20\n"},
		{"provenance", func(b *bytes.Buffer) error {
			res, _ := Page(L.G.Global, nil, 0, 1000)
			var keep []Node
			for _, n := range res.Nodes {
				if n.Key == "Greet" || n.Key == "Counter" {
					n.Provenance = &Provenance{AssignedAt: "mods/a.lua:3"}
					keep = append(keep, n)
				}
			}
			res.Nodes, res.Total = keep, 2
			return RenderPage(b, res)
		}, "(root) = table (" + fmt.Sprint(tableCount(L.G.Global)) + ")  [1-2 of 2]\n" +
			"KEY      TYPE      VALUE                             DEFINED\n" +
			"Counter  number    0                                 set mods/a.lua:3\n" +
			"Greet    function  function testdata/fixture.lua:31  testdata/fixture.lua:31, set mods/a.lua:3\n"},
		{"search", func(b *bytes.Buffer) error {
			return RenderSearch(b, Search(L.G.Global, "second", SearchOptions{Values: true}))
		}, "Mod[2]  string  \"second\"\n1 matches for \"second\", " + fmt.Sprint(Search(L.G.Global, "second", SearchOptions{Values: true}).Visited) + " entries examined\n"},
		{"empty diff", func(b *bytes.Buffer) error { return RenderDiff(b, DiffResult{}) }, "0 added, 0 removed, 0 changed\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := c.render(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != c.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), c.want)
			}
		})
	}
}
