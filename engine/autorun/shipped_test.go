package autorun_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"modscope/engine"
)

// TestShippedLoader runs testdata/shipped, a folder with its own
// CommonLua/Core/autorun.lua (a lib.lua-style dofolder, a class built in
// Msg("Autorun"), messages): the folder's loader drives the load. The
// golden (testdata/shipped.golden) is each step with the messages it sent,
// the files it ran and the globals it added, then the errors.
func TestShippedLoader(t *testing.T) {
	t.Setenv(engine.CacheEnv, "off")
	for _, mode := range []string{engine.ModeStubs, engine.ModeStrict} {
		t.Run(mode, func(t *testing.T) {
			s := open(t, filepath.Join("testdata", "shipped"), engine.Options{Mode: mode})
			do(t, s, "run")
			var b strings.Builder
			rep := s.Report()
			for _, st := range rep.Steps {
				if st.Kind != "step" {
					continue
				}
				b.WriteString("## " + st.Name + "\n")
				b.WriteString("messages: " + strings.Join(st.Messages, ", ") + "\n")
				var files []string
				for _, f := range st.Files {
					files = append(files, f.Path)
				}
				b.WriteString("files: " + strings.Join(files, ", ") + "\n")
				added := append([]string(nil), st.GlobalsAdded...)
				sort.Strings(added)
				b.WriteString("globals added: " + strings.Join(added, ", ") + "\n")
			}
			b.WriteString("## errors\n")
			for _, e := range errorsOf(rep) {
				b.WriteString(e + "\n")
			}
			b.WriteString("## output\n")
			for _, o := range rep.Output {
				b.WriteString(o.Level + " " + o.Text + "\n")
			}
			b.WriteString("## trace\n" + eval(t, s, `return table.concat(Trace, "\n")`) + "\n")
			b.WriteString("## values\n" + eval(t, s, `return table.concat({tostring(FirstLoad), tostring(Loading), tostring(UnitHP), g_Classes.Merc.name, tostring(Platform.pc), tostring(Platform.cmdline), CmdLine}, " ")`) + "\n")
			golden := filepath.Join("testdata", "shipped.golden")
			if mode == engine.ModeStrict {
				golden = filepath.Join("testdata", "shipped-strict.golden")
			}
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
				t.Errorf("shipped load changed; run `go test ./engine/autorun -run TestShippedLoader -update` and review the diff.\n got:\n%s", b.String())
			}
		})
	}
}

// TestShippedStepping stops before the loader's stages: before
// dofolder("Lua") nothing of Lua/ ran; before Msg("ClassesBuilt") its
// handler has not run; one more step runs it.
func TestShippedStepping(t *testing.T) {
	s := open(t, filepath.Join("testdata", "shipped"), engine.Options{})
	stepTo := func(name string) {
		t.Helper()
		for i := 0; i < 100; i++ {
			steps, next := s.Steps()
			if next < len(steps) && steps[next] == name {
				return
			}
			if next >= len(steps) {
				break
			}
			do(t, s, "step")
		}
		steps, _ := s.Steps()
		t.Fatalf("the load never paused before %s (steps: %s)", name, strings.Join(steps, ", "))
	}
	for _, tc := range []struct {
		name, before, code, want string
	}{
		{"nothing of Lua/ ran before dofolder(\"Lua\")", `dofolder("Lua")`, `return tostring(rawget(_G, "Unit"))`, "nil"},
		{"the class exists before Msg(\"ClassesBuilt\")", `Msg("ClassesBuilt")`, `return g_Classes.Merc.name`, "Ivan"},
		{"the handler has not run before Msg(\"ClassesBuilt\")", `Msg("ClassesBuilt")`, `return tostring(rawget(_G, "UnitHP"))`, "nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stepTo(tc.before)
			if got := eval(t, s, tc.code); got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.code, got, tc.want)
			}
		})
	}
	do(t, s, "step")
	if got := eval(t, s, `return tostring(UnitHP)`); got != "10" {
		t.Errorf("after Msg(\"ClassesBuilt\") UnitHP = %q, want 10", got)
	}
}

// TestShippedReload re-runs the shipped loader through the game's own
// ReloadLua: autorun.lua runs again with FirstLoad false.
func TestShippedReload(t *testing.T) {
	s := open(t, filepath.Join("testdata", "shipped"), engine.Options{})
	do(t, s, "run")
	// the fixture's Ghost class fails its assert again: the reload reports it
	if r := do(t, s, "reload"); !strings.Contains(r.Error, "Ghost") && !r.OK {
		t.Fatalf("reload: %s", r.Error)
	}
	steps, next := s.Steps()
	if len(steps) == 0 || steps[0] != "ReloadLua()" || next != len(steps) {
		t.Fatalf("reload steps = %v (next %d), want ReloadLua() first, all run", steps, next)
	}
	for _, want := range []string{`Msg("ReloadLua")`, `dofile("CommonLua/Core/autorun.lua")`, `dofile("CommonLua/Core/lib.lua")`, `dofolder("Lua")`, `Msg("ClassesBuilt")`, `Msg("AutorunEnd")`} {
		found := false
		for _, st := range steps {
			found = found || st == want
		}
		if !found {
			t.Errorf("reload steps %v lack %s", steps, want)
		}
	}
	if got := eval(t, s, `return Loads .. " " .. tostring(FirstLoad) .. " " .. tostring(Loading)`); got != "2 false false" {
		t.Errorf("after reload: %q, want \"2 false false\"", got)
	}
	if got := s.Do(engine.Command{Op: "api", Args: []any{"main"}}); !got.OK {
		t.Errorf("api after reload: %s", got.Error)
	}
}

// TestShippedListFiles checks io.listfiles and AsyncListFiles: masks,
// folders, recursion and relative paths, confined to the folder.
func TestShippedListFiles(t *testing.T) {
	s := open(t, filepath.Join("testdata", "shipped"), engine.Options{})
	do(t, s, "run")
	for _, tc := range []struct{ name, code, want string }{
		{"non recursive lua files", `return table.concat(io.listfiles("Lua", "*.lua", "non recursive"), ",")`, "Lua/Game.lua,Lua/__ignored.lua"},
		{"a trailing slash and a prefix mask", `return table.concat(io.listfiles("Lua/", "__*.lua", "non recursive"), ",")`, "Lua/__ignored.lua"},
		{"folders", `return table.concat(io.listfiles("Lua", "*", "folders"), ",")`, "Lua/Units"},
		{"recursive", `return table.concat(io.listfiles("Lua", "*.lua", "recursive"), ",")`, "Lua/Game.lua,Lua/Units/Merc.lua,Lua/__ignored.lua"},
		{"AsyncListFiles relative folders", `local err, l = AsyncListFiles("Lua", "*", "relative,folders") return tostring(err) .. " " .. table.concat(l, ",")`, "false Units"},
		{"outside the folder", `return #io.listfiles("..", "*", "recursive") .. " " .. tostring(io.exists("../x"))`, "0 false"},
		{"io.exists on a folder and a file", `return tostring(io.exists("Lua/Units")) .. tostring(io.exists("Lua/Game.lua")) .. tostring(io.exists("Nope"))`, "truetruefalse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := eval(t, s, tc.code); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}

// TestShippedClasses lists the classes the game's own classes.lua built.
func TestShippedClasses(t *testing.T) {
	s := open(t, filepath.Join("testdata", "shipped"), engine.Options{})
	do(t, s, "run")
	r := s.Do(engine.Command{Op: "registries", Args: []any{"main"}})
	reg := r.Registries
	if !r.OK || reg == nil {
		t.Fatalf("registries: %+v", r)
	}
	var got []string
	for _, row := range reg.Model["classes"] {
		got = append(got, row["class"].(string)+"("+fmtAny(row["parents"])+")")
	}
	if want := "Ghost(EngineObject) Merc(Unit) Unit()"; strings.Join(got, " ") != want {
		t.Errorf("classes = %s, want %s", strings.Join(got, " "), want)
	}
}

func fmtAny(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// shippedTree writes files under a temporary folder.
func shippedTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestShippedEngineSide checks what modscope provides to the loader as the
// engine does: Platform from modscope.toml (asserts make a failed assert an
// error), the engine's assert going on, pairs/ipairs of nil, the table and
// string extensions, the varargs helpers, and the game's _G metatable kept
// aside.
func TestShippedEngineSide(t *testing.T) {
	loader := `Loading = true
setmetatable(_G, { __name = "_G", __index = function(_, k) error("undefined " .. k) end })
local n = 0
for _ in pairs(nil) do n = n + 1 end
for _ in ipairs(false) do n = n + 1 end
assert(false, "checked")
Results = table.concat({
	tostring(n), tostring(Platform.pc), tostring(Platform.asserts), tostring(Platform.cmdline),
	tostring(table.find({ "a", "b" }, "b")), table.concat(table.keys({ x = 1, y = 2 }, true), "+"),
	tostring(string.starts_with("Hello", "he", true)), tostring(count_params(1, nil, 3)),
	getmetatable(_G).__name, tostring(table.get({ a = { b = 7 } }, "a", "b")),
}, " ")
`
	for _, tc := range []struct {
		name, platform, want string
		assertErr            bool
	}{
		{"release build", `["pc", "desktop"]`, "0 true nil nil 2 x+y true 3 _G 7", false},
		{"debug build with asserts", `["pc", "asserts"]`, "0 true true nil 2 x+y true 3 _G 7", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := shippedTree(t, map[string]string{
				"modscope.toml":              "[autorun]\nplatform = " + tc.platform + "\n",
				"CommonLua/Core/autorun.lua": loader,
			})
			s := open(t, dir, engine.Options{})
			do(t, s, "run")
			if got := eval(t, s, "return Results"); got != tc.want {
				t.Errorf("Results = %q, want %q", got, tc.want)
			}
			rep := s.Report()
			isErr := strings.Contains(strings.Join(errorsOf(rep), "\n"), "assertion failed: checked")
			warned := false
			for _, o := range rep.Output {
				warned = warned || strings.Contains(o.Text, "assertion failed: checked")
			}
			if isErr != tc.assertErr || warned == tc.assertErr {
				t.Errorf("assert: error %v, warning %v (want error %v); errors: %v", isErr, warned, tc.assertErr, errorsOf(rep))
			}
		})
	}
}

// TestShippedExpectedSteps: once a load of the folder ran to its end, a new
// load lists that load's stages ahead of time, so that the stepper can stop
// before a later stage by name (`until`), while the steps that actually
// ran stay those the loader reached.
func TestShippedExpectedSteps(t *testing.T) {
	dir := filepath.Join("testdata", "shipped")
	first := open(t, dir, engine.Options{})
	do(t, first, "run")
	ran, _ := first.Steps()
	s := open(t, dir, engine.Options{})
	do(t, s, "step")
	do(t, s, "step")
	steps, next := s.Steps()
	if !slices.Equal(steps, ran) || next != 2 {
		t.Fatalf("expected steps %v (next %d), want %v", steps, next, ran)
	}
	if r := do(t, s, `until dofolder("Lua")`); !r.OK {
		t.Fatalf("until: %s", r.Error)
	}
	if steps, next = s.Steps(); steps[next] != `Msg("Autorun")` {
		t.Errorf("after until dofolder(\"Lua\"): next is %s", steps[next])
	}
}
