package buffer

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.lua")
	writeFile(t, path, "\ufeffx = 1\r\n", 0o644)
	text, st, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if text != "\ufeffx = 1\r\n" {
		t.Errorf("text %q", text)
	}
	if st.Size != int64(len(text)) || st.SHA256 != sha256.Sum256([]byte(text)) || st.ModTime.IsZero() {
		t.Errorf("stamp %+v", st)
	}
}

func TestLoadErrorsNameTheOperationAndPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.lua")
	_, _, err := Load(path)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "load" || pe.Path != path || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %#v (%v): want a load PathError for %s wrapping ErrNotExist", err, err, path)
	}
}

func TestSaveAtomic(t *testing.T) {
	type setup func(t *testing.T, path string) Stamp // prepares the file, returns the expected stamp
	loaded := func(content string, mode fs.FileMode) setup {
		return func(t *testing.T, path string) Stamp {
			writeFile(t, path, content, mode)
			_, st, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}
	then := func(first setup, after func(t *testing.T, path string)) setup {
		return func(t *testing.T, path string) Stamp {
			st := first(t, path)
			after(t, path)
			return st
		}
	}
	rewrite := func(content string, sameTime bool) func(*testing.T, string) {
		return func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			if err != nil { // no file yet: create one
				writeFile(t, path, content, 0o644)
				return
			}
			writeFile(t, path, content, fi.Mode().Perm())
			if sameTime { // as if within the file system's timestamp granularity
				os.Chtimes(path, fi.ModTime(), fi.ModTime())
			}
		}
	}
	for _, c := range []struct {
		name     string
		setup    setup
		force    bool
		mode     fs.FileMode // expected mode afterwards, 0 to skip
		changed  bool        // expect ErrChangedOnDisk and the disk untouched
		diskWant string      // expected content on disk when changed
	}{
		{"unchanged file is replaced", loaded("old", 0o644), false, 0o644, false, ""},
		{"mode 0600 is kept", loaded("old", 0o600), false, 0o600, false, ""},
		{"executable mode is kept", loaded("#!/bin/lua\n", 0o755), false, 0o755, false, ""},
		{"new file", func(*testing.T, string) Stamp { return Stamp{} }, false, 0o644, false, ""},
		{"changed size on disk is refused", then(loaded("A = 1\n", 0o644), rewrite("A = 3 -- elsewhere\n", false)), false, 0, true, "A = 3 -- elsewhere\n"},
		{"same size, same mtime, other content is refused", then(loaded("A = 1\n", 0o644), rewrite("B = 2\n", true)), false, 0, true, "B = 2\n"},
		{"touched but same content is saved", then(loaded("A = 1\n", 0o644), func(t *testing.T, p string) {
			os.Chtimes(p, time.Now().Add(time.Hour), time.Now().Add(time.Hour))
		}), false, 0o644, false, ""},
		{"file created meanwhile is refused", then(func(*testing.T, string) Stamp { return Stamp{} }, rewrite("someone else\n", false)), false, 0, true, "someone else\n"},
		{"file deleted meanwhile is written again", then(loaded("old", 0o644), func(t *testing.T, p string) { os.Remove(p) }), false, 0o644, false, ""},
		{"force overwrites a changed file", then(loaded("A = 1\n", 0o640), rewrite("A = 3 -- elsewhere\n", false)), true, 0o640, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "script.lua")
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			os.Remove(path)
			expected := c.setup(t, path)
			before, _ := os.Stat(path)
			data := []byte("return 'new'\n")
			var st Stamp
			var err error
			if c.force {
				st, err = ForceSaveAtomic(path, data)
			} else {
				st, err = SaveAtomic(path, data, expected)
			}
			if c.changed {
				var ce *ChangedOnDiskError
				if !errors.Is(err, ErrChangedOnDisk) || !errors.As(err, &ce) || ce.Path != path || ce.Op != "save" {
					t.Fatalf("error %v: want a ChangedOnDiskError for %s", err, path)
				}
				if got := readFile(t, path); got != c.diskWant {
					t.Errorf("disk content %q, want it untouched %q", got, c.diskWant)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path); got != string(data) {
				t.Errorf("disk content %q", got)
			}
			after, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" && c.mode != 0 && after.Mode().Perm() != c.mode {
				t.Errorf("mode %v, want %v", after.Mode().Perm(), c.mode)
			}
			if before != nil && os.SameFile(before, after) {
				t.Error("the file was rewritten in place, not replaced by a renamed temporary file")
			}
			if st.Size != int64(len(data)) || st.SHA256 != sha256.Sum256(data) || !st.ModTime.Equal(after.ModTime()) {
				t.Errorf("returned stamp %+v does not describe the saved file", st)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("temporary files left behind: %v", ents)
			}
			// the returned stamp allows the next save
			if _, err := SaveAtomic(path, []byte("again"), st); err != nil {
				t.Errorf("saving again with the returned stamp: %v", err)
			}
		})
	}
}

func TestSaveAtomicKeepsHardLinkedOldContent(t *testing.T) {
	// rename semantics: a hard link to the old file still sees the old data,
	// so readers never see a half-written file
	dir := t.TempDir()
	path := filepath.Join(dir, "a.lua")
	writeFile(t, path, "old", 0o644)
	link := filepath.Join(dir, "link.lua")
	if err := os.Link(path, link); err != nil {
		t.Skip("no hard links here:", err)
	}
	_, st, _ := Load(path)
	if _, err := SaveAtomic(path, []byte("new"), st); err != nil {
		t.Fatal(err)
	}
	if readFile(t, link) != "old" || readFile(t, path) != "new" {
		t.Errorf("link %q path %q", readFile(t, link), readFile(t, path))
	}
}

func TestSaveAtomicFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.lua")
	writeFile(t, target, "old", 0o600)
	link := filepath.Join(dir, "link.lua")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	_, st, _ := Load(link)
	if _, err := SaveAtomic(link, []byte("new"), st); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file (%v)", err)
	}
	if readFile(t, target) != "new" {
		t.Errorf("target %q", readFile(t, target))
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v", fi.Mode().Perm())
	}
}

func TestSaveAtomicErrorsNameTheOperationAndPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "a.lua")
	_, err := SaveAtomic(path, []byte("x"), Stamp{})
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "save" || pe.Path != path {
		t.Errorf("error %v: want a save PathError for %s", err, path)
	}
}
