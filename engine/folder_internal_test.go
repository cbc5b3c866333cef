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

// TestFirstFileLooksInItsFolder: "DIR/" finds DIR's first Lua file even
// when the capped list of the folder's files ends before DIR (a big
// Haemimont tree: CommonLua and Data fill it before Lua).
func TestFirstFileLooksInItsFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"CommonLua/a.lua": &fstest.MapFile{},
		"Lua/sub/b.lua":   &fstest.MapFile{},
		"Lua/a.lua":       &fstest.MapFile{},
	}
	for _, tc := range []struct {
		name string
		want []string
		list []string
		got  string
	}{
		{"listed", []string{"Lua/"}, []string{"CommonLua/a.lua", "Lua/a.lua"}, "Lua/a.lua"},
		{"past the list's cap", []string{"Lua/"}, []string{"CommonLua/a.lua"}, "Lua/a.lua"},
		{"no such folder: the first file", []string{"Code/"}, []string{"CommonLua/a.lua"}, "CommonLua/a.lua"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firstFile(fsys, tc.want, tc.list); got != tc.got {
				t.Errorf("firstFile = %q, want %q", got, tc.got)
			}
		})
	}
}
