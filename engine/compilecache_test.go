package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

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
	old := diskMinFiles
	diskMinFiles = 1
	t.Cleanup(func() { diskMinFiles = old })
}

func TestProtoCodecRoundTrip(t *testing.T) {
	if !protoCodecOK() {
		t.Fatal("the proto codec self-test failed: gopher-lua's FunctionProto changed shape")
	}
	dir, files := genTree(t)
	g := openCached(t, dir, "")
	defer g.Close()
	for _, f := range files {
		p, err := g.Compile(f)
		if err != nil {
			if strings.HasSuffix(f, "metadata.lua") {
				continue
			}
			t.Fatalf("%s: %v", f, err)
		}
		b, err := encodeProto(nil, p)
		if err != nil {
			t.Fatalf("%s: encode: %v", f, err)
		}
		q, err := decodeProto(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", f, err)
		}
		if !protoEqual(p, q) {
			t.Fatalf("%s: decoded chunk differs from the compiled one", f)
		}
	}
}

// A decoded chunk runs exactly like the compiled one.
func TestDecodedChunkRuns(t *testing.T) {
	src := `local t = {}
for i = 1, 5 do t[#t + 1] = "v" .. i * 1.5 end
Global = table.concat(t, ",")
local function f(a, ...) return a + select("#", ...), Global end
return f(10, nil, 3), 2^10, "x" .. -0.5`
	p, err := compileSource("run.lua", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeProto(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := decodeProto(b)
	if err != nil {
		t.Fatal(err)
	}
	run := func(p *lua.FunctionProto) string {
		L := lua.NewState()
		defer L.Close()
		L.Push(L.NewFunctionFromProto(p))
		if err := L.PCall(0, lua.MultRet, nil); err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := 1; i <= L.GetTop(); i++ {
			out = append(out, L.Get(i).String())
		}
		return strings.Join(out, "|") + "|" + L.GetGlobal("Global").String()
	}
	if a, b := run(p), run(q); a != b || a != "12|1024|x-0.5|v1.5,v3,v4.5,v6,v7.5" {
		t.Fatalf("compiled gives %q, decoded gives %q", a, b)
	}
}

// Every truncation and many corruptions of a blob give an error or a
// chunk that passed the checks, never a panic.
func TestDecodeCorruptBlob(t *testing.T) {
	p, err := compileSource("c.lua", []byte(`local x = { a = 1, "s" } function F(y) return x.a + y end return F(2)`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeProto(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b); n++ {
		if _, err := decodeProto(b[:n]); err == nil {
			t.Fatalf("a blob cut to %d of %d bytes decoded", n, len(b))
		}
	}
	for i := range b {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			c := append([]byte(nil), b...)
			c[i] ^= x
			if q, err := decodeProto(c); err == nil && !checkProto(q) {
				t.Fatalf("flipping byte %d gave an unchecked chunk", i)
			}
		}
	}
}

func FuzzDecodeProto(f *testing.F) {
	p, err := compileSource("f.lua", []byte(`local a = "k" for i = 1, 3 do a = a .. i end return a, function() return a end`))
	if err != nil {
		f.Fatal(err)
	}
	b, err := encodeProto(nil, p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := decodeProto(data)
		if err == nil && !checkProto(q) {
			t.Fatal("decoded an unchecked chunk")
		}
	})
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
		if err != nil || !protoEqual(p, q) {
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
			if err != nil || !protoEqual(p, q) {
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

func TestCacheEnv(t *testing.T) {
	t.Setenv(CacheEnv, "off")
	if d := DefaultCacheDir(); d != "" {
		t.Fatalf("%s=off gives %q", CacheEnv, d)
	}
	t.Setenv(CacheEnv, "/some/where")
	if d := DefaultCacheDir(); d != "/some/where" {
		t.Fatalf("%s=/some/where gives %q", CacheEnv, d)
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

// A reopen after editing a file appends that file's entry to the pack
// instead of writing the pack anew; once a quarter of the pack is replaced
// entries, the next save compacts it. Every open in between finds every
// unchanged file in the pack, and the edited one as it is now.
func TestDiskCacheAppendsThenCompacts(t *testing.T) {
	lowDiskMin(t)
	dir, files := genTree(t)
	cache := t.TempDir()
	open := func() (CompileStats, int64) {
		t.Helper()
		g := openCached(t, dir, cache)
		g.Precompile(files)
		st := g.CompileStats()
		g.Close()
		st.Saved, st.DiskErr = g.CompileStats().Saved, g.CompileStats().DiskErr
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
