package ui

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"modscope/ui/editor"
)

// Modders edit in their own editor: the window watches the open folder
// (fsnotify, every folder below it) and, when Lua files change on disk,
// reloads (with "Auto-reload" on) or says so and offers Ctrl+R. The file
// open in the editor follows the disk when it has no unsaved edits; with
// unsaved edits it is never replaced without asking.

// watchSettle is how long the disk must stay quiet before a burst of
// changes (an editor's save is often several events) is acted on.
const watchSettle = 300 * time.Millisecond

// maxWatchDirs bounds the folders watched (inotify watches are a limited
// resource).
const maxWatchDirs = 20000

// folderWatch watches one folder tree.
type folderWatch struct {
	dir  string
	w    *fsnotify.Watcher
	once sync.Once
	done chan struct{}
}

func (fw *folderWatch) close() {
	fw.once.Do(func() {
		close(fw.done)
		fw.w.Close()
	})
}

// watchedExt tells whether a change to a file with this name matters.
func watchedExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".lua", ".toml":
		return true
	}
	return false
}

// startWatch watches dir (stopping the previous watch); changed is called
// on the UI goroutine with the changed files (relative, slash-separated).
func (u *App) startWatch(dir string) {
	u.stopWatch()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		u.ctl.SetStatus("Not watching the folder for edits: " + err.Error())
		u.refreshHeader()
		return
	}
	fw := &folderWatch{dir: dir, w: w, done: make(chan struct{})}
	u.watch = fw
	go fw.run(u.post, u.filesChangedOnDisk)
}

func (u *App) stopWatch() {
	if u.watch != nil {
		u.watch.close()
		u.watch = nil
	}
}

// addTree watches root and every folder below it (hidden ones skipped).
func (fw *folderWatch) addTree(root string, n *int) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable folder is just not watched
		}
		if !d.IsDir() {
			return nil
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if *n >= maxWatchDirs {
			return filepath.SkipAll
		}
		if fw.w.Add(p) == nil {
			*n++
		}
		return nil
	})
}

func (fw *folderWatch) run(post func(func()), changed func(*folderWatch, []string)) {
	n := 0
	fw.addTree(fw.dir, &n)
	pending := map[string]bool{}
	var timer <-chan time.Time
	for {
		select {
		case <-fw.done:
			return
		case ev, ok := <-fw.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					fw.addTree(ev.Name, &n)
					continue
				}
			}
			if ev.Op == fsnotify.Chmod || !watchedExt(ev.Name) {
				continue
			}
			rel, err := filepath.Rel(fw.dir, ev.Name)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			pending[filepath.ToSlash(rel)] = true
			timer = time.After(watchSettle)
		case <-fw.w.Errors:
			// an overflow loses events; the next change is seen again
		case <-timer:
			timer = nil
			files := make([]string, 0, len(pending))
			for f := range pending {
				files = append(files, f)
			}
			sort.Strings(files)
			pending = map[string]bool{}
			post(func() { changed(fw, files) })
		}
	}
}

// filesChangedOnDisk acts on files changed outside the window (UI
// goroutine).
func (u *App) filesChangedOnDisk(fw *folderWatch, files []string) {
	if fw != u.watch || len(files) == 0 {
		return
	}
	files = u.editor.diskChanged(files)
	if len(files) == 0 {
		return
	}
	for _, f := range files {
		u.diskChanged[f] = true
	}
	u.offerDiskReload()
}

// offerDiskReload reloads the files changed on disk (Auto-reload on, the
// folder loaded, nothing running) or says they changed.
func (u *App) offerDiskReload() {
	c := u.ctl
	if len(u.diskChanged) == 0 {
		u.diskBtn.Hide()
		return
	}
	files := u.diskChangedFiles()
	what := files[0]
	if len(files) > 1 {
		what = fmt.Sprintf("%s and %d more", files[0], len(files)-1)
	}
	if !c.HasSession() || c.Next == 0 {
		u.diskChanged = map[string]bool{}
		u.diskBtn.Hide()
		u.refreshHeader()
		return // nothing has run yet: the next step reads the new files
	}
	if u.editor.live.Checked && c.Busy == 0 {
		u.diskChanged = map[string]bool{}
		u.diskBtn.Hide()
		u.reloadFiles(files, "changed on disk: "+what)
		return
	}
	c.SetStatus("Changed on disk: " + what + " — Ctrl+R reloads")
	u.diskBtn.SetText("Reload: " + what)
	u.diskBtn.Show()
	u.refreshHeader()
}

// diskChangedFiles lists the files changed on disk and not reloaded yet.
func (u *App) diskChangedFiles() []string {
	files := make([]string, 0, len(u.diskChanged))
	for f := range u.diskChanged {
		files = append(files, f)
	}
	sort.Strings(files)
	return files
}

// reloadFiles runs changed files again: `edit FILE` where the model has it
// and one file changed, else ReloadLua; the changes of every context since
// the state before show in the globals.
func (u *App) reloadFiles(files []string, why string) {
	c := u.ctl
	if !c.HasSession() {
		return
	}
	if c.Busy > 0 {
		// a step is running: keep the files as changed, offer the reload
		for _, f := range files {
			u.diskChanged[f] = true
		}
		u.offerDiskReload()
		return
	}
	// files changed on disk before and not reloaded yet go with these
	for _, f := range u.diskChangedFiles() {
		if !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	u.diskChanged = map[string]bool{}
	u.diskBtn.Hide()
	if c.Folder.Window.ReloadAll || len(files) != 1 || !strings.HasSuffix(files[0], ".lua") {
		c.ReloadFor(why, nil)
		return
	}
	c.EditFor(files[0], why, nil)
}

// diskChanged brings the open file up to date with the disk when files
// changed: without unsaved edits it loads the disk's version (keeping the
// cursor); with them it asks. It returns the files that changed for real
// (not the editor's own save).
func (p *editorPane) diskChanged(files []string) []string {
	if p.path == "" {
		return files
	}
	rel := p.rel()
	out := files[:0:0]
	mine := false
	for _, f := range files {
		if f == rel {
			mine = true
			continue
		}
		out = append(out, f)
	}
	if !mine {
		return files
	}
	text, stamp, err := editor.Load(p.path)
	if err != nil {
		// deleted or unreadable: keep the buffer; saving writes it again
		p.u.ctl.SetStatus(rel + " changed on disk and cannot be read: " + err.Error())
		return append(out, rel)
	}
	if stamp.SHA256 == p.stamp.SHA256 && stamp.Size == p.stamp.Size {
		p.stamp = stamp
		return out // our own save (or a touch): nothing new
	}
	out = append(out, rel)
	if !p.ed.Dirty() {
		p.replaceText(text, stamp)
		return out
	}
	if p.askingDisk || (stamp.SHA256 == p.keptDisk.SHA256 && stamp.Size == p.keptDisk.Size) {
		return out // already asked about this (or asking now)
	}
	p.askingDisk = true
	path := p.path
	p.u.ask("File changed on disk", fmt.Sprintf("%s changed on disk, and you have unsaved edits in the window.\n"+
		"Keep your edits (saving will ask before overwriting the disk), or load the disk's version (losing them)?", rel),
		[]string{"Keep my edits", "Load the disk version"}, func(i int) {
			p.askingDisk = false
			if p.path != path {
				return
			}
			if i != 1 {
				p.keptDisk = stamp // p.stamp stays old: saving still asks before overwriting
				return
			}
			if text, stamp, err := editor.Load(path); err == nil {
				p.replaceText(text, stamp)
			}
		})
	return out
}

// replaceText shows the disk's version of the open file, keeping the
// cursor where it was.
func (p *editorPane) replaceText(text string, stamp editor.Stamp) {
	line, col := p.ed.CursorPosition()
	p.stamp = stamp
	p.ed.SetText(text)
	p.ed.MarkSaved()
	p.ed.SetCursorPosition(line, col)
	p.ed.Refresh()
	p.updateTitle()
	p.errKey = ""
	p.markErrors()
}
