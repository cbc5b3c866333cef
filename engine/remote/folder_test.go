package remote

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"modscope/engine"
	"modscope/engine/models"
)

// TestFolderFromTheChild: the child describes the open folder as an
// in-process session does (Driver.Folder), keeps answering with the last
// description once it has died, and a folder it cannot open comes back as
// an *engine.OpenError carrying what the folder looked like.
func TestFolderFromTheChild(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"base/manifest.xml": "<mod/>\n", "base/server.lua": "X = 1\n",
		engine.SettingsFile: "[sectors]\nmods = [\"base\"]\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := models.Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := s.Folder()
	s.Close()
	d := openRemote(t, dir, engine.Options{}, Options{})
	got := d.Folder()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the child's Folder() =\n%+v\nin process:\n%+v", got, want)
	}
	if !got.Window.PlayerActions || got.FirstFile != "base/server.lua" || got.Error != "" {
		t.Errorf("sectors folder %+v", got)
	}
	if err := syscall.Kill(d.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLong)
	for d.Died() == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	dead := d.Folder()
	if dead.Error == "" || !dead.Window.PlayerActions || !reflect.DeepEqual(dead.LuaFiles, want.LuaFiles) {
		t.Errorf("after the death: %+v", dead)
	}

	empty := t.TempDir()
	_, err = Open(empty, engine.Options{}, Options{})
	var oe *engine.OpenError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "matches no model") || oe.Folder.Dir != empty {
		t.Fatalf("open of an empty folder: %v (%T)", err, err)
	}
}

// TestOpenErrorFromTheChild: a failed open's description crosses from the
// child with what detection found (Detection.Evidence, in its JSON form)
// and bounded like every other answer (a settings row of the folder's
// choosing, the error text).
func TestOpenErrorFromTheChild(t *testing.T) {
	for _, tc := range []struct {
		name        string
		files       map[string]string
		wantErr     string
		wantModels  []string
		wantEv      []string
		wantLongRow bool
	}{
		{"two models found: both with their evidence", map[string]string{"Lua/a.lua": "A = 1\n", "scene.toml": ""},
			"matches more than one model", []string{engine.ModelAutorun, engine.ModelScripts},
			[]string{"autorun: Lua/", "scripts: scene.toml"}, false},
		{"a huge settings row is bounded", map[string]string{"notes.txt": "",
			engine.SettingsFile: "[sectors]\nmods = [\"" + strings.Repeat("m", 300<<10) + "\"]\n"},
			"matches no model", nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Open(dir, engine.Options{}, Options{})
			var oe *engine.OpenError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("open: %v (%T), want an *engine.OpenError with %q", err, err, tc.wantErr)
			}
			if !reflect.DeepEqual(oe.Folder.Detection.Models, tc.wantModels) || !reflect.DeepEqual(oe.Folder.Detection.Evidence, tc.wantEv) {
				t.Errorf("detection %+v, want %v %v", oe.Folder.Detection, tc.wantModels, tc.wantEv)
			}
			if oe.Folder.LuaFiles != nil {
				t.Errorf("a failed open listed files: %v", oe.Folder.LuaFiles)
			}
			for _, kv := range oe.Folder.Settings {
				if len(kv[1]) > maxWireString+64 {
					t.Errorf("settings row %s: %d bytes crossed", kv[0], len(kv[1]))
				}
			}
			if tc.wantLongRow && len(oe.Folder.Settings) == 0 {
				t.Errorf("the settings rows were lost: %+v", oe.Folder)
			}
		})
	}
	b, err := json.Marshal(engine.Detection{Models: []string{"m"}, Evidence: []string{"m: e"}})
	if err != nil || string(b) != `{"models":["m"],"evidence":["m: e"]}` {
		t.Errorf("Detection's wire form %s (%v)", b, err)
	}
}

// TestFolderOfAWedgedChild: a child that does not answer (stopped) does
// not hold Folder: after FolderWait it answers as last known, saying why.
func TestFolderOfAWedgedChild(t *testing.T) {
	d := openRemote(t, "../../assets/samples/sectors", engine.Options{}, Options{})
	want := d.Folder()
	if want.Error != "" || want.Model != engine.ModelSectors {
		t.Fatalf("folder %+v", want)
	}
	defer func(w time.Duration) { FolderWait = w }(FolderWait)
	FolderWait = 200 * time.Millisecond
	if err := syscall.Kill(d.Pid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(d.Pid(), syscall.SIGCONT) //nolint:errcheck
	got := make(chan engine.FolderInfo, 1)
	go func() { got <- d.Folder() }()
	select {
	case fi := <-got:
		if fi.Error == "" || fi.Model != want.Model || !reflect.DeepEqual(fi.LuaFiles, want.LuaFiles) {
			t.Errorf("a wedged child's folder: %+v", fi)
		}
	case <-time.After(waitLong):
		t.Fatal("Folder waits for a wedged child")
	}
	if err := syscall.Kill(d.Pid(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if fi := d.Folder(); fi.Error != "" {
		t.Errorf("after the child woke: %+v", fi.Error)
	}
}
