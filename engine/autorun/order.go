package autorun

import (
	"path"
	"sort"
	"strings"

	"modscope/engine"
)

// This file holds the engine's folder rules (lib.lua's dofolder,
// dofolder_files and dofolder_folders):
//
//   - a folder holding __load.lua runs only that file, which gets the
//     folder's path as its `...`;
//   - otherwise its .lua files run, then its subfolders, each list sorted
//     as the engine's CmpLower (case-insensitive), and any file or folder
//     whose name starts with "__" is skipped.

// cmpLower is the engine's CmpLower: names compared lower-cased; equal
// lower-cased names (only possible on a case-sensitive disk) keep byte
// order so that the order is total.
func cmpLower(a, b string) bool {
	la, lb := asciiLower(a), asciiLower(b)
	if la != lb {
		return la < lb
	}
	return a < b
}

// asciiLower lower-cases A-Z only, as C's tolower does in the "C" locale
// (autorun.lua sets it first thing).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// loadFile is one file a folder walk runs, with the arguments its chunk
// gets (the folder, for a __load.lua).
type loadFile struct {
	Path string
	Arg  string // the folder passed to __load.lua as `...`; "" for none
}

// folderTree is the .lua files under a folder, by directory.
type folderTree struct {
	files map[string][]string // dir -> base names of its .lua files
	dirs  map[string][]string // dir -> base names of its subfolders (that hold .lua files somewhere below)
}

// treeOf lists the .lua files under root once and indexes them by folder.
func treeOf(g *engine.Game, root string) *folderTree {
	t := &folderTree{files: map[string][]string{}, dirs: map[string][]string{}}
	root = strings.TrimSuffix(root, "/")
	seenDir := map[string]bool{root: true}
	for _, f := range g.ListLua(root) {
		dir, base := path.Split(f)
		dir = strings.TrimSuffix(dir, "/")
		t.files[dir] = append(t.files[dir], base)
		for d := dir; !seenDir[d] && d != "." && d != ""; {
			seenDir[d] = true
			parent, name := path.Split(d)
			parent = strings.TrimSuffix(parent, "/")
			t.dirs[parent] = append(t.dirs[parent], name)
			d = parent
		}
	}
	return t
}

// dofolderOrder is the files dofolder(folder) runs, in order.
func dofolderOrder(g *engine.Game, folder string) []loadFile {
	t := treeOf(g, folder)
	var out []loadFile
	t.dofolder(strings.TrimSuffix(folder, "/"), &out, 0)
	return out
}

// dofolderFilesOrder is the files dofolder_files(folder) runs, in order.
func dofolderFilesOrder(g *engine.Game, folder string) []loadFile {
	t := treeOf(g, folder)
	var out []loadFile
	t.dofolderFiles(strings.TrimSuffix(folder, "/"), &out)
	return out
}

// dofolderFoldersOrder is the files dofolder_folders(folder) runs, in order.
func dofolderFoldersOrder(g *engine.Game, folder string) []loadFile {
	t := treeOf(g, folder)
	var out []loadFile
	t.dofolderFolders(strings.TrimSuffix(folder, "/"), &out, 0)
	return out
}

func (t *folderTree) dofolder(dir string, out *[]loadFile, depth int) {
	if depth > 64 {
		return
	}
	for _, f := range t.files[dir] {
		if strings.EqualFold(f, "__load.lua") {
			*out = append(*out, loadFile{Path: path.Join(dir, f), Arg: dir})
			return
		}
	}
	t.dofolderFiles(dir, out)
	t.dofolderFolders(dir, out, depth)
}

func (t *folderTree) dofolderFiles(dir string, out *[]loadFile) {
	files := append([]string(nil), t.files[dir]...)
	sort.Slice(files, func(i, j int) bool { return cmpLower(files[i], files[j]) })
	for _, f := range files {
		if !strings.HasPrefix(f, "__") {
			*out = append(*out, loadFile{Path: path.Join(dir, f)})
		}
	}
}

func (t *folderTree) dofolderFolders(dir string, out *[]loadFile, depth int) {
	dirs := append([]string(nil), t.dirs[dir]...)
	sort.Slice(dirs, func(i, j int) bool { return cmpLower(dirs[i], dirs[j]) })
	for _, d := range dirs {
		if !strings.HasPrefix(d, "__") {
			t.dofolder(path.Join(dir, d), out, depth+1)
		}
	}
}

// paths keeps the paths of a walk (for precompiling).
func paths(files []loadFile) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

// direct keeps the files directly inside folder.
func direct(files []string, folder string) []string {
	var out []string
	for _, f := range files {
		if !strings.Contains(strings.TrimPrefix(f, folder+"/"), "/") {
			out = append(out, f)
		}
	}
	return out
}
