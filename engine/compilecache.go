package engine

import (
	"fmt"
	"io/fs"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine/compilecache"
)

// The Game's compile cache lives in engine/compilecache; this file is the
// Game's side of it: the folder's files and the compiler (compileSource,
// with its refusal checks), as the cache's Source.

// CacheEnv names the environment variable that moves ("DIR") or disables
// ("off") the disk cache.
const CacheEnv = compilecache.Env

// CompileStats counts what the compile cache did.
type CompileStats = compilecache.Stats

// newCompileCache makes g's compile cache (OpenGame).
func newCompileCache(g *Game) *compilecache.Cache {
	return compilecache.New(gameSource{g}, compilecache.Config{
		Folder:         g.Dir,
		MaxSourceBytes: MaxSourceBytes,
		// The refusal limits are part of the cache's version: a chunk
		// compiled under looser ones must not skip the checks of a
		// stricter build.
		Salt: fmt.Sprintf("limits %d %d %d", MaxSourceBytes, MaxNesting, MaxSyntaxDepth),
	})
}

// gameSource is a Game as the compile cache's Source: its errors are
// CompileErrors naming the file, as Compile returns them.
type gameSource struct{ g *Game }

func (s gameSource) Clean(rel string) (string, error) {
	c, err := s.g.clean(rel)
	if err != nil {
		return "", &CompileError{File: rel, Msg: err.Error()}
	}
	return c, nil
}

func (s gameSource) Stat(c string) (fs.FileInfo, error) { return s.g.root.Stat(c) }

func (s gameSource) ReadFile(c string) ([]byte, error) {
	src, err := s.g.ReadFile(c)
	if err != nil {
		return nil, &CompileError{File: c, Msg: err.Error()}
	}
	return src, nil
}

func (s gameSource) Exists(c string) bool { return s.g.Exists(c) }

func (s gameSource) Compile(c string, src []byte) (*lua.FunctionProto, error) {
	s.g.compiles.Add(1)
	return compileSource(c, src)
}

// SetCompileCacheDir sets the disk cache folder ("" turns the disk cache
// off). It only has an effect before the first Precompile.
func (g *Game) SetCompileCacheDir(dir string) { g.cc.SetDir(dir) }

// CompileStats reports what the compile cache did so far.
func (g *Game) CompileStats() CompileStats { return g.cc.Stats() }

// Precompile parses and compiles paths (folder-relative game files) on every
// core, into the cache that Compile reads, so that running them later does
// not wait for the parser. Give it the files in the order they will run.
// Compile errors are not returned here: Compile returns them (from the
// cache) when the file runs. It is safe to call Precompile in a goroutine
// while contexts run files: a Compile of a file being compiled waits for
// it instead of compiling it twice. A batch of compilecache.DiskMinFiles or
// more also reads the folder's disk cache first and writes what was new to
// it after (in the background; Close waits for it), so give it every file
// of a load in one call. The pack stays in memory until its entries are
// used.
func (g *Game) Precompile(paths []string) { g.cc.Precompile(paths) }
