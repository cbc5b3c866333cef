package autorun_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modscope/engine"
)

// TestEngineLoadOrder runs testdata/loader, a tree in the shape of a
// Haemimont game with every rule of the engine's loader in it: __load.lua
// folders, "__" files and folders, mixed-case names, subfolders, constants,
// the class messages, late-loaded XTemplates, data, and two mods (one
// depending on the other) with items and options. The golden
// (testdata/loader.golden) is the order the files ran in (the global
// Trace), the messages with their arguments, and the errors.
func TestEngineLoadOrder(t *testing.T) {
	t.Setenv(engine.CacheEnv, "off")
	s := open(t, filepath.Join("testdata", "loader"), engine.Options{Mode: engine.ModeStrict})
	if r := do(t, s, "run"); !r.OK {
		t.Fatalf("run: %s", r.Error)
	}
	rep := s.Report()
	var b strings.Builder
	b.WriteString("# steps\n")
	for _, st := range rep.Steps {
		if st.Kind != "step" {
			continue
		}
		b.WriteString(st.Name)
		for _, m := range rep.Messages {
			if m.Step != st.Name {
				continue
			}
			b.WriteString(" | " + m.Name)
			if len(m.Args) > 0 {
				b.WriteString("(" + strings.Join(m.Args, ", ") + ")")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("# trace\n")
	trace := eval(t, s, `return table.concat(Trace, "\n")`)
	b.WriteString(trace + "\n")
	b.WriteString("# errors\n")
	for _, e := range errorsOf(rep) {
		b.WriteString(e + "\n")
	}
	golden := filepath.Join("testdata", "loader.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("load order changed; run `go test ./engine/autorun -run TestEngineLoadOrder -update` and review the diff.\n got:\n%s", b.String())
	}

	// The rules, spelled out (the golden is the whole picture).
	lines := strings.Split(trace, "\n")
	index := func(s string) int {
		for i, l := range lines {
			if l == s {
				return i
			}
		}
		return -1
	}
	for _, tc := range []struct {
		name          string
		before, after string
	}{
		{"files sort case-insensitively", "CommonLua/A.lua", "CommonLua/b.lua"},
		{"an underscore sorts before letters", "CommonLua/Classes/_first.lua", "CommonLua/Classes/Alpha.lua"},
		{"files before subfolders", "CommonLua/Classes/zeta.lua", "CommonLua/Classes/Sub/inner.lua"},
		{"_const.lua runs first in Lua/", "Lua/_const.lua", "Lua/Colony.lua"},
		{"folders sort case-insensitively", "Lua/buildings/Dome.lua", "Lua/Zeta/z.lua"},
		{"a dependency loads first", "Lib: Lib Mods/Lib Mod/", "User: Generated.lua (outside Code/: first)"},
		{"code outside Code/ runs before Code/", "User: Generated.lua (outside Code/: first)", "User: Code/main.lua, Lib loaded true, options now nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i, j := index(tc.before), index(tc.after)
			if i < 0 || j < 0 || i > j {
				t.Errorf("%q (at %d) should run before %q (at %d)", tc.before, i, tc.after, j)
			}
		})
	}
	for _, skipped := range []string{"CommonLua/__stub.lua", "CommonLua/Classes/__Dev/dev.lua", "Lua/__notes.lua", "Data/MapData/m.lua"} {
		if index(skipped) >= 0 {
			t.Errorf("%s ran; the engine skips it", skipped)
		}
	}
}

// TestMessageSequence checks the messages of a first load, in order, each
// once, with MsgClear after those the engine clears.
func TestMessageSequence(t *testing.T) {
	t.Setenv(engine.CacheEnv, "off")
	s := open(t, filepath.Join("testdata", "loader"), engine.Options{Mode: engine.ModeStrict})
	do(t, s, "run")
	var got []string
	for _, m := range s.Report().Messages {
		got = append(got, m.Name)
	}
	want := []string{"Autorun", "ClassesGenerate", "ClassesPreprocess", "ClassesPostprocess", "ClassesBuilt",
		"ClassesPostBuilt", "Start", "DataLoading", "DataPreprocess", "DataPostprocess", "DataLoaded",
		"ApplyModOptions", "ModsReloaded"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("messages\n got %v\nwant %v", got, want)
	}
	// Cleared once sent: a later Msg finds no handler.
	for _, name := range []string{"ClassesBuilt", "DataLoaded", "Start", "Autorun"} {
		if got := eval(t, s, `return #Trace`); got == "" {
			t.Fatal("no trace")
		}
		before := eval(t, s, `return #Trace`)
		do(t, s, "msg "+name)
		if after := eval(t, s, `return #Trace`); after != before {
			t.Errorf("Msg(%q) after the load still ran a handler (the engine clears it)", name)
		}
	}
	// ApplyModOptions is not cleared: the player applies options later.
	before := eval(t, s, `return #Trace`)
	do(t, s, `msg ApplyModOptions "User"`)
	if after := eval(t, s, `return #Trace`); after == before {
		t.Errorf("ApplyModOptions handlers were cleared")
	}
}

// TestCoreFunctions checks the core functions real code relies on.
func TestCoreFunctions(t *testing.T) {
	dir := writeGame(t, map[string]string{
		"modscope.toml": "[autorun]\nlua_revision = 1234567\nbuild_version = \"b42\"\n",
		"Lua/a.lua": `
DefineConst{ group = "G", id = "X", value = 5 }
DefineConst{ group = "G", id = "", value = 7 }
DefineConst{ id = "Top", type = "bool" }
DefineConstInt("G", "Y", 2, "sec")
GlobalVar("g_Thing", function() return { n = 1 } end)
GlobalVar("g_Num", 3)
Touched = false
setmetatable(Presets, { __newindex = function(t, k, v) if k == "Later" then Touched = true end rawset(t, k, v) end })
Obj = PlaceObj("Later", { "id", "o1", "value", 9 })
DefineClass("Later", { value = 1, Kind = function(self) return "later " .. self.value end })
DefineClass("Empty")
DefineClass("Child", "Later")
Twice = DefineClass.Later
DefineClass.Later = { value = 2 }
Cat = T(1, "Hello") .. " " .. T{2, "World"}
Cat2 = table.concat({ T(3, "a"), T(4, "b") }, ", ")
Empty = T(5, "")
`,
	})
	s := open(t, dir, engine.Options{Mode: engine.ModeStrict})
	do(t, s, "run")
	for _, tc := range []struct{ name, code, want string }{
		{"const group", `return const.G.X, const.G[1], const.Top`, "5\t7\ttrue"},
		{"DefineConstInt scales", `return const.G.Y`, "2000"},
		{"Presets.ConstDef groups", `return #Presets.ConstDef.G, Presets.ConstDef.G.X.value`, "3\t5"},
		{"LuaRevision from modscope.toml", `return LuaRevision, BuildVersion`, "1234567\tb42"},
		{"GlobalVar is false while loading", `return g_Thing, g_Num`, "false\tfalse"},
		{"GlobalVar gets its value on a new map", `ChangeMap("m") return g_Thing.n, g_Num`, "1\t3"},
		{"PlaceObj before the build becomes an instance", `return Obj:Kind(), IsKindOf(Obj, "Later"), Obj.id`, "later 9\ttrue\to1"},
		{"PlaceObj never writes Presets", `return Touched`, "false"},
		{"DefineClass forms", `return IsKindOf(Child, "Later"), Empty == ""`, "true\ttrue"},
		{"the first definition wins", `return Later.value`, "1"},
		{"T concatenation is a T", `return IsT(Cat), getmetatable(Cat) == TConcatMeta, _InternalTranslate(Cat)`, "true\ttrue\tHello World"},
		{"table.concat of Ts", `return IsT(Cat2), _InternalTranslate(Cat2)`, "true\ta, b"},
		{"empty T text is the empty string", `return Empty`, ""},
		{"DefineClass is gone after the build", `return (pcall(DefineClass, "New"))`, "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := eval(t, s, tc.code); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
	var redefined bool
	for _, e := range errorsOf(s.Report()) {
		if strings.Contains(e, "Redefinition of class Later") {
			redefined = true
		} else {
			t.Errorf("unexpected error %s", e)
		}
	}
	if !redefined {
		t.Errorf("the redefinition of Later was not reported")
	}
}

// TestReloadRefillsClasses: a reload refills the class tables of the
// previous load (classes.lua), so an object made before the reload gets the
// methods of the edited code.
func TestReloadRefillsClasses(t *testing.T) {
	dir := writeGame(t, map[string]string{
		"Lua/a.lua": `
DefineClass.Foo = { __parents = { "Base" } }
DefineClass.Base = {}
function Foo:Say() return "one" end
Obj = rawget(_G, "Obj") or false
function OnMsg.ClassesBuilt() if not Obj then Obj = Foo:new() end end`,
	})
	s := open(t, dir, engine.Options{Mode: engine.ModeStrict})
	do(t, s, "run")
	if got := eval(t, s, "return Obj:Say()"); got != "one" {
		t.Fatalf("before the reload: %s", got)
	}
	src, err := os.ReadFile(filepath.Join(dir, "Lua", "a.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Lua", "a.lua"), []byte(strings.Replace(string(src), `"one"`, `"two"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, s, "reload")
	do(t, s, "run")
	if got := eval(t, s, "return Obj:Say(), IsKindOf(Obj, 'Base'), Foo == g_Classes.Foo"); got != "two\ttrue\ttrue" {
		t.Errorf("after the reload: %s", got)
	}
	if errs := errorsOf(s.Report()); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
}
