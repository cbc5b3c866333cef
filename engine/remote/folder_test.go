package remote

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
