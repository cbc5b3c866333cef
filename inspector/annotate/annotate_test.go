package annotate

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// fixtureSet loads testdata/fixture.lua in a plain state and describes it.
func fixtureSet(t *testing.T) Set {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	if err := L.DoFile("testdata/fixture.lua"); err != nil {
		t.Fatal(err)
	}
	api := Collect("main", L.G.Global, Options{})
	return Set{Folder: "fixture", Model: "test", Contexts: []API{api}, StandIns: []StandIn{
		{Name: "GetMapSize", Calls: 3, Arities: []int{0, 2}, First: "Lua/Map.lua:4"},
		{Name: "UIL", First: "UI/Hud.lua:7"},
		{Name: "UIL.GetScreenSize", Calls: 1, Arities: []int{0}, First: "UI/Hud.lua:7"},
		{Name: "Colony.Missing", Calls: 2, First: "Lua/Colony.lua:9"},
		{Name: "Colony.version", Calls: 1, First: "x.lua:1"}, // defined after all: left out
		{Name: "terrain.GetHeight().x", First: "x.lua:2"},    // not a name: left out
		{Name: "UnknownParent", Kind: "class", First: "Classes.lua:1"},
		{Name: "const.MaxThings", First: "Lua/Const.lua:2"},
	}}
}

func TestCollectFixture(t *testing.T) {
	set := fixtureSet(t)
	byName := map[string]Value{}
	for _, v := range set.Contexts[0].Globals {
		byName[v.Name] = v
	}
	tests := []struct {
		name  string
		check func() string // "" when fine
	}{
		{"standard library left out", func() string {
			for _, n := range []string{"print", "string", "_G", "_GOPHER_LUA_VERSION"} {
				if _, ok := byName[n]; ok {
					return n + " was collected"
				}
			}
			return ""
		}},
		{"keys that are not names left out", func() string {
			for _, n := range []string{"odd key", "end"} {
				if _, ok := byName[n]; ok {
					return n + " was collected"
				}
			}
			return ""
		}},
		{"constants keep their literal", func() string {
			if v := byName["MaxColonists"]; v.Kind != KindNumber || v.Literal != "20" {
				return "MaxColonists: " + v.Kind + " " + v.Literal
			}
			if v := byName["GameName"]; v.Literal != `"Red \"Planet\""` {
				return "GameName: " + v.Literal
			}
			if v := byName["Weird"]; v.Literal != "" || v.Kind != KindString {
				return "Weird (multi-line) has a literal: " + v.Literal
			}
			return ""
		}},
		{"function parameters by name", func() string {
			f := byName["SpawnColonist"].Func
			if f == nil || strings.Join(f.Params, ",") != "name,age,traits" || f.Vararg {
				return "SpawnColonist: " + strings.Join(f.Params, ",")
			}
			if w := byName["SpawnColonist"].Where; w != "testdata/fixture.lua:37" {
				return "SpawnColonist where " + w
			}
			return ""
		}},
		{"Haemimont class with parent and own members only", func() string {
			d := byName["Dome"]
			if d.Kind != KindClass || strings.Join(d.Parents, ",") != "Building" {
				return "Dome: " + d.Kind + " " + strings.Join(d.Parents, ",")
			}
			var names []string
			for _, f := range d.Fields {
				names = append(names, f.Name)
			}
			if got := strings.Join(names, ","); got != "capacity,class,Expand,radius" {
				return "Dome fields: " + got
			}
			return ""
		}},
		{"metatable inheritance", func() string {
			d := byName["Dog"]
			if d.Kind != KindClass || strings.Join(d.Parents, ",") != "Animal" {
				return "Dog: " + d.Kind + " " + strings.Join(d.Parents, ",")
			}
			if a := byName["Animal"]; a.Kind != KindClass || len(a.Parents) != 0 {
				return "Animal: " + a.Kind
			}
			return ""
		}},
		{"plain table is not a class", func() string {
			if c := byName["Colony"]; c.Kind != KindTable {
				return "Colony: " + c.Kind
			}
			return ""
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if msg := tc.check(); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestWriteFixture pins the files written for the fixture and checks that
// each parses as Lua and shows methods and parameter names.
func TestWriteFixture(t *testing.T) {
	dir := t.TempDir()
	files, err := Write(fixtureSet(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	got := readFiles(t, files, dir)
	CheckLua(t, files)
	for _, want := range []string{
		"---@class Dome : Building",
		"function Dome:Expand(by, animate) end",
		"function Building.Count(list, ...) end",
		"function SpawnColonist(name, age, traits) end",
		"---@class Dog : Animal",
		"function Dog:Fetch(item, distance) end",
		"-- defined at testdata/fixture.lua:37",
		"function GetMapSize(arg1, arg2) end",
		"---@param arg1? any",
		"function UIL.GetScreenSize() end",
		"function Colony.Missing(...) end",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, unwanted := range []string{"function Colony.version", "terrain", "Dome:GetCapacity", "Dome.Init"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("output has %q", unwanted)
		}
	}
	Golden(t, "testdata/fixture.golden", got)
}

// readFiles joins the files written into dir, each under a header line,
// with dir replaced by OUT.
func readFiles(t *testing.T, files []string, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("==== " + filepath.Base(f) + "\n")
		b.WriteString(strings.ReplaceAll(string(data), dir, "OUT"))
	}
	return b.String()
}

// CheckLua fails t unless every .lua file of files parses as Lua and
// starts with ---@meta.
func CheckLua(t *testing.T, files []string) {
	t.Helper()
	for _, f := range files {
		if !strings.HasSuffix(f, ".lua") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "---@meta\n") {
			t.Errorf("%s does not start with ---@meta", f)
		}
		if _, err := parse.Parse(strings.NewReader(string(data)), f); err != nil {
			t.Errorf("%s does not parse: %v", f, err)
		}
	}
}

// Golden compares got with the file at path (rewritten with -update).
func Golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s", path, got)
	}
}
