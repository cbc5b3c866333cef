package engine

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"modscope/engine/compilecache"
	"modscope/internal/gengame"
)

// BenchmarkCompile measures getting the compiled chunks of a generated
// `shipped` tree (about 1,100 files, 11 MB) every way the engine can:
//
//	go test -run XXX -bench BenchmarkCompile -benchmem ./engine
//
// sequential        one file after another, empty caches (the old path)
// precompile        Precompile on every core, empty caches
// warm-memory       Compile of every file again in the same process (ReloadLua)
// warm-memory-rehash  the same, reading and hashing every file (no stat memo)
// disk-cold-write   Precompile + Close with an empty disk cache (compile, encode, write the pack)
// disk-reopen       a new process's Precompile with the pack written (reopen)
// disk-reopen-rehash  the same, reading and hashing every file (no stat memo)
// disk-reopen-one-edit  reopen after editing one file (one compile, pack rewritten)
// parse-only, compile-only (AST to chunk), decode-only, gob-decode: the parts, from memory
//
// b.SetBytes is the tree's source size, so MB/s is source megabytes a second.
func BenchmarkCompile(b *testing.B) {
	dir := b.TempDir()
	m, err := gengame.Generate(dir, "shipped", 1)
	if err != nil {
		b.Fatal(err)
	}
	open := func(cache string) *Game {
		g, err := OpenGame(dir, Options{Model: ModelAutorun})
		if err != nil {
			b.Fatal(err)
		}
		g.SetCompileCacheDir(cache)
		return g
	}
	g0 := open("")
	files := allLua(g0)
	srcs := make([][]byte, len(files))
	var total int64
	for i, f := range files {
		if srcs[i], err = g0.ReadFile(f); err != nil {
			b.Fatal(err)
		}
		total += int64(len(srcs[i]))
	}
	g0.Close()
	b.Logf("%d files, %d Lua files, %.1f MB of Lua source, GOMAXPROCS %d", m.Files, len(files), float64(total)/1e6, runtime.GOMAXPROCS(0))

	b.Run("sequential", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			g := open("")
			for _, f := range files {
				if _, err := g.Compile(f); err != nil && filepath.Base(f) != "metadata.lua" {
					b.Fatal(err)
				}
			}
			g.Close()
		}
	})
	b.Run("precompile", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		var heap float64
		for b.Loop() {
			g := open("")
			g.Precompile(files)
			b.StopTimer()
			heap = heapMB()
			g.Close()
			b.StartTimer()
		}
		b.ReportMetric(heap, "heap-MB")
	})
	for _, rehash := range []bool{false, true} {
		name := "warm-memory"
		if rehash {
			name += "-rehash"
		}
		b.Run(name, func(b *testing.B) {
			g := open("")
			defer g.Close()
			g.cc.NoMemo = rehash
			g.Precompile(files)
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					if _, err := g.Compile(f); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
	b.Run("disk-cold-write", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			cache := b.TempDir()
			b.StartTimer()
			g := open(cache)
			g.Precompile(files)
			g.Close()
		}
	})
	cache := b.TempDir()
	g := open(cache)
	g.Precompile(files)
	g.Close()
	if st := g.CompileStats(); st.Saved == 0 {
		b.Fatalf("no pack written: %+v", st)
	}
	for _, rehash := range []bool{false, true} {
		name := "disk-reopen"
		if rehash {
			name += "-rehash"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			var st CompileStats
			for b.Loop() {
				g := open(cache)
				g.cc.NoMemo = rehash
				g.Precompile(files)
				g.Close()
				st = g.CompileStats()
			}
			if st.Compiled != 0 {
				b.Fatalf("reopen compiled: %+v", st)
			}
			b.ReportMetric(float64(st.PackBytes)/1e6, "pack-MB")
		})
	}
	b.Run("disk-reopen-one-edit", func(b *testing.B) {
		edited := filepath.Join(dir, files[len(files)/2])
		b.SetBytes(total)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			b.StopTimer()
			n++
			f, err := os.OpenFile(edited, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.WriteString("\n-- edit\n"); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			g := open(cache)
			g.Precompile(files)
			g.Close()
			if st := g.CompileStats(); st.Compiled != 1 {
				b.Fatalf("one edit, %d compiles", st.Compiled)
			}
		}
	})

	b.Run("parse-only", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for i, src := range srcs {
				if _, err := parse.Parse(bytes.NewReader(src), files[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("compile-only", func(b *testing.B) {
		chunks := make([][]ast.Stmt, len(srcs))
		for i, src := range srcs {
			if chunks[i], err = parse.Parse(bytes.NewReader(src), files[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for i, chunk := range chunks {
				if _, err := lua.Compile(chunk, files[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	protos := make([]*lua.FunctionProto, len(srcs))
	blobs := make([][]byte, len(srcs))
	var blobBytes int
	for i, src := range srcs {
		if protos[i], err = compileSource(files[i], src); err != nil {
			b.Fatal(err)
		}
		if blobs[i], err = compilecache.Encode(nil, protos[i]); err != nil {
			b.Fatal(err)
		}
		blobBytes += len(blobs[i])
	}
	b.Run("decode-only", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for _, blob := range blobs {
				if _, err := compilecache.Decode(blob); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(blobBytes)/1e6, "encoded-MB")
	})
	b.Run("gob-decode", func(b *testing.B) {
		gob.Register(lua.LNumber(0))
		gob.Register(lua.LString(""))
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(protos); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			var out []*lua.FunctionProto
			if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&out); err != nil {
				b.Fatal(err)
			}
			for _, p := range out {
				compilecache.RebuildStringConstants(p)
			}
		}
		b.ReportMetric(float64(len(data))/1e6, "encoded-MB")
	})
}

func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / 1e6
}
