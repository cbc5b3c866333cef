package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"modscope/engine"
)

// TestOpenGameReadsThroughTheRoot: OpenGame reads modscope.toml and runs
// detection through the folder's os.Root, so that a link out of the folder
// is refused (the settings) or does not count (a marker folder), and says
// which file it refused.
func TestOpenGameReadsThroughTheRoot(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "elsewhere.toml", "model = \"scripts\"\n")
	writeFile(t, outside, "Lua/a.lua", "A = 1\n")
	for _, tc := range []struct {
		name      string
		make      func(t *testing.T, dir string)
		wantModel string
		wantErr   string // a substring of the error ("": opens)
	}{
		{"a normal folder with settings opens with them", func(t *testing.T, dir string) {
			writeFile(t, dir, "Lua/a.lua", "A = 1\n")
			writeFile(t, dir, engine.SettingsFile, "model = \"autorun\"\nmode = \"strict\"\n")
		}, engine.ModelAutorun, ""},
		{"a normal folder without settings is detected", func(t *testing.T, dir string) {
			writeFile(t, dir, "scene.toml", "")
		}, engine.ModelScripts, ""},
		{"a settings file linked out of the folder is refused, named", func(t *testing.T, dir string) {
			writeFile(t, dir, "Lua/a.lua", "A = 1\n")
			symlink(t, filepath.Join(outside, "elsewhere.toml"), filepath.Join(dir, engine.SettingsFile))
		}, "", "read settings modscope.toml: it is a link that leads out of the folder"},
		{"a settings file linked inside the folder is read", func(t *testing.T, dir string) {
			writeFile(t, dir, "Lua/a.lua", "A = 1\n")
			writeFile(t, dir, "conf/real.toml", "model = \"sectors\"\n")
			symlink(t, filepath.Join("conf", "real.toml"), filepath.Join(dir, engine.SettingsFile))
		}, engine.ModelSectors, ""},
		{"a marker folder linked out of the folder does not count", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "Lua"), filepath.Join(dir, "Lua"))
		}, "", "matches no model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.make(t, dir)
			g, err := engine.OpenGame(dir, engine.Options{})
			if tc.wantErr != "" {
				if err == nil {
					g.Close()
					t.Fatalf("opened as %s, want an error with %q", g.Model, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			if g.Model != tc.wantModel {
				t.Errorf("model %s, want %s", g.Model, tc.wantModel)
			}
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}

// TestFolderInfo: the session describes its folder for the window (what
// detection found, the settings, the Lua files, the file to open first and
// the model's WindowSpec), and a failed open carries the same description.
func TestFolderInfo(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Lua/b.lua", "B = 1\n")
	writeFile(t, dir, "CommonLua/a.lua", "A = 1\n")
	writeFile(t, dir, ".git/x.lua", "")
	writeFile(t, dir, engine.SettingsFile, "timeout = \"2s\"\n[autorun]\nmods = [\"m\"]\n")
	s, err := engine.Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi := s.Folder()
	want := engine.FolderInfo{
		Dir: s.Game().Dir, Model: engine.ModelAutorun, Mode: engine.ModeStubs,
		Detection:   engine.Detection{Models: []string{engine.ModelAutorun}, Evidence: []string{"autorun: CommonLua/, Lua/"}},
		HasSettings: true, Settings: [][2]string{{"timeout", "2s"}, {"autorun.mods", "m"}},
		LuaFiles: []string{"CommonLua/a.lua", "Lua/b.lua"}, FirstFile: "Lua/b.lua",
	}
	want.Window, _ = engine.ModelWindow(engine.ModelAutorun)
	if !reflect.DeepEqual(fi, want) {
		t.Fatalf("Folder() =\n%+v\nwant\n%+v", fi, want)
	}
	if fi.Window.Send != engine.SendMsg || !fi.Window.ReloadAll || fi.Window.Title == "" {
		t.Errorf("autorun's window spec %+v", fi.Window)
	}

	bad := t.TempDir()
	writeFile(t, bad, "notes.txt", "")
	_, err = engine.Open(bad, engine.Options{})
	var oe *engine.OpenError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "matches no model") {
		t.Fatalf("open error %v (%T), want an *engine.OpenError", err, err)
	}
	if oe.Folder.Dir != bad || len(oe.Folder.Detection.Models) != 0 || oe.Folder.HasSettings {
		t.Errorf("the failed open's folder %+v", oe.Folder)
	}
}

// TestWindowSpecs: every shipped model tells the window what it offers.
func TestWindowSpecs(t *testing.T) {
	for _, m := range engine.RegisteredModels() {
		w, ok := engine.ModelWindow(m)
		if !ok || w.Title == "" || w.SendLabel == "" || len(w.OpenFirst) == 0 {
			t.Errorf("model %s: window spec %+v", m, w)
		}
		switch w.Send {
		case engine.SendMsg, engine.SendEvent:
		default:
			t.Errorf("model %s: send form %q", m, w.Send)
		}
	}
}
