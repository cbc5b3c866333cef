package editor

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/ui/editor/buffer"
)

// findBar is the editor's own find bar, shown above the text by Ctrl+F:
// a query entry (searching as you type), Match case, previous/next and
// close. Enter or F3 finds the next match, Shift+F3 the previous one and
// Escape closes the bar, returning the focus to the text.
type findBar struct {
	e      *Editor
	entry  *findEntry
	status *widget.Label
	match  *widget.Check
	obj    *fyne.Container
	origin buffer.Pos // where searching as you type starts
}

func newFindBar(e *Editor) *findBar {
	f := &findBar{e: e}
	f.entry = newFindEntry(f)
	f.entry.SetPlaceHolder("Find")
	f.entry.OnChanged = func(q string) {
		e.findQuery = q
		if q == "" {
			e.buf.SetCursor(f.origin, false)
			f.status.SetText("")
			e.afterChange(revealNearest)
			return
		}
		e.findFrom(f.origin, false)
	}
	f.entry.OnSubmitted = func(string) { e.FindNext() }
	f.status = widget.NewLabel("")
	f.match = widget.NewCheck("Match case", func(on bool) {
		e.FindMatchCase = on
		if e.findQuery != "" {
			sel, _ := e.buf.Selection()
			e.findFrom(sel.Start, false)
		}
	})
	prev := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.FindPrev() })
	next := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.FindNext() })
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), e.HideFind)
	prev.Importance, next.Importance, closeBtn.Importance = widget.LowImportance, widget.LowImportance, widget.LowImportance
	f.obj = container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()),
		container.NewHBox(f.status, f.match, prev, next, closeBtn), f.entry)
	f.obj.Hide()
	return f
}

func (f *findBar) visible() bool { return f.obj.Visible() }

// showResult updates the "2 of 5" / "No results" label.
func (f *findBar) showResult(r buffer.Range, ok bool) {
	if !f.visible() {
		return
	}
	defer f.obj.Refresh() // the label's width changed: lay the bar out again
	if !ok {
		f.status.SetText("No results")
		return
	}
	all := f.e.buf.FindAll(f.e.findQuery, f.e.FindMatchCase)
	i := 1
	for k, m := range all {
		if m == r {
			i = k + 1
			break
		}
	}
	f.status.SetText(fmt.Sprintf("%d of %d", i, len(all)))
}

// ShowFind shows the find bar above the text, filled with the selection
// when it is on one line, and focuses its entry.
func (e *Editor) ShowFind() {
	f := e.find
	sel, hasSel := e.buf.Selection()
	f.origin = sel.Start
	f.match.SetChecked(e.FindMatchCase)
	if !f.visible() {
		f.obj.Show()
		e.Refresh()
	}
	if t := e.buf.SelectedText(); hasSel && !strings.Contains(t, "\n") && t != f.entry.Text {
		f.entry.SetText(t) // searches from origin: keeps this match selected
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
		c.Focus(f.entry)
	}
	f.entry.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// HideFind hides the find bar and focuses the text.
func (e *Editor) HideFind() {
	if e.find.visible() {
		e.find.obj.Hide()
		e.Refresh()
	}
	e.requestFocus()
}

// FindVisible reports whether the find bar is shown.
func (e *Editor) FindVisible() bool { return e.find.visible() }

// Find selects the first match of query at or after the start of the
// selection (or the cursor), wrapping around, and scrolls to it; the query
// is kept for FindNext and FindPrev. Matching ignores case unless
// FindMatchCase is set. false when there is no match.
func (e *Editor) Find(query string) bool {
	e.findQuery = query
	sel, _ := e.buf.Selection()
	return e.findFrom(sel.Start, false)
}

// FindNext selects the next match of the last query after the selection.
func (e *Editor) FindNext() bool {
	sel, _ := e.buf.Selection()
	return e.findFrom(sel.End, false)
}

// FindPrev selects the previous match of the last query before the
// selection.
func (e *Editor) FindPrev() bool {
	sel, _ := e.buf.Selection()
	return e.findFrom(sel.Start, true)
}

func (e *Editor) findFrom(from buffer.Pos, prev bool) bool {
	if e.findQuery == "" {
		return false
	}
	var r buffer.Range
	var ok bool
	if prev {
		r, ok = e.buf.FindPrev(e.findQuery, from, e.FindMatchCase)
	} else {
		r, ok = e.buf.Find(e.findQuery, from, e.FindMatchCase)
	}
	if ok {
		e.buf.Select(r.Start, r.End)
		e.afterChange(revealCenter)
	}
	e.find.showResult(r, ok)
	return ok
}

// findEntry is the find bar's entry: Escape closes the bar, F3 and
// Shift+F3 step through the matches.
type findEntry struct {
	widget.Entry
	f     *findBar
	shift bool
}

func newFindEntry(f *findBar) *findEntry {
	en := &findEntry{f: f}
	en.ExtendBaseWidget(en)
	return en
}

// TypedKey handles Escape and F3 before the entry.
func (en *findEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		en.f.e.HideFind()
	case fyne.KeyF3:
		if en.shift {
			en.f.e.FindPrev()
		} else {
			en.f.e.FindNext()
		}
	default:
		en.Entry.TypedKey(ev)
	}
}

// KeyDown tracks Shift (for Shift+F3), then lets the entry see the key.
func (en *findEntry) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		en.shift = true
	}
	en.Entry.KeyDown(ev)
}

// KeyUp is the counterpart of KeyDown.
func (en *findEntry) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		en.shift = false
	}
	en.Entry.KeyUp(ev)
}
