package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Window-level keys. Fyne hands a key without a modifier (F10, F5) to the
// focused widget only, and an entry, a check box, a list or a tree drops
// the keys it does not use; the widgets below pass F10/F5 to the window
// first, so that stepping works whatever has the focus. Shortcuts with a
// modifier (Ctrl+R...) reach the main menu whatever has the focus.

// keyHook is the window's function-key handler (App.functionKey).
type keyHook func(*fyne.KeyEvent) bool

// fkEntry is an entry that passes the window's function keys on.
type fkEntry struct {
	widget.Entry
	hook keyHook
}

func newFKEntry(u *App) *fkEntry {
	e := &fkEntry{hook: u.functionKey}
	e.ExtendBaseWidget(e)
	return e
}

func (e *fkEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.hook != nil && e.hook(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}

// fkCheck is a check box that passes the window's function keys on.
type fkCheck struct {
	widget.Check
	hook keyHook
}

func newFKCheck(u *App, label string, changed func(bool)) *fkCheck {
	c := &fkCheck{hook: u.functionKey}
	c.Text = label
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *fkCheck) TypedKey(ev *fyne.KeyEvent) {
	if c.hook != nil && c.hook(ev) {
		return
	}
	c.Check.TypedKey(ev)
}

// fkSelect is a drop-down that passes the window's function keys on.
type fkSelect struct {
	widget.Select
	hook keyHook
}

func newFKSelect(u *App, options []string, changed func(string)) *fkSelect {
	s := &fkSelect{hook: u.functionKey}
	s.Options = options
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *fkSelect) TypedKey(ev *fyne.KeyEvent) {
	if s.hook != nil && s.hook(ev) {
		return
	}
	s.Select.TypedKey(ev)
}

// fkList is a list that passes the window's function keys on.
type fkList struct {
	widget.List
	hook keyHook
}

func newFKList(u *App, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *fkList {
	l := &fkList{hook: u.functionKey}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *fkList) TypedKey(ev *fyne.KeyEvent) {
	if l.hook != nil && l.hook(ev) {
		return
	}
	l.List.TypedKey(ev)
}

// fkTree is a tree that passes the window's function keys on.
type fkTree struct {
	widget.Tree
	hook keyHook
}

func newFKTree(u *App, children func(widget.TreeNodeID) []widget.TreeNodeID, isBranch func(widget.TreeNodeID) bool,
	create func(bool) fyne.CanvasObject, update func(widget.TreeNodeID, bool, fyne.CanvasObject)) *fkTree {
	t := &fkTree{hook: u.functionKey}
	t.ChildUIDs, t.IsBranch, t.CreateNode, t.UpdateNode = children, isBranch, create, update
	t.ExtendBaseWidget(t)
	return t
}

func (t *fkTree) TypedKey(ev *fyne.KeyEvent) {
	if t.hook != nil && t.hook(ev) {
		return
	}
	t.Tree.TypedKey(ev)
}

// traceOn makes the window log what it shows (header, search, summary,
// problems) on standard error: MODSCOPE_UI_TRACE=1, for the Xvfb tests,
// which cannot read the window otherwise.
var traceOn = os.Getenv("MODSCOPE_UI_TRACE") == "1"

func trace(format string, args ...any) {
	if traceOn {
		fmt.Fprintf(os.Stderr, "ui: "+format+"\n", args...)
	}
}
