package engine

import (
	"fmt"
	"testing"
	"testing/fstest"
)

// TestLuaFilesBoundedByEntries: the listing stops after maxEntries entries
// visited, however few Lua files it found (a home folder is not walked
// whole).
func TestLuaFilesBoundedByEntries(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 100 {
		fsys[fmt.Sprintf("a/n%03d.txt", i)] = &fstest.MapFile{}
	}
	fsys["z/last.lua"] = &fstest.MapFile{}
	fsys["0.lua"] = &fstest.MapFile{}
	if got := luaFiles(fsys, 10, 1000); len(got) != 2 {
		t.Fatalf("unbounded walk: %v", got)
	}
	if got := luaFiles(fsys, 10, 20); len(got) != 1 || got[0] != "0.lua" {
		t.Fatalf("walk bounded to 20 entries listed %v, want [0.lua]", got)
	}
}
