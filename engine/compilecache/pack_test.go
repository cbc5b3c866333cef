package compilecache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A reopen after editing a file appends that file's entry to the pack
// instead of writing the pack anew; once a quarter of the pack is replaced
// entries, the next save compacts it. Every open in between finds every
// unchanged file in the pack, and the edited one as it is now.
func TestDiskCacheAppendsThenCompacts(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	open := func() (Stats, int64) {
		t.Helper()
		cc, _ := openCache(t, dir, cache)
		cc.Precompile(files)
		st := cc.Stats()
		cc.Close()
		st.Saved, st.DiskErr = cc.Stats().Saved, cc.Stats().DiskErr
		packs, err := filepath.Glob(filepath.Join(cache, "packs", "*.pack"))
		if err != nil || len(packs) != 1 {
			t.Fatalf("want one pack, got %v (%v)", packs, err)
		}
		fi, err := os.Stat(packs[0])
		if err != nil {
			t.Fatal(err)
		}
		return st, fi.Size()
	}
	first, size := open()
	if first.Saved != first.Compiled || first.Compiled == 0 {
		t.Fatalf("first open: %+v", first)
	}
	edit, biggest := "", int64(0) // the biggest file: fewer edits to reach compaction
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(dir, f)); err == nil && fi.Size() > biggest && !strings.HasSuffix(f, "metadata.lua") {
			edit, biggest = f, fi.Size()
		}
	}
	if edit == "" {
		t.Fatal("no file to edit")
	}
	compacted := false
	for i := range 40 {
		f, err := os.OpenFile(filepath.Join(dir, edit), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Fprintf(f, "\n-- edit %d\n", i); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		st, now := open()
		if st.DiskErr != "" || st.Compiled != 1 || st.Saved == 0 || st.DiskHits+st.Errors != len(files)-1 {
			t.Fatalf("open after edit %d: %+v", i, st)
		}
		switch {
		case now > size && st.Saved == 1: // appended
		case now <= size && st.Saved > 1: // compacted: written anew
			compacted = true
		default:
			t.Fatalf("edit %d: pack %d -> %d bytes, %d saved", i, size, now, st.Saved)
		}
		size = now
	}
	if !compacted {
		t.Fatal("40 appends never compacted the pack")
	}
	if st, _ := open(); st.Compiled != 0 || st.Saved != 0 || st.DiskHits+st.Errors != len(files) {
		t.Fatalf("an unchanged reopen: %+v", st)
	}
}

// A pack written under another salt (the engine's refusal limits) is not
// read: everything is compiled again.
func TestPackOfAnotherSaltIgnored(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	cc, _ := openCache(t, dir, cache)
	cc.Precompile(files)
	cc.Close()
	if st := cc.Stats(); st.Saved == 0 || st.DiskErr != "" {
		t.Fatalf("first open: %+v", st)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	other := New(&dirSource{root: root}, Config{Folder: dir, MaxSourceBytes: 16 << 20, Salt: "other limits"})
	other.SetDir(cache)
	other.Precompile(files)
	st := other.Stats()
	other.Close()
	if st.DiskHits != 0 || st.Compiled == 0 || !strings.Contains(st.DiskErr, "not a pack of this version") {
		t.Fatalf("a pack of another salt was used: %+v", st)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(Env, "off")
	if d := DefaultDir(); d != "" {
		t.Fatalf("%s=off gives %q", Env, d)
	}
	t.Setenv(Env, "/some/where")
	if d := DefaultDir(); d != "/some/where" {
		t.Fatalf("%s=/some/where gives %q", Env, d)
	}
}
