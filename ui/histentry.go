package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// histEntry is a one-line entry with a history (Up/Down) that also passes
// F5/F10 to the window, so stepping works while typing.
type histEntry struct {
	widget.Entry
	hist  []string
	pos   int
	fkeys func(*fyne.KeyEvent) bool
}

func newHistEntry() *histEntry {
	e := &histEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// remember adds a line to the history.
func (e *histEntry) remember(s string) {
	if s != "" && (len(e.hist) == 0 || e.hist[len(e.hist)-1] != s) {
		e.hist = append(e.hist, s)
	}
	e.pos = len(e.hist)
}

func (e *histEntry) TypedKey(k *fyne.KeyEvent) {
	if e.fkeys != nil && e.fkeys(k) {
		return
	}
	switch k.Name {
	case fyne.KeyUp:
		if e.pos > 0 {
			e.pos--
			e.SetText(e.hist[e.pos])
			e.CursorColumn = len([]rune(e.Text))
			e.Refresh()
		}
	case fyne.KeyDown:
		if e.pos < len(e.hist) {
			e.pos++
			if e.pos == len(e.hist) {
				e.SetText("")
			} else {
				e.SetText(e.hist[e.pos])
			}
			e.CursorColumn = len([]rune(e.Text))
			e.Refresh()
		}
	default:
		e.Entry.TypedKey(k)
	}
}
