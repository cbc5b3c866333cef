package compilecache

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"modscope/internal/gengame"
)

// dirSource is a test Source: a folder read through its os.Root and
// gopher-lua's compiler without the engine's refusal checks (the engine's
// own Source is tested through Game in engine/compilecache_test.go).
type dirSource struct {
	root     *os.Root
	compiles atomic.Int64
}

func (s *dirSource) Clean(rel string) (string, error) {
	c := path.Clean(strings.ReplaceAll(rel, "\\", "/"))
	if !filepath.IsLocal(filepath.FromSlash(c)) {
		return "", fmt.Errorf("%s: not a path inside the folder", rel)
	}
	return c, nil
}

func (s *dirSource) Stat(c string) (fs.FileInfo, error) { return s.root.Stat(c) }

func (s *dirSource) ReadFile(c string) ([]byte, error) { return s.root.ReadFile(c) }

func (s *dirSource) Exists(c string) bool {
	st, err := s.root.Stat(c)
	return err == nil && st.Mode().IsRegular()
}

func (s *dirSource) Compile(c string, src []byte) (*lua.FunctionProto, error) {
	s.compiles.Add(1)
	return compile(c, src)
}

// compile parses and compiles src as the engine does once its refusal
// checks pass, compacted.
func compile(name string, src []byte) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	Compact(p)
	return p, nil
}

// openCache makes the cache of dir with the disk cache in cache ("" =
// off); the test closes it unless it did.
func openCache(t testing.TB, dir, cache string) (*Cache, *dirSource) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := &dirSource{root: root}
	cc := New(src, Config{Folder: dir, MaxSourceBytes: 16 << 20, Salt: "test limits"})
	cc.SetDir(cache)
	t.Cleanup(func() {
		cc.Close()
		if err := root.Close(); err != nil {
			t.Error(err)
		}
	})
	return cc, src
}

// genTree writes the small generated game (about 60 files) and lists its
// Lua files, sorted.
func genTree(t testing.TB) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := gengame.Generate(dir, "small", 1); err != nil {
		t.Fatal(err)
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".lua") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) == 0 {
		t.Fatal("the generated tree has no Lua files")
	}
	return dir, files
}

// lowDiskMin lets small trees use the disk cache for the test's duration.
func lowDiskMin(t *testing.T) {
	old := DiskMinFiles
	DiskMinFiles = 1
	t.Cleanup(func() { DiskMinFiles = old })
}
