// Package editor is the Lua code editor widget: a widget.TextGrid showing a
// window of a buffer.Buffer, syntax-highlighted with chroma's Lua lexer, with
// a line-number gutter, cursor, selection, an error-line marker, undo/redo,
// clipboard and a find bar.
//
// The text model, highlighting and file helpers live in the Fyne-free
// subpackage modscope/ui/editor/buffer; Load, SaveAtomic and friends are
// re-exported here.
//
// Keys: arrows, Home/End (smart home), Page Up/Down, Ctrl+Home/End,
// Ctrl+Left/Right (by word), Shift+any of those to select, Enter (keeps the
// indentation), Tab/Shift+Tab (indent; on a multi-line selection
// (de)indents the lines), Backspace/Delete, Ctrl+Backspace/Delete (by
// word), Ctrl+Z undo, Ctrl+Y or Ctrl+Shift+Z redo, Ctrl+A, Ctrl+C/X/V with
// the app clipboard, Ctrl+F find bar (Enter/F3 next, Shift+F3 previous,
// Escape closes). Shortcuts the editor does not use (Ctrl+S, ...) are passed
// on to the window's canvas shortcuts.
//
// Find: Ctrl+F opens the editor's own find bar, shown above the text (see
// ShowFind); a window may instead drive Find, FindNext and FindPrev from a
// bar of its own.
package editor

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"modscope/ui/editor/buffer"
)

// Editor is the Lua code editor widget. Create it with New.
type Editor struct {
	widget.BaseWidget

	// OnChanged is called after every change to the text: typing, editing
	// keys, undo/redo, cut/paste and SetText.
	OnChanged func()
	// OnCursorMoved is called when the cursor moves, with its 1-based line
	// and column (in runes).
	OnCursorMoved func(line, col int)
	// OnUnhandledKey gets the keys the editor does not use (F5, F10, ...),
	// so that a window's function keys still work while it has focus.
	OnUnhandledKey func(ev *fyne.KeyEvent)

	// TabWidth is the tab stop width, also the indentation Tab inserts;
	// 4 when <= 0.
	TabWidth int
	// IndentWithTabs makes Tab insert a tab character instead of spaces.
	IndentWithTabs bool
	// FindMatchCase makes Find and the find bar case-sensitive.
	FindMatchCase bool
	// PlainText turns the Lua highlighting off (for files that are not
	// Lua); set it before SetText, or Refresh after changing it.
	PlainText bool

	buf       *buffer.Buffer
	hl        *buffer.Highlighter
	hlVersion uint64
	maxCols   int // widest line seen, in cells (only grows until SetText)

	readOnly bool
	errLine  int
	errMsg   string

	focused   bool
	shift     bool
	mouseDown bool
	dragging  bool

	lastVersion uint64
	lastCursor  buffer.Pos
	reveal      revealMode // scroll to the cursor once laid out

	findQuery string

	grid   *widget.TextGrid
	view   *docView
	scroll *container.Scroll
	find   *findBar

	v view // geometry and colours, see view.go
}

type revealMode uint8

const (
	revealNone revealMode = iota
	revealNearest
	revealCenter
)

// Interfaces the editor implements for Fyne.
var (
	_ fyne.Widget        = (*Editor)(nil)
	_ fyne.Focusable     = (*Editor)(nil)
	_ fyne.Tappable      = (*Editor)(nil)
	_ fyne.Tabbable      = (*Editor)(nil)
	_ fyne.Shortcutable  = (*Editor)(nil)
	_ desktop.Keyable    = (*Editor)(nil)
	_ desktop.Cursorable = (*Editor)(nil)
)

// New returns an empty editor.
func New() *Editor {
	e := &Editor{buf: buffer.New(""), hl: buffer.NewHighlighter()}
	e.ExtendBaseWidget(e)
	e.grid = widget.NewTextGrid()
	e.view = newDocView(e)
	e.scroll = container.NewScroll(e.view)
	e.scroll.OnScrolled = func(fyne.Position) { e.refreshView() }
	e.find = newFindBar(e)
	e.syncHighlight()
	e.lastVersion = e.buf.Version()
	return e
}

// CreateRenderer is part of fyne.Widget.
func (e *Editor) CreateRenderer() fyne.WidgetRenderer {
	e.ExtendBaseWidget(e)
	return &editorRenderer{e: e}
}

// SetText replaces the text (CRLF line endings and a UTF-8 BOM are kept for
// Text), clears the undo history and the selection, puts the cursor at the
// start and scrolls to the top. OnChanged is called. The editor is dirty
// afterwards until MarkSaved, unless the text is unchanged.
func (e *Editor) SetText(text string) {
	if text == e.buf.Text() {
		return
	}
	e.buf.TabWidth = e.tabWidth()
	e.buf.SetText(text)
	e.hl.Reset()
	e.maxCols = 0
	e.syncHighlight()
	e.reveal = revealNone
	e.scroll.ScrollToOffset(fyne.Position{})
	e.afterChange(revealNone)
}

// Text returns the text, with the line ending and BOM it was set with.
func (e *Editor) Text() string { return e.buf.Text() }

// Dirty reports whether the text changed since MarkSaved (undoing back to
// the saved text makes it clean).
func (e *Editor) Dirty() bool { return e.buf.Dirty() }

// MarkSaved records the current text as saved.
func (e *Editor) MarkSaved() { e.buf.MarkSaved() }

// CursorPosition returns the cursor's 1-based line and 1-based column (in
// runes).
func (e *Editor) CursorPosition() (line, col int) {
	p := e.buf.Cursor()
	return p.Line + 1, p.Col + 1
}

// SetCursorPosition moves the cursor to a 1-based line and column (clamped)
// and scrolls to it.
func (e *Editor) SetCursorPosition(line, col int) {
	e.buf.SetCursor(buffer.Pos{Line: line - 1, Col: col - 1}, false)
	e.afterChange(revealNearest)
}

// GotoLine moves the cursor to the first non-blank character of 1-based
// line n (clamped) and scrolls it to the middle of the view unless it is
// visible already.
func (e *Editor) GotoLine(n int) {
	ln := max(0, min(n-1, e.buf.LineCount()-1))
	col := utf8.RuneCountInString(buffer.LeadingSpace(e.buf.Line(ln)))
	e.buf.SetCursor(buffer.Pos{Line: ln, Col: col}, false)
	e.afterChange(revealCenter)
}

// SetErrorLine marks 1-based line n as the line of an error (gutter and
// background in the theme's error colour, msg's first line shown after the
// text); 0 clears the mark.
func (e *Editor) SetErrorLine(n int, msg string) {
	if n < 0 {
		n = 0
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	e.errLine, e.errMsg = n, strings.TrimSpace(msg)
	e.refreshView()
}

// ErrorLine returns the marked error line (0: none) and its message.
func (e *Editor) ErrorLine() (int, string) { return e.errLine, e.errMsg }

// SetReadOnly makes the text read-only (the cursor still moves, selects and
// copies) or editable again.
func (e *Editor) SetReadOnly(ro bool) {
	e.readOnly = ro
	e.refreshView()
}

// ReadOnly reports whether the text is read-only.
func (e *Editor) ReadOnly() bool { return e.readOnly }

// SelectedText returns the selected text ("\n" line breaks).
func (e *Editor) SelectedText() string { return e.buf.SelectedText() }

// SelectAll selects the whole text.
func (e *Editor) SelectAll() {
	e.buf.SelectAll()
	e.afterChange(revealNone)
}

// Undo reverts the last edit (a run of typing counts as one); false when
// there is nothing to undo or the editor is read-only.
func (e *Editor) Undo() bool {
	if e.readOnly || !e.buf.Undo() {
		return false
	}
	e.afterChange(revealNearest)
	return true
}

// Redo re-applies the last undone edit.
func (e *Editor) Redo() bool {
	if e.readOnly || !e.buf.Redo() {
		return false
	}
	e.afterChange(revealNearest)
	return true
}

// LineCount returns the number of lines.
func (e *Editor) LineCount() int { return e.buf.LineCount() }

func (e *Editor) tabWidth() int {
	if e.TabWidth <= 0 {
		return 4
	}
	return e.TabWidth
}

// syncHighlight re-highlights after buffer changes and widens the view for
// the lines that changed.
func (e *Editor) syncHighlight() {
	if e.hlVersion == e.buf.Version() && e.hl.Len() == e.buf.LineCount() {
		return
	}
	lines := e.buf.Lines()
	from, to := e.hl.Update(lines)
	tab := e.tabWidth()
	for i := from; i < to && i < len(lines); i++ {
		e.maxCols = max(e.maxCols, lineWidth(lines[i], tab))
	}
	e.hlVersion = e.buf.Version()
}

// afterChange brings highlighting, scroll extent and view up to date after
// an edit or cursor move, scrolls to the cursor and runs the callbacks.
func (e *Editor) afterChange(reveal revealMode) {
	e.buf.TabWidth = e.tabWidth()
	e.syncHighlight()
	e.updateExtent()
	if reveal != revealNone {
		e.revealCursor(reveal)
	}
	e.refreshView()
	if v := e.buf.Version(); v != e.lastVersion {
		e.lastVersion = v
		if e.OnChanged != nil {
			e.OnChanged()
		}
	}
	if c := e.buf.Cursor(); c != e.lastCursor {
		e.lastCursor = c
		if e.OnCursorMoved != nil {
			e.OnCursorMoved(c.Line+1, c.Col+1)
		}
	}
}

// requestFocus focuses the editor on its canvas.
func (e *Editor) requestFocus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.Focused() != e {
		c.Focus(e)
	}
}

// FocusGained is part of fyne.Focusable.
func (e *Editor) FocusGained() {
	e.focused = true
	e.refreshView()
}

// FocusLost is part of fyne.Focusable.
func (e *Editor) FocusLost() {
	e.focused, e.shift = false, false
	e.refreshView()
}

// AcceptsTab is part of fyne.Tabbable: Tab indents instead of moving focus.
func (e *Editor) AcceptsTab() bool { return true }

// Cursor is part of desktop.Cursorable.
func (e *Editor) Cursor() desktop.Cursor { return desktop.TextCursor }

// KeyDown is part of desktop.Keyable; it tracks Shift for selecting with
// the movement keys.
func (e *Editor) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = true
	}
}

// KeyUp is part of desktop.Keyable.
func (e *Editor) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = false
	}
}

// TypedRune is part of fyne.Focusable.
func (e *Editor) TypedRune(r rune) {
	if e.readOnly || r < 0x20 && r != '\t' || r == 0x7f {
		return
	}
	e.buf.TypeRune(r)
	e.afterChange(revealNearest)
}

// TypedKey is part of fyne.Focusable.
func (e *Editor) TypedKey(ev *fyne.KeyEvent) {
	b := e.buf
	edit := !e.readOnly
	switch ev.Name {
	case fyne.KeyLeft:
		b.Move(buffer.MoveLeft, e.shift)
	case fyne.KeyRight:
		b.Move(buffer.MoveRight, e.shift)
	case fyne.KeyUp:
		b.Move(buffer.MoveUp, e.shift)
	case fyne.KeyDown:
		b.Move(buffer.MoveDown, e.shift)
	case fyne.KeyHome:
		b.Move(buffer.MoveHome, e.shift)
	case fyne.KeyEnd:
		b.Move(buffer.MoveEnd, e.shift)
	case fyne.KeyPageUp:
		b.MovePage(-e.pageRows(), e.shift)
	case fyne.KeyPageDown:
		b.MovePage(e.pageRows(), e.shift)
	case fyne.KeyReturn, fyne.KeyEnter:
		if edit {
			b.Newline()
		}
	case fyne.KeyBackspace:
		if edit {
			b.Backspace()
		}
	case fyne.KeyDelete:
		if edit {
			b.Delete()
		}
	case fyne.KeyTab:
		if edit {
			e.indent(e.shift)
		}
	case fyne.KeyEscape:
		if e.find.visible() {
			e.HideFind()
			return
		}
		b.SetCursor(b.Cursor(), false)
	case fyne.KeyF3:
		if e.shift {
			e.FindPrev()
		} else {
			e.FindNext()
		}
		return
	default:
		if e.OnUnhandledKey != nil {
			e.OnUnhandledKey(ev)
		}
		return
	}
	e.afterChange(revealNearest)
}

// indent handles Tab: with a selection over several lines, or with Shift,
// the lines are indented (dedented) by one level; otherwise the
// indentation is inserted at the cursor (up to the next tab stop).
func (e *Editor) indent(out bool) {
	b := e.buf
	sel, hasSel := b.Selection()
	if !out && (!hasSel || sel.Start.Line == sel.End.Line) {
		if e.IndentWithTabs {
			b.Insert("\t")
		} else {
			tw := e.tabWidth()
			p := sel.Start
			v := b.VisualCol(p.Line, p.Col)
			b.Insert(strings.Repeat(" ", tw-v%tw))
		}
		return
	}
	first, last := sel.Start.Line, sel.End.Line
	if hasSel && last > first && sel.End.Col == 0 {
		last-- // a selection ending at a line start leaves that line alone
	}
	unit := strings.Repeat(" ", e.tabWidth())
	if e.IndentWithTabs {
		unit = "\t"
	}
	lines := make([]string, 0, last-first+1)
	changed := false
	for i := first; i <= last; i++ {
		l := b.Line(i)
		switch {
		case !out && l != "":
			l = unit + l
		case out && strings.HasPrefix(l, "\t"):
			l = l[1:]
		case out:
			n := len(l) - len(strings.TrimLeft(l, " "))
			l = l[min(n, e.tabWidth()):]
		}
		changed = changed || l != b.Line(i)
		lines = append(lines, l)
	}
	if !changed {
		return
	}
	anchor, cur := b.Anchor(), b.Cursor()
	curDelta := 0
	if !hasSel {
		curDelta = utf8.RuneCountInString(lines[0]) - utf8.RuneCountInString(b.Line(cur.Line))
	}
	end := buffer.Pos{Line: last, Col: utf8.RuneCountInString(b.Line(last))}
	b.Replace(buffer.Range{Start: buffer.Pos{Line: first}, End: end}, strings.Join(lines, "\n"))
	if !hasSel {
		b.SetCursor(buffer.Pos{Line: cur.Line, Col: max(0, cur.Col+curDelta)}, false)
		return
	}
	// keep the whole lines selected, in the original direction
	s, t := buffer.Pos{Line: first}, buffer.Pos{Line: last, Col: utf8.RuneCountInString(b.Line(last))}
	if sel.End.Line > last {
		t = buffer.Pos{Line: last + 1}
	}
	if cur.Less(anchor) {
		s, t = t, s
	}
	b.Select(s, t)
}

// TypedShortcut is part of fyne.Shortcutable. Shortcuts the editor does not
// handle go to the canvas's shortcut handlers (so window shortcuts such as
// Ctrl+S still work while the editor has focus).
func (e *Editor) TypedShortcut(s fyne.Shortcut) {
	switch sc := s.(type) {
	case *fyne.ShortcutCopy:
		e.copy(sc.Clipboard)
		return
	case *fyne.ShortcutCut:
		e.cut(sc.Clipboard)
		return
	case *fyne.ShortcutPaste:
		e.paste(sc.Clipboard)
		return
	case *fyne.ShortcutSelectAll:
		e.SelectAll()
		return
	case *fyne.ShortcutUndo:
		e.Undo()
		return
	case *fyne.ShortcutRedo:
		e.Redo()
		return
	case *desktop.CustomShortcut:
		if e.customShortcut(sc) {
			return
		}
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
		if h, ok := c.(interface{ TypedShortcut(fyne.Shortcut) }); ok {
			h.TypedShortcut(s)
		}
	}
}

func (e *Editor) customShortcut(sc *desktop.CustomShortcut) bool {
	ctrl := sc.Modifier &^ fyne.KeyModifierShift
	if ctrl != fyne.KeyModifierControl && ctrl != fyne.KeyModifierSuper {
		return false
	}
	shift := sc.Modifier&fyne.KeyModifierShift != 0
	b := e.buf
	switch sc.KeyName {
	case fyne.KeyZ:
		if !shift {
			return false
		}
		e.Redo()
		return true
	case fyne.KeyF:
		if shift {
			return false
		}
		e.ShowFind()
		return true
	case fyne.KeyLeft:
		b.Move(buffer.MoveWordLeft, shift)
	case fyne.KeyRight:
		b.Move(buffer.MoveWordRight, shift)
	case fyne.KeyHome:
		b.Move(buffer.MoveDocStart, shift)
	case fyne.KeyEnd:
		b.Move(buffer.MoveDocEnd, shift)
	case fyne.KeyBackspace, fyne.KeyDelete:
		if shift {
			return false
		}
		if !e.readOnly {
			if _, ok := b.Selection(); !ok {
				m := buffer.MoveWordLeft
				if sc.KeyName == fyne.KeyDelete {
					m = buffer.MoveWordRight
				}
				b.Move(m, true)
			}
			b.DeleteSelection()
		}
	default:
		return false
	}
	e.afterChange(revealNearest)
	return true
}

func clipboardOr(c fyne.Clipboard) fyne.Clipboard {
	if c != nil {
		return c
	}
	return fyne.CurrentApp().Clipboard()
}

func (e *Editor) copy(c fyne.Clipboard) {
	if t := e.buf.SelectedText(); t != "" {
		clipboardOr(c).SetContent(t)
	}
}

func (e *Editor) cut(c fyne.Clipboard) {
	if e.readOnly {
		e.copy(c)
		return
	}
	if t := e.buf.SelectedText(); t != "" {
		clipboardOr(c).SetContent(t)
		e.buf.DeleteSelection()
		e.afterChange(revealNearest)
	}
}

func (e *Editor) paste(c fyne.Clipboard) {
	if e.readOnly {
		return
	}
	if t := clipboardOr(c).Content(); t != "" {
		e.buf.Insert(t)
		e.afterChange(revealNearest)
	}
}

// Tapped is part of fyne.Tappable: it places the cursor at the tapped
// character (Shift extends the selection) and focuses the editor. On the
// desktop clicks on the text reach the inner view, which does the same on
// mouse down.
func (e *Editor) Tapped(ev *fyne.PointEvent) {
	e.requestFocus()
	p := ev.Position.Subtract(e.scroll.Position()).Add(e.scroll.Offset)
	e.placeCursor(p, e.shift)
}

// placeCursor moves the cursor to the character at p (view coordinates).
func (e *Editor) placeCursor(p fyne.Position, extend bool) {
	e.buf.SetCursor(e.posAt(p), extend)
	e.afterChange(revealNearest)
}
