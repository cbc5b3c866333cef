package ui

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// filesView is the folder's file tree. Node IDs are paths relative to the
// root, slash separated ("" is the root).
type filesView struct {
	u    *App
	root string
	tree *fkTree
	obj  fyne.CanvasObject
	kids map[string][]string
	dirs map[string]bool
}

func newFilesView(u *App) *filesView {
	v := &filesView{u: u, kids: map[string][]string{}, dirs: map[string]bool{"": true}}
	v.tree = newFKTree(u, v.children, func(id string) bool { return v.dirs[id] },
		func(branch bool) fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.FileIcon()), widget.NewLabel("file name"))
		},
		func(id string, branch bool, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			ic := box.Objects[0].(*widget.Icon)
			switch {
			case branch:
				ic.SetResource(theme.FolderIcon())
			case strings.HasSuffix(id, ".lua"):
				ic.SetResource(theme.FileTextIcon())
			default:
				ic.SetResource(theme.FileIcon())
			}
			box.Objects[1].(*widget.Label).SetText(filepath.Base(id))
		})
	v.tree.OnSelected = func(id string) {
		if v.dirs[id] {
			v.tree.ToggleBranch(id)
			v.tree.UnselectAll()
			return
		}
		v.u.editor.open(filepath.Join(v.root, filepath.FromSlash(id)), 0)
	}
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { v.setRoot(v.root) })
	refresh.Importance = widget.LowImportance
	v.obj = container.NewBorder(nil, nil, nil, nil, v.tree)
	_ = refresh
	return v
}

// setRoot shows dir (re-reading it).
func (v *filesView) setRoot(dir string) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	v.root = dir
	v.kids = map[string][]string{}
	v.dirs = map[string]bool{"": true}
	v.tree.CloseAllBranches()
	v.tree.UnselectAll()
	v.tree.Refresh()
	v.tree.ScrollToTop()
}

func (v *filesView) children(id string) []string {
	if v.root == "" {
		return nil
	}
	if k, ok := v.kids[id]; ok {
		return k
	}
	ents, err := os.ReadDir(filepath.Join(v.root, filepath.FromSlash(id)))
	if err != nil {
		v.kids[id] = nil
		return nil
	}
	var files, dirs []string
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		child := name
		if id != "" {
			child = id + "/" + name
		}
		if e.IsDir() {
			v.dirs[child] = true
			dirs = append(dirs, child)
		} else {
			files = append(files, child)
		}
	}
	sort.Strings(dirs)
	sort.Strings(files)
	out := append(dirs, files...)
	v.kids[id] = out
	return out
}

// reveal selects the file at abs path p if it is inside the folder.
func (v *filesView) reveal(p string) {
	rel, err := filepath.Rel(v.root, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	rel = filepath.ToSlash(rel)
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		id := strings.Join(parts[:i], "/")
		v.children(id)
		v.tree.OpenBranch(id)
	}
	v.children(strings.Join(parts[:len(parts)-1], "/"))
	sel := v.tree.OnSelected
	v.tree.OnSelected = nil
	v.tree.Select(rel)
	v.tree.OnSelected = sel
	v.tree.ScrollTo(rel)
}

func listableURI(path string) (fyne.ListableURI, error) {
	return storage.ListerForURI(storage.NewFileURI(path))
}
