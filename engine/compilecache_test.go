package engine

// The compile cache through the Game: its Source (the folder's files, the
// compiler's errors as CompileErrors) and the disk cache across opens. The
// cache's own tests (codec, pack appends, retargeted links) are in
// engine/compilecache.

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine/compilecache"
	"modscope/internal/gengame"
)

// genTree writes the small generated game (about 60 files) and lists its
// Lua files in load order.
func genTree(t testing.TB) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := gengame.Generate(dir, "small", 1); err != nil {
		t.Fatal(err)
	}
	g := openCached(t, dir, "")
	defer g.Close()
	return dir, allLua(g)
}

func allLua(g *Game) []string {
	var files []string
	for _, top := range []string{"CommonLua", "Lua", "DLC", "Data", "Mods"} {
		files = append(files, g.ListLua(top)...)
	}
	return files
}

// openCached opens dir with the disk cache in cache ("" = off).
func openCached(t testing.TB, dir, cache string) *Game {
	t.Helper()
	g, err := OpenGame(dir, Options{Model: ModelAutorun})
	if err != nil {
		t.Fatal(err)
	}
	g.SetCompileCacheDir(cache)
	return g
}

// lowDiskMin lets small trees use the disk cache for the test's duration.
func lowDiskMin(t *testing.T) {
	old := compilecache.DiskMinFiles
	compilecache.DiskMinFiles = 1
	t.Cleanup(func() { compilecache.DiskMinFiles = old })
}

func TestPrecompileFillsMemory(t *testing.T) {
	dir, files := genTree(t)
	g := openCached(t, dir, "")
	defer g.Close()
	g.Precompile(files)
	st := g.CompileStats()
	if st.Compiled+st.Errors != len(files) || st.DiskHits != 0 {
		t.Fatalf("after Precompile of %d files: %+v", len(files), st)
	}
	for _, f := range files {
		if _, err := g.Compile(f); err != nil && !strings.HasSuffix(f, "metadata.lua") {
			t.Fatalf("%s: %v", f, err)
		}
	}
	st2 := g.CompileStats()
	if st2.Compiled != st.Compiled || st2.MemHits != len(files)-st.Errors || st2.Unread != st2.MemHits {
		t.Fatalf("Compile after Precompile recompiled or reread: %+v", st2)
	}
}

func TestCompileErrorIsCached(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Lua"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Lua", "bad.lua"), []byte("local x = 1\nlocal y = )\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := openCached(t, dir, "")
	defer g.Close()
	g.Precompile([]string{"Lua/bad.lua"})
	for range 2 {
		_, err := g.Compile("Lua/bad.lua")
		ce, ok := err.(*CompileError)
		if !ok || ce.File != "Lua/bad.lua" || ce.Line != 2 {
			t.Fatalf("want a syntax error at Lua/bad.lua:2, got %v", err)
		}
	}
	if st := g.CompileStats(); st.Errors != 1 || st.Compiled != 0 {
		t.Fatalf("the error was not cached: %+v", st)
	}
}

// Precompile in the background while a context compiles the same files
// in order: nothing is compiled twice, and everything arrives.
func TestPrecompileConcurrentWithCompile(t *testing.T) {
	dir, files := genTree(t)
	g := openCached(t, dir, "")
	defer g.Close()
	var wg sync.WaitGroup
	wg.Go(func() { g.Precompile(files) })
	for _, f := range files {
		if _, err := g.Compile(f); err != nil && !strings.HasSuffix(f, "metadata.lua") {
			t.Errorf("%s: %v", f, err)
		}
	}
	wg.Wait()
	if st := g.CompileStats(); st.Compiled+st.Errors != len(files) {
		t.Fatalf("%d files compiled %d times: %+v", len(files), st.Compiled+st.Errors, st)
	}
}

func TestDiskCacheReopenAndEdit(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	first := openCached(t, dir, cache)
	first.Precompile(files)
	want := map[string]*lua.FunctionProto{}
	for _, f := range files {
		if p, err := first.Compile(f); err == nil {
			want[f] = p
		}
	}
	first.Close()
	if st := first.CompileStats(); st.Saved != len(want) || st.DiskErr != "" {
		t.Fatalf("first run saved %d of %d entries: %+v", st.Saved, len(want), st)
	}

	second := openCached(t, dir, cache)
	second.Precompile(files)
	st := second.CompileStats()
	if st.Compiled != 0 || st.DiskHits != len(want) || st.Unread != len(want) {
		t.Fatalf("reopen: want %d unread disk hits and no compile, got %+v", len(want), st)
	}
	for f, p := range want {
		q, err := second.Compile(f)
		if err != nil || !compilecache.Equal(p, q) {
			t.Fatalf("%s from disk differs from the compiled chunk (%v)", f, err)
		}
	}
	second.Close()

	// Edit one file; touch another without changing it.
	edited, touched := files[len(files)/2], files[len(files)/3]
	appendLine(t, filepath.Join(dir, edited), "\n-- edited\n")
	src, err := os.ReadFile(filepath.Join(dir, touched))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, touched), src, 0o644); err != nil {
		t.Fatal(err)
	}
	third := openCached(t, dir, cache)
	third.Precompile(files)
	st = third.CompileStats()
	if st.Compiled != 1 || st.DiskHits != len(want)-1 || st.Unread != len(want)-2 {
		t.Fatalf("after one edit and one touch: want 1 compile, %d disk hits, %d unread; got %+v",
			len(want)-1, len(want)-2, st)
	}
	third.Close()
	fourth := openCached(t, dir, cache)
	fourth.Precompile(files)
	if st := fourth.CompileStats(); st.Compiled != 0 || st.Unread != len(want) {
		t.Fatalf("the edit and the new times were not saved: %+v", st)
	}
	fourth.Close()
}

func appendLine(t *testing.T, file, s string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// A damaged pack never breaks loading: what it cannot vouch for is compiled.
func TestDiskCacheCorruptPack(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	g := openCached(t, dir, cache)
	g.Precompile(files)
	g.Close()
	packs, err := filepath.Glob(filepath.Join(cache, "packs", "*.pack"))
	if err != nil || len(packs) != 1 {
		t.Fatalf("want one pack, got %v (%v)", packs, err)
	}
	good, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	fresh := openCached(t, dir, "")
	defer fresh.Close()
	damage := map[string][]byte{
		"empty":     {},
		"header":    good[:5],
		"half":      good[:len(good)/2],
		"last byte": good[:len(good)-1],
		"garbage":   []byte(strings.Repeat("\xff", 4096)),
	}
	for _, at := range []int{len(good) / 3, len(good) / 2, len(good) - 10} {
		b := append([]byte(nil), good...)
		b[at] ^= 0x5a
		damage["flip "+filepath.Base(packs[0])+string(rune('a'+at%26))] = b
	}
	for name, data := range damage {
		if err := os.WriteFile(packs[0], data, 0o644); err != nil {
			t.Fatal(err)
		}
		h := openCached(t, dir, cache)
		h.Precompile(files)
		st := h.CompileStats()
		for _, f := range files {
			p, err := h.Compile(f)
			if err != nil {
				continue
			}
			q, err := fresh.Compile(f)
			if err != nil || !compilecache.Equal(p, q) {
				t.Fatalf("%s: %s differs from a fresh compile", name, f)
			}
		}
		h.Close()
		if st.Compiled+st.DiskHits+st.Errors != len(files) {
			t.Fatalf("%s: %+v does not cover %d files", name, st, len(files))
		}
	}
}

// Two processes filling the same pack at once leave a whole pack.
func TestDiskCacheConcurrentWriters(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			g := openCached(t, dir, cache)
			part := files
			if i%2 == 1 {
				part = files[:len(files)/2]
			}
			g.Precompile(part)
			g.Close()
		})
	}
	wg.Wait()
	g := openCached(t, dir, cache)
	defer g.Close()
	g.Precompile(files)
	st := g.CompileStats()
	if st.DiskErr != "" || st.DiskHits == 0 || st.Compiled+st.DiskHits+st.Errors != len(files) {
		t.Fatalf("after concurrent writers: %+v", st)
	}
	left, err := filepath.Glob(filepath.Join(cache, "packs", ".pack-*"))
	if err != nil || len(left) > 0 {
		t.Fatalf("temporary files left behind: %v (%v)", left, err)
	}
}

// Closing the game while a background Precompile runs (the autorun model
// starts one; a run --until can end early) stops it and leaves a good pack.
func TestCloseDuringPrecompile(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	for range 5 {
		g := openCached(t, dir, cache)
		done := make(chan struct{})
		go func() {
			g.Precompile(files)
			close(done)
		}()
		g.Close()
		<-done
		g.Precompile(files) // after Close: returns at once
		if st := g.CompileStats(); st.DiskErr != "" {
			t.Fatalf("close during precompile: %+v", st)
		}
	}
	g := openCached(t, dir, cache)
	defer g.Close()
	g.Precompile(files)
	if st := g.CompileStats(); st.DiskErr != "" || st.Compiled+st.DiskHits+st.Errors != len(files) {
		t.Fatalf("after interrupted runs: %+v", st)
	}
}
