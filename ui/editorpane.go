package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/ui/editor"
)

// maxEditBytes bounds the files the editor opens.
const maxEditBytes = 8 << 20

// editorPane adapts the Lua editor widget (modscope/ui/editor) to the
// window: the open file and its on-disk stamp, a bar with its name, the
// cursor position, find and save, and the error that names it.
type editorPane struct {
	u     *App
	ed    *editor.Editor
	path  string // absolute; "" when nothing is open
	stamp editor.Stamp
	// askingDisk is set while "File changed on disk" is open; keptDisk is
	// the disk version the person chose not to load (not asked again).
	askingDisk bool
	keptDisk   editor.Stamp
	title      *widget.Label
	pos        *widget.Label
	errLbl     *widget.Label
	saveBtn    *widget.Button
	findBtn    *widget.Button
	live       *fkCheck
	obj        fyne.CanvasObject
	errKey     string // the error currently marked
}

const noFileTitle = "No file open — pick one in Files"

func newEditorPane(u *App) *editorPane {
	p := &editorPane{u: u, ed: editor.New()}
	p.ed.SetReadOnly(true) // until a file is open: nothing typed is ever lost
	p.ed.OnChanged = p.updateTitle
	p.ed.OnCursorMoved = func(line, col int) { p.pos.SetText(fmt.Sprintf("Ln %d, Col %d", line, col)) }
	p.ed.OnUnhandledKey = func(ev *fyne.KeyEvent) { u.functionKey(ev) }
	p.title = widget.NewLabelWithStyle(noFileTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.pos = widget.NewLabel("")
	p.pos.SizeName = theme.SizeNameCaptionText
	p.errLbl = widget.NewLabel("")
	p.errLbl.Importance = widget.DangerImportance
	p.errLbl.Truncation = fyne.TextTruncateEllipsis
	p.errLbl.Hide()
	p.saveBtn = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), p.save)
	p.saveBtn.Disable()
	p.findBtn = widget.NewButtonWithIcon("", theme.SearchIcon(), p.find)
	p.findBtn.Importance = widget.LowImportance
	// Auto-reload: after a save here, and when files change on disk
	p.live = newFKCheck(u, "Auto-reload", func(on bool) { u.app.Preferences().SetBool("liveReload", on) })
	p.live.SetChecked(u.app.Preferences().BoolWithFallback("liveReload", true))
	bar := container.NewBorder(nil, nil, widget.NewIcon(theme.FileTextIcon()),
		container.NewHBox(p.pos, p.findBtn, p.live, p.saveBtn), p.title)
	p.obj = container.NewBorder(container.NewVBox(bar, p.errLbl), nil, nil, nil, p.ed)
	return p
}

func (p *editorPane) rel() string {
	if p.path == "" {
		return ""
	}
	if r, err := filepath.Rel(p.u.ctl.Dir, p.path); err == nil && !filepath.IsAbs(r) && r != "" && r[0] != '.' {
		return filepath.ToSlash(r)
	}
	return p.path
}

func (p *editorPane) updateTitle() {
	if p.path == "" {
		p.title.SetText(noFileTitle)
		p.saveBtn.Disable()
		return
	}
	t := p.rel()
	if p.ed.Dirty() {
		t = "● " + t + " (unsaved)"
		p.saveBtn.Enable()
	} else {
		p.saveBtn.Disable()
	}
	p.title.SetText(t)
}

// find opens the editor's find bar (Ctrl+F).
func (p *editorPane) find() {
	if p.path == "" {
		return
	}
	p.ed.ShowFind()
}

// focus gives the keyboard to the text.
func (p *editorPane) focus() {
	if c := p.u.win.Canvas(); c != nil {
		c.Focus(p.ed)
	}
}

// open shows file path (absolute) at line (0: keep the top), asking about
// unsaved edits of another file first.
func (p *editorPane) open(path string, line int) {
	if path == p.path && p.path != "" {
		if line > 0 {
			p.ed.GotoLine(line)
		}
		p.markErrors()
		return
	}
	p.confirmDiscard(func() {
		if st, err := os.Stat(path); err == nil && st.Size() > maxEditBytes {
			p.u.showError(fmt.Errorf("open %s: %d MiB is too large to edit here (the limit is %d MiB)", path, st.Size()>>20, maxEditBytes>>20))
			return
		}
		text, stamp, err := editor.Load(path)
		if err != nil {
			p.u.showError(err)
			return
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			p.u.showError(fmt.Errorf("open %s: not a text file (not UTF-8, or has NUL bytes)", path))
			return
		}
		p.path, p.stamp, p.errKey = path, stamp, ""
		p.ed.SetReadOnly(false)
		p.ed.PlainText = !strings.EqualFold(filepath.Ext(path), ".lua")
		p.ed.SetText(text)
		p.ed.Refresh()
		p.ed.MarkSaved()
		p.ed.SetErrorLine(0, "")
		p.errLbl.Hide()
		if line > 0 {
			p.ed.GotoLine(line)
		}
		p.updateTitle()
		p.markErrors()
		p.u.files.reveal(path)
	})
}

// close forgets the open file (without asking).
func (p *editorPane) close() {
	p.path = ""
	p.stamp = editor.Stamp{}
	p.ed.SetText("")
	p.ed.MarkSaved()
	p.ed.SetReadOnly(true)
	p.ed.SetErrorLine(0, "")
	p.errLbl.Hide()
	p.pos.SetText("")
	p.updateTitle()
}

// confirmDiscard runs next when there are no unsaved edits, or after
// asking whether to save or discard them (Cancel runs nothing).
func (p *editorPane) confirmDiscard(next func()) {
	if p.path == "" || !p.ed.Dirty() {
		next()
		return
	}
	p.u.ask("Unsaved changes", fmt.Sprintf("%s has unsaved changes.", p.rel()),
		[]string{"Save", "Discard", "Cancel"}, func(i int) {
			switch i {
			case 0:
				p.saveThen(next)
			case 1:
				p.ed.MarkSaved()
				next()
			}
		})
}

func (p *editorPane) save() { p.saveThen(nil) }

// saveThen saves atomically (temp file + rename); a file changed on disk
// since it was opened or saved is never overwritten without asking.
func (p *editorPane) saveThen(next func()) {
	if p.path == "" {
		return
	}
	data := []byte(p.ed.Text())
	st, err := editor.SaveAtomic(p.path, data, p.stamp)
	if errors.Is(err, editor.ErrChangedOnDisk) {
		p.u.ask("File changed on disk", fmt.Sprintf("%s changed on disk since you opened it.\nOverwrite it with your version, or reload the version on disk (losing your edits)?", p.rel()),
			[]string{"Overwrite", "Reload from disk", "Cancel"}, func(i int) {
				switch i {
				case 0:
					st, err := editor.ForceSaveAtomic(p.path, data)
					p.saved(st, err, next)
				case 1:
					path := p.path
					p.ed.MarkSaved()
					p.path = ""
					p.open(path, 0)
				}
			})
		return
	}
	p.saved(st, err, next)
}

func (p *editorPane) saved(st editor.Stamp, err error, next func()) {
	if err != nil {
		p.u.showError(err) // the edit stays in the editor, still unsaved
		return
	}
	p.stamp = st
	p.ed.MarkSaved()
	p.updateTitle()
	p.u.ctl.SetStatus("Saved " + p.rel() + " — Reload (Ctrl+R) runs it")
	p.u.refreshHeader()
	if next != nil {
		next()
		return
	}
	p.liveReload()
}

// liveReload runs the saved file again when "Reload on save" is on and
// the folder has started loading (while a step runs, it is offered for
// later): `edit FILE` (the model reloads what
// holds it), or ReloadLua where the model has no edit.
func (p *editorPane) liveReload() {
	c := p.u.ctl
	if !p.live.Checked || !c.HasSession() || c.Next == 0 || !strings.HasSuffix(p.path, ".lua") {
		return
	}
	p.u.reloadFiles([]string{p.rel()}, "saved "+p.rel())
}

// markErrors marks the latest error that names the open file.
func (p *editorPane) markErrors() {
	if p.path == "" {
		return
	}
	rel := p.rel()
	errs := p.u.ctl.Errors
	for i := len(errs) - 1; i >= 0; i-- {
		e := errs[i]
		if e.Line <= 0 || filepath.ToSlash(e.File) != rel {
			continue
		}
		key := fmt.Sprintf("%d/%s:%d", i, e.File, e.Line)
		if key == p.errKey {
			return
		}
		p.errKey = key
		p.ed.SetErrorLine(e.Line, e.Message)
		p.errLbl.SetText(fmt.Sprintf("line %d: %s (%s)", e.Line, firstLine(e.Message), e.Context))
		p.errLbl.Show()
		return
	}
	if p.errKey != "" {
		p.errKey = ""
		p.ed.SetErrorLine(0, "")
		p.errLbl.Hide()
	}
}

// showError shows an error in a dialog (and the status line).
func (u *App) showError(err error) {
	u.ctl.SetStatus(firstLine(err.Error()))
	u.refreshHeader()
	dialog.ShowError(err, u.win)
}
