package engine_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"modscope/engine"
	"modscope/engine/autorun"
	_ "modscope/engine/models"
	"modscope/engine/sectors"
)

// TestRegisteredModels: the three models register themselves in a stable
// order, which detection and messages follow.
func TestRegisteredModels(t *testing.T) {
	want := []string{engine.ModelAutorun, engine.ModelSectors, engine.ModelScripts}
	if !reflect.DeepEqual(engine.ModelNames, want) {
		t.Fatalf("ModelNames = %v, want %v", engine.ModelNames, want)
	}
	if !reflect.DeepEqual(engine.RegisteredModels(), want) {
		t.Fatalf("RegisteredModels() = %v, want %v", engine.RegisteredModels(), want)
	}
}

// TestRegisteredVerbs: the models' verbs parse with their arity, and the
// unknown-verb error lists the core's and the models' verbs in one order.
func TestRegisteredVerbs(t *testing.T) {
	for _, tc := range []struct {
		name, line, wantErr string
	}{
		{"sectors join needs a player", "join", "usage: join PLAYER [SECTOR]"},
		{"sectors join with a player", "join alice", ""},
		{"sectors jump needs a sector", "jump alice", "usage: jump PLAYER SECTOR"},
		{"sectors logout with a player", "logout alice", ""},
		{"scripts attach needs a script", "attach 1", "usage: attach ENTITY SCRIPT"},
		{"scripts policy needs a name", "policy", "usage: policy NAME|[RULES]"},
		{"core callback needs a name", "callback", "usage: callback [TARGET] NAME [ARGS...]"},
		{"core event needs a name", "event server", "usage: event CONTEXT|server|all NAME [FIELDS]"},
		{"unknown verb lists every verb", "fly", `unknown event "fly" (known: step, until, run, reset, reload, msg, event, join, jump, leave, logout, attach, detach, policy, callback, advance, eval, edit)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := engine.ParseCommand(tc.line)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Fatalf("ParseCommand(%q) error = %q, want %q", tc.line, got, tc.wantErr)
			}
		})
	}
}

// TestRegisteredDetection: detection and its errors come from the
// models' registrations.
func TestRegisteredDetection(t *testing.T) {
	dir := t.TempDir()
	_, _, err := engine.ChooseModelIn(dir, engine.Settings{})
	want := dir + " matches no model: no CommonLua/, Lua/, Data/, DLC/ or Mods/ (autorun), no mod folder with manifest.xml and server.lua or sector.lua (sectors), no scene.toml (scripts); set model in modscope.toml"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	for _, f := range []string{"Lua/a.lua", "CommonLua/b.lua", "base/manifest.xml", "base/server.lua", "scene.toml"} {
		putFile(t, dir, f, "")
	}
	fi := engine.InspectFolder(dir)
	if fi.DetectError != "" {
		t.Fatal(fi.DetectError)
	}
	d := fi.Detection
	wantEv := []string{"autorun: CommonLua/, Lua/", "sectors: mods base", "scripts: scene.toml"}
	if !reflect.DeepEqual(d.Evidence, wantEv) || !reflect.DeepEqual(d.Models, engine.ModelNames) {
		t.Fatalf("Detect = %+v, want evidence %v", d, wantEv)
	}
}

// TestRegisteredSettings: each model's section is decoded with the file
// and read back by the model; a bad value names its key.
func TestRegisteredSettings(t *testing.T) {
	for _, tc := range []struct {
		name, toml, wantErr string
		wantRows            [][2]string
	}{
		{"no sections", `model = "autorun"`, "", nil},
		{"both sections", "[autorun]\nplatform = [\"pc\", \"steam\"]\nlua_revision = 7\n[sectors]\nmods = [\"b\", \"a\"]\n", "",
			[][2]string{{"autorun.platform", "pc, steam"}, {"autorun.mods", ""}, {"sectors.mods", "b, a"}}},
		{"wrong type", "[autorun]\nplatform = 3\n", "modscope.toml: toml: line 2 (last key (…)): incompatible types: TOML value has type int64; destination has type slice", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			putFile(t, dir, engine.SettingsFile, tc.toml)
			s, err := engine.SettingsIn(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rows := s.SectionRows(); tc.wantRows != nil && !reflect.DeepEqual(rows, tc.wantRows) {
				t.Fatalf("rows = %v, want %v", rows, tc.wantRows)
			}
			if tc.wantRows != nil {
				a := engine.SettingsSection[autorun.Settings](s, engine.ModelAutorun)
				sc := engine.SettingsSection[sectors.Settings](s, engine.ModelSectors)
				if a.LuaRevision != 7 || len(a.Platform) != 2 || !reflect.DeepEqual(sc.Mods, []string{"b", "a"}) {
					t.Fatalf("sections = %+v %+v", a, sc)
				}
			}
		})
	}
	if z := engine.SettingsSection[autorun.Settings](engine.Settings{}, engine.ModelAutorun); z.Platform != nil {
		t.Fatalf("zero settings give %+v", z)
	}
}

func putFile(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
