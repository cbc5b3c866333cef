package autorun_test

import (
	"os"
	"path/filepath"
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
	reg, ok := r.Data.(engine.Registries)
	if !r.OK || !ok {
		t.Fatalf("registries: %s (%T)", r.Error, r.Data)
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
