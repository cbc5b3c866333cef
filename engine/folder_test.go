package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

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

// TestDetectionIgnoresMarkersLinkedOut: a sectors mod folder or a scripts
// scene.toml that is a link out of the folder is not a marker (detection
// reads through the folder's os.Root); the same inside the folder is.
func TestDetectionIgnoresMarkersLinkedOut(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "mod/manifest.xml", "<mod/>\n")
	writeFile(t, outside, "mod/server.lua", "X = 1\n")
	writeFile(t, outside, "scene.toml", "")
	for _, tc := range []struct {
		name       string
		make       func(t *testing.T, dir string)
		wantModels []string
	}{
		{"a sectors mod folder linked out does not count", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "mod"), filepath.Join(dir, "base"))
		}, nil},
		{"a scripts scene.toml linked out does not count", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "scene.toml"), filepath.Join(dir, "scene.toml"))
		}, nil},
		{"a sectors mod folder linked inside counts", func(t *testing.T, dir string) {
			writeFile(t, dir, "real/manifest.xml", "<mod/>\n")
			writeFile(t, dir, "real/server.lua", "X = 1\n")
			symlink(t, "real", filepath.Join(dir, "base"))
		}, []string{engine.ModelSectors}},
		{"a scripts scene.toml linked inside counts", func(t *testing.T, dir string) {
			writeFile(t, dir, "conf/scene.toml", "")
			symlink(t, filepath.Join("conf", "scene.toml"), filepath.Join(dir, "scene.toml"))
		}, []string{engine.ModelScripts}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.make(t, dir)
			fi := engine.InspectFolder(dir)
			if fi.DetectError != "" || !reflect.DeepEqual(fi.Detection.Models, tc.wantModels) {
				t.Fatalf("detection %+v (%s), want models %v", fi.Detection, fi.DetectError, tc.wantModels)
			}
			_, err := engine.Open(dir, engine.Options{})
			if tc.wantModels == nil && (err == nil || !strings.Contains(err.Error(), "matches no model")) {
				t.Fatalf("open: %v, want \"matches no model\"", err)
			}
		})
	}
}

// TestSettingsLinksSaidAsTheyAre: a modscope.toml link is judged by where
// it leads (Root.Readlink, one link at a time): out of the folder is
// refused as such, a loop is a loop, a link to nothing is an error (not a
// missing file), an unreadable target says so.
func TestSettingsLinksSaidAsTheyAre(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "elsewhere.toml", "model = \"scripts\"\n")
	for _, tc := range []struct {
		name    string
		make    func(t *testing.T, dir string)
		wantErr string // "": read without error
	}{
		{"a link out of the folder is refused", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "elsewhere.toml"), filepath.Join(dir, engine.SettingsFile))
		}, "it is a link that leads out of the folder"},
		{"a relative link climbing out is refused", func(t *testing.T, dir string) {
			symlink(t, filepath.Join("..", filepath.Base(outside), "elsewhere.toml"), filepath.Join(dir, engine.SettingsFile))
		}, "it is a link that leads out of the folder"},
		{"a link through a folder linked out is refused", func(t *testing.T, dir string) {
			symlink(t, outside, filepath.Join(dir, "conf"))
			symlink(t, filepath.Join("conf", "elsewhere.toml"), filepath.Join(dir, engine.SettingsFile))
		}, "it is a link that leads out of the folder"},
		{"a loop of links inside the folder is a loop", func(t *testing.T, dir string) {
			symlink(t, "b.toml", filepath.Join(dir, engine.SettingsFile))
			symlink(t, engine.SettingsFile, filepath.Join(dir, "b.toml"))
		}, "it is a link in a loop of links"},
		{"a link to itself is a loop", func(t *testing.T, dir string) {
			symlink(t, engine.SettingsFile, filepath.Join(dir, engine.SettingsFile))
		}, "it is a link in a loop of links"},
		{"a dangling link is a link to nothing", func(t *testing.T, dir string) {
			symlink(t, "gone.toml", filepath.Join(dir, engine.SettingsFile))
		}, "it is a link to nothing"},
		{"a chain of links inside the folder is read", func(t *testing.T, dir string) {
			writeFile(t, dir, "conf/real.toml", "model = \"scripts\"\n")
			symlink(t, filepath.Join("conf", "real.toml"), filepath.Join(dir, "mid.toml"))
			symlink(t, "mid.toml", filepath.Join(dir, engine.SettingsFile))
		}, ""},
		{"an unreadable target says so", func(t *testing.T, dir string) {
			if os.Getuid() == 0 {
				t.Skip("root reads every file")
			}
			writeFile(t, dir, "locked/real.toml", "model = \"scripts\"\n")
			symlink(t, filepath.Join("locked", "real.toml"), filepath.Join(dir, engine.SettingsFile))
			if err := os.Chmod(filepath.Join(dir, "locked"), 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(filepath.Join(dir, "locked"), 0o755) }) //nolint:errcheck
		}, "permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "Lua/a.lua", "A = 1\n")
			tc.make(t, dir)
			_, err := engine.SettingsIn(dir)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			for _, other := range []string{"leads out", "loop", "to nothing", "permission"} {
				if !strings.Contains(tc.wantErr, other) && strings.Contains(err.Error(), other) {
					t.Errorf("error %q also says %q", err, other)
				}
			}
			if fi := engine.InspectFolder(dir); !fi.HasSettings || !strings.Contains(fi.SettingsError, tc.wantErr) {
				t.Errorf("folder info: has settings %v, error %q", fi.HasSettings, fi.SettingsError)
			}
		})
	}
}

// TestFailedOpenDoesNotWalk: a folder that matches no model comes back
// with detection and settings only: its files are not listed (a home
// folder must not be walked to say "matches no model").
func TestFailedOpenDoesNotWalk(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "notes/a.lua", "A = 1\n")
	writeFile(t, dir, engine.SettingsFile, "timeout = \"2s\"\n")
	_, err := engine.Open(dir, engine.Options{})
	var oe *engine.OpenError
	if !errors.As(err, &oe) {
		t.Fatalf("open error %v (%T)", err, err)
	}
	if oe.Folder.LuaFiles != nil || oe.Folder.FirstFile != "" {
		t.Errorf("the failed open listed files: %v %q", oe.Folder.LuaFiles, oe.Folder.FirstFile)
	}
	if !oe.Folder.HasSettings || !reflect.DeepEqual(oe.Folder.Settings, [][2]string{{"timeout", "2s"}}) {
		t.Errorf("the failed open's settings %+v", oe.Folder)
	}
	if fi := engine.InspectFolder(dir); !reflect.DeepEqual(fi.LuaFiles, []string{"notes/a.lua"}) {
		t.Errorf("InspectFolder lists %v", fi.LuaFiles)
	}
}

// TestFolderWithoutAGame: after Close, and after a reset that failed, the
// session still describes its folder (as it is now, under the last model)
// instead of "file already closed", and says why no game is open.
func TestFolderWithoutAGame(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Lua/a.lua", "A = 1\n")
	s, err := engine.Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when, wantErr string) {
		t.Helper()
		fi := s.Folder()
		for _, e := range []string{fi.DetectError, fi.SettingsError, fi.Error} {
			if strings.Contains(e, "closed file") || strings.Contains(e, "already closed") {
				t.Errorf("%s: %q", when, e)
			}
		}
		if !strings.Contains(fi.Error, wantErr) || (wantErr == "" && fi.Error != "") {
			t.Errorf("%s: error %q, want %q", when, fi.Error, wantErr)
		}
		if fi.Model != engine.ModelAutorun || fi.Window.Title == "" || !reflect.DeepEqual(fi.LuaFiles, []string{"Lua/a.lua"}) {
			t.Errorf("%s: %+v", when, fi)
		}
	}
	check("open", "")
	if r := s.Do(engine.Command{Op: "reset"}); !r.OK {
		t.Fatal(r.Error)
	}
	check("after a reset", "")
	writeFile(t, dir, engine.SettingsFile, "model = \"nothing-such\"\n")
	if r := s.Do(engine.Command{Op: "reset"}); r.OK {
		t.Fatal("the reset opened a folder with a bad model")
	}
	check("after a failed reset", "the last reset failed")
	writeFile(t, dir, engine.SettingsFile, "")
	if r := s.Do(engine.Command{Op: "reset"}); !r.OK {
		t.Fatal(r.Error)
	}
	check("after a good reset again", "")
	s.Close()
	check("after Close", "the session is closed")
}

// TestSettingsFIFOSwappedIn: modscope.toml swapped between a regular file
// and a FIFO while it is read never blocks the reader (it is opened
// without blocking and judged as opened, not as it was a moment before).
func TestSettingsFIFOSwappedIn(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Lua/a.lua", "A = 1\n")
	writeFile(t, dir, "reg.toml", "timeout = \"2s\"\n")
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	defer func() {
		// a reader blocked on the FIFO (the bug) gets a writer and ends
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	}()
	stop := make(chan struct{})
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			target := []string{"reg.toml", "fifo.toml"}[i%2]
			tmp := filepath.Join(dir, "link.tmp")
			if os.Symlink(target, tmp) == nil {
				os.Rename(tmp, filepath.Join(dir, engine.SettingsFile)) //nolint:errcheck
			}
		}
	}()
	read := make(chan struct{})
	go func() {
		defer close(read)
		for range 3000 {
			if _, err := engine.SettingsIn(dir); err != nil && !strings.Contains(err.Error(), "not a regular file") && !strings.Contains(err.Error(), "link to nothing") {
				t.Errorf("settings: %v", err)
				return
			}
		}
	}()
	select {
	case <-read:
	case <-time.After(time.Minute):
		t.Error("reading the settings blocked on a FIFO swapped in")
	}
	close(stop)
	<-swapped
}
