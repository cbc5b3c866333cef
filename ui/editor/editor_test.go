package editor

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/ui/editor/buffer"
)

// newTestEditor shows an editor holding text (saved, cursor at the start)
// in a 600×400 test window.
func newTestEditor(t testing.TB, text string) (*Editor, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	e := New()
	e.SetText(text)
	e.MarkSaved()
	w := test.NewTempWindow(t, e)
	w.Resize(fyne.NewSize(600, 400))
	return e, w
}

func key(name fyne.KeyName) func(*Editor) {
	return func(e *Editor) { e.TypedKey(&fyne.KeyEvent{Name: name}) }
}

func typeText(s string) func(*Editor) {
	return func(e *Editor) { test.Type(e, s) }
}

func ctrl(name fyne.KeyName) func(*Editor) {
	return func(e *Editor) {
		e.TypedShortcut(&desktop.CustomShortcut{KeyName: name, Modifier: fyne.KeyModifierControl})
	}
}

func ctrlShift(name fyne.KeyName) func(*Editor) {
	return func(e *Editor) {
		e.TypedShortcut(&desktop.CustomShortcut{KeyName: name, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift})
	}
}

func shortcut(s fyne.Shortcut) func(*Editor) {
	return func(e *Editor) { e.TypedShortcut(s) }
}

func shiftDown(e *Editor) { e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft}) }
func shiftUp(e *Editor)   { e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft}) }

func cursorTo(line, col int) func(*Editor) {
	return func(e *Editor) { e.SetCursorPosition(line, col) }
}

func TestEditorKeyboardEditing(t *testing.T) {
	for _, c := range []struct {
		name     string
		text     string
		actions  []func(*Editor)
		want     string
		wantLine int
		wantCol  int
	}{
		{"typing a line", "", []func(*Editor){typeText("local x = 1")}, "local x = 1", 1, 12},
		{"enter keeps the indentation", "\tif x then", []func(*Editor){key(fyne.KeyEnd), key(fyne.KeyReturn), typeText("y()")},
			"\tif x then\n\ty()", 2, 5},
		{"backspace and delete", "abcd", []func(*Editor){cursorTo(1, 3), key(fyne.KeyBackspace), key(fyne.KeyDelete)}, "ad", 1, 2},
		{"backspace joins lines", "ab\ncd", []func(*Editor){cursorTo(2, 1), key(fyne.KeyBackspace)}, "abcd", 1, 3},
		{"tab inserts spaces to the next stop", "ab", []func(*Editor){key(fyne.KeyEnd), key(fyne.KeyTab)}, "ab  ", 1, 5},
		{"shift+tab dedents the line", "        x", []func(*Editor){key(fyne.KeyEnd), shiftDown, key(fyne.KeyTab), shiftUp}, "    x", 1, 6},
		{"tab indents a multi-line selection", "a\nb\nc", []func(*Editor){shiftDown, key(fyne.KeyDown), key(fyne.KeyDown), key(fyne.KeyEnd), shiftUp, key(fyne.KeyTab)},
			"    a\n    b\n    c", 3, 6},
		{"a selection ending at a line start leaves that line", "a\nb\nc", []func(*Editor){shiftDown, key(fyne.KeyDown), key(fyne.KeyDown), shiftUp, key(fyne.KeyTab)},
			"    a\n    b\nc", 3, 1},
		{"arrows, home and end", "abc\ndef", []func(*Editor){key(fyne.KeyDown), key(fyne.KeyEnd), key(fyne.KeyLeft), key(fyne.KeyUp), key(fyne.KeyHome), key(fyne.KeyRight)},
			"abc\ndef", 1, 2},
		{"ctrl+end and ctrl+home", "abc\ndef", []func(*Editor){ctrl(fyne.KeyEnd)}, "abc\ndef", 2, 4},
		{"ctrl+right moves by word", "local x = 1", []func(*Editor){ctrl(fyne.KeyRight), ctrl(fyne.KeyRight)}, "local x = 1", 1, 8},
		{"shift+right selects, typing replaces", "local x", []func(*Editor){shiftDown, key(fyne.KeyRight), key(fyne.KeyRight), shiftUp, typeText("y")},
			"ycal x", 1, 2},
		{"ctrl+shift+left selects a word", "local abc", []func(*Editor){key(fyne.KeyEnd), ctrlShift(fyne.KeyLeft), typeText("x")}, "local x", 1, 8},
		{"ctrl+backspace deletes a word", "local abc", []func(*Editor){key(fyne.KeyEnd), ctrl(fyne.KeyBackspace)}, "local ", 1, 7},
		{"escape drops the selection", "abc", []func(*Editor){shiftDown, key(fyne.KeyRight), shiftUp, key(fyne.KeyEscape), typeText("x")}, "axbc", 1, 3},
		{"page down moves a page", strings.Repeat("x\n", 200), []func(*Editor){key(fyne.KeyPageDown)}, strings.Repeat("x\n", 200), 1 + (400/16 - 1), 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newTestEditor(t, c.text)
			if strings.HasPrefix(c.name, "page") {
				c.wantLine = 1 + e.pageRows()
			}
			for _, a := range c.actions {
				a(e)
			}
			if got := e.Text(); got != c.want {
				t.Errorf("text %q, want %q", got, c.want)
			}
			if l, col := e.CursorPosition(); l != c.wantLine || col != c.wantCol {
				t.Errorf("cursor at %d:%d, want %d:%d", l, col, c.wantLine, c.wantCol)
			}
		})
	}
}

func TestEditorUndoRedo(t *testing.T) {
	undo := shortcut(&fyne.ShortcutUndo{})
	redo := shortcut(&fyne.ShortcutRedo{})
	for _, c := range []struct {
		name    string
		actions []func(*Editor)
		want    string
		dirty   bool
	}{
		{"ctrl+z undoes a typing run", []func(*Editor){typeText("print"), undo}, "x = 1", false},
		{"words are undone one by one", []func(*Editor){typeText("local y"), undo}, "localx = 1", true},
		{"ctrl+y redoes", []func(*Editor){typeText("print"), undo, redo}, "printx = 1", true},
		{"ctrl+shift+z redoes", []func(*Editor){typeText("print"), undo, ctrlShift(fyne.KeyZ)}, "printx = 1", true},
		{"enter is undone separately", []func(*Editor){typeText("a"), key(fyne.KeyReturn), undo}, "ax = 1", true},
		{"undo a paste", []func(*Editor){func(e *Editor) {
			cb := test.NewClipboard()
			cb.SetContent("one\ntwo")
			e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
		}, undo}, "x = 1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newTestEditor(t, "x = 1")
			for _, a := range c.actions {
				a(e)
			}
			if got := e.Text(); got != c.want {
				t.Errorf("text %q, want %q", got, c.want)
			}
			if e.Dirty() != c.dirty {
				t.Errorf("Dirty() = %v, want %v", e.Dirty(), c.dirty)
			}
		})
	}
}

func TestEditorClipboard(t *testing.T) {
	e, _ := newTestEditor(t, "local a\nlocal b")
	cb := test.NewClipboard()
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedShortcut(&fyne.ShortcutCopy{Clipboard: cb})
	if cb.Content() != "local a\nlocal b" {
		t.Errorf("copied %q", cb.Content())
	}
	ctrl(fyne.KeyHome)(e)
	ctrlShift(fyne.KeyRight)(e)
	e.TypedShortcut(&fyne.ShortcutCut{Clipboard: cb})
	if cb.Content() != "local" || e.Text() != " a\nlocal b" {
		t.Errorf("cut %q leaving %q", cb.Content(), e.Text())
	}
	ctrl(fyne.KeyEnd)(e)
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if e.Text() != " a\nlocal blocal" {
		t.Errorf("after paste %q", e.Text())
	}
	// the app clipboard when the shortcut carries none
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedShortcut(&fyne.ShortcutCopy{})
	if got := fyne.CurrentApp().Clipboard().Content(); got != e.Text() {
		t.Errorf("app clipboard %q", got)
	}
}

// variantTheme is the default theme forced to one variant.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// cellAt returns the grid cell showing rune column col of 0-based line ln.
func cellAt(t *testing.T, e *Editor, ln, col int) widget.TextGridCell {
	t.Helper()
	row := ln - e.v.firstRow
	if row < 0 || row >= len(e.grid.Rows) {
		t.Fatalf("line %d not on screen (first %d, %d rows)", ln, e.v.firstRow, len(e.grid.Rows))
	}
	cells := e.grid.Rows[row].Cells
	i := e.gutterCols() + e.buf.VisualCol(ln, col) - e.v.firstCol
	if i >= len(cells) {
		t.Fatalf("column %d of line %d not drawn (%d cells)", col, ln, len(cells))
	}
	return cells[i]
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func TestEditorHighlightColours(t *testing.T) {
	const line = `local n = print("hi", 42) -- note`
	for _, th := range []struct {
		name    string
		variant fyne.ThemeVariant
		syntax  [buffer.NumCategories]color.Color
	}{
		{"light theme", theme.VariantLight, lightSyntax},
		{"dark theme", theme.VariantDark, darkSyntax},
	} {
		t.Run(th.name, func(t *testing.T) {
			e, _ := newTestEditor(t, "")
			test.ApplyTheme(t, variantTheme{theme.DefaultTheme(), th.variant})
			test.Type(e, line)
			fg := theme.DefaultTheme().Color(theme.ColorNameForeground, th.variant)
			for _, c := range []struct {
				word string
				want color.Color
			}{
				{"local", th.syntax[buffer.Keyword]},
				{"print", th.syntax[buffer.Builtin]},
				{`"hi"`, th.syntax[buffer.String]},
				{"42", th.syntax[buffer.Number]},
				{"=", th.syntax[buffer.Operator]},
				{"-- note", th.syntax[buffer.Comment]},
				{"n", fg},
			} {
				col := strings.Index(line, c.word)
				if c.word == "n" {
					col = 6
				}
				for i := range c.word {
					cell := cellAt(t, e, 0, col+i)
					if cell.Style == nil || !sameColor(cell.Style.TextColor(), c.want) {
						var got color.Color
						if cell.Style != nil {
							got = cell.Style.TextColor()
						}
						t.Fatalf("%q (column %d, %q) drawn in %v, want %v", c.word, col+i, cell.Rune, got, c.want)
					}
				}
			}
		})
	}
}

func TestEditorCursorAndSelectionCells(t *testing.T) {
	e, w := newTestEditor(t, "abcdef")
	w.Canvas().Focus(e)
	th := e.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	e.SetCursorPosition(1, 3)
	if c := cellAt(t, e, 0, 2); c.Rune != 'c' || !sameColor(c.Style.BackgroundColor(), th.Color(theme.ColorNamePrimary, v)) {
		t.Errorf("cursor cell %q not drawn in the primary colour", c.Rune)
	}
	shiftDown(e)
	key(fyne.KeyRight)(e)
	key(fyne.KeyRight)(e)
	shiftUp(e)
	for col := 2; col < 4; col++ {
		if c := cellAt(t, e, 0, col); !sameColor(c.Style.BackgroundColor(), th.Color(theme.ColorNameSelection, v)) {
			t.Errorf("selected column %d (%q) not in the selection colour", col, c.Rune)
		}
	}
	if c := cellAt(t, e, 0, 4); !sameColor(c.Style.BackgroundColor(), th.Color(theme.ColorNamePrimary, v)) {
		t.Errorf("cursor after the selection not drawn")
	}
	// at the end of the line the cursor is a blank cell
	key(fyne.KeyEnd)(e)
	if c := cellAt(t, e, 0, 6); c.Rune != ' ' || !sameColor(c.Style.BackgroundColor(), th.Color(theme.ColorNamePrimary, v)) {
		t.Errorf("cursor at the line end not drawn")
	}
}

func TestEditorErrorLine(t *testing.T) {
	e, _ := newTestEditor(t, "local a = 1\nlocal b = nil + 1\nreturn b")
	th := e.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	errCol := th.Color(theme.ColorNameError, v)

	e.SetErrorLine(2, "attempt to perform arithmetic on a nil value\nstack traceback: ...")
	if l, msg := e.ErrorLine(); l != 2 || msg != "attempt to perform arithmetic on a nil value" {
		t.Errorf("ErrorLine() = %d %q", l, msg)
	}
	row := e.grid.Rows[1]
	if row.Style == nil || !sameColor(row.Style.BackgroundColor(), withAlpha(errCol, 0x40)) {
		t.Errorf("error line background not tinted: %+v", row.Style)
	}
	if g := row.Cells[0]; g.Rune != '●' || !sameColor(g.Style.BackgroundColor(), errCol) {
		t.Errorf("error line gutter %q not marked", g.Rune)
	}
	var text strings.Builder
	for _, c := range row.Cells {
		text.WriteRune(c.Rune)
	}
	if !strings.Contains(text.String(), "local b = nil + 1   attempt to perform arithmetic on a nil value") {
		t.Errorf("error message not shown after the line: %q", text.String())
	}
	if other := e.grid.Rows[0]; other.Style != nil || other.Cells[0].Rune != ' ' {
		t.Error("another line is marked too")
	}

	e.SetErrorLine(0, "")
	if row := e.grid.Rows[1]; row.Style != nil || row.Cells[0].Rune != ' ' {
		t.Error("SetErrorLine(0) did not clear the mark")
	}
}

func TestEditorTapPlacesCursor(t *testing.T) {
	e, w := newTestEditor(t, "local alpha = 1\nreturn alpha")
	c := e.v.cell
	at := func(line, col int) fyne.Position { // the middle of a character cell
		return fyne.NewPos((float32(e.gutterCols()+col)+0.4)*c.Width, (float32(line)+0.5)*c.Height)
	}
	test.TapAt(e, at(1, 7))
	if l, col := e.CursorPosition(); l != 2 || col != 8 {
		t.Errorf("tap put the cursor at %d:%d, want 2:8", l, col)
	}
	if w.Canvas().Focused() != e {
		t.Error("tap did not focus the editor")
	}
	shiftDown(e)
	test.TapAt(e, at(1, 12))
	shiftUp(e)
	if got := e.SelectedText(); got != "alpha" {
		t.Errorf("shift+tap selected %q", got)
	}
	// a click and drag on the text selects
	e.view.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at(0, 6)}, Button: desktop.MouseButtonPrimary})
	e.view.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at(0, 11)}, Dragged: fyne.NewDelta(5*c.Width, 0)})
	e.view.DragEnd()
	if got := e.SelectedText(); got != "alpha" {
		t.Errorf("drag selected %q", got)
	}
	e.view.DoubleTapped(&fyne.PointEvent{Position: at(1, 2)})
	if got := e.SelectedText(); got != "return" {
		t.Errorf("double tap selected %q", got)
	}
}

func bigText(n int) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "local v%d = math.max(%d, 2) -- line %d\n", i, i, i)
	}
	return sb.String()
}

func TestEditorGotoLineScrolls(t *testing.T) {
	e, _ := newTestEditor(t, bigText(5000))
	if v := e.hl.Valid(); v > 500 {
		t.Errorf("opening lexed %d lines, more than the first screen needs", v)
	}
	e.GotoLine(4000)
	if l, col := e.CursorPosition(); l != 4000 || col != 1 {
		t.Errorf("cursor at %d:%d", l, col)
	}
	if e.scroll.Offset.Y <= 0 {
		t.Fatal("did not scroll")
	}
	if len(e.grid.Rows) > 40 {
		t.Errorf("%d grid rows for a 400px view: the whole file is rendered", len(e.grid.Rows))
	}
	shown := false
	for _, r := range e.grid.Rows {
		var g strings.Builder
		for _, c := range r.Cells[:e.gutterCols()] {
			g.WriteRune(c.Rune)
		}
		if strings.TrimSpace(g.String()) == "4000" {
			shown = true
		}
	}
	if !shown {
		t.Error("line 4000 is not on screen")
	}
	if cell := cellAt(t, e, 3999, 0); cell.Rune != 'l' || !sameColor(cell.Style.TextColor(), e.v.pal.cat[buffer.Keyword]) {
		t.Errorf("line 4000 not highlighted: %q", cell.Rune)
	}
}

func TestEditorGotoLineBeforeLayout(t *testing.T) {
	test.NewTempApp(t)
	e := New()
	e.SetText(bigText(1000))
	e.GotoLine(800)
	w := test.NewTempWindow(t, e)
	w.Resize(fyne.NewSize(600, 400))
	if e.scroll.Offset.Y <= 0 || e.v.firstRow > 799 || e.v.firstRow+len(e.grid.Rows) < 800 {
		t.Errorf("line 800 not shown after the first layout (first row %d)", e.v.firstRow)
	}
}

func TestEditorReadOnly(t *testing.T) {
	e, _ := newTestEditor(t, "x = 1")
	e.SetReadOnly(true)
	test.Type(e, "abc")
	key(fyne.KeyReturn)(e)
	key(fyne.KeyBackspace)(e)
	cb := test.NewClipboard()
	cb.SetContent("pasted")
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if e.Text() != "x = 1" || e.Dirty() {
		t.Errorf("read-only text changed to %q", e.Text())
	}
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedShortcut(&fyne.ShortcutCopy{Clipboard: cb})
	if cb.Content() != "x = 1" {
		t.Errorf("copy from read-only text gave %q", cb.Content())
	}
	e.SetReadOnly(false)
	test.Type(e, "y")
	if e.Text() != "y" {
		t.Errorf("editable again: %q", e.Text())
	}
}

func TestEditorDirtyAndOnChanged(t *testing.T) {
	e, _ := newTestEditor(t, "a = 1\n")
	changes := 0
	e.OnChanged = func() { changes++ }
	var moved [2]int
	e.OnCursorMoved = func(l, c int) { moved = [2]int{l, c} }
	if e.Dirty() {
		t.Fatal("dirty after SetText+MarkSaved")
	}
	test.Type(e, "b")
	if !e.Dirty() || changes != 1 || moved != [2]int{1, 2} {
		t.Errorf("after typing: dirty %v, %d changes, cursor callback %v", e.Dirty(), changes, moved)
	}
	key(fyne.KeyRight)(e)
	if changes != 1 {
		t.Error("OnChanged called for a cursor move")
	}
	e.Undo()
	if e.Dirty() || changes != 2 {
		t.Errorf("after undo: dirty %v, %d changes", e.Dirty(), changes)
	}
	e.SetText("a = 2\n")
	if !e.Dirty() || changes != 3 {
		t.Errorf("after SetText: dirty %v, %d changes", e.Dirty(), changes)
	}
	e.MarkSaved()
	if e.Dirty() {
		t.Error("dirty after MarkSaved")
	}
}

func TestEditorKeepsLineEndings(t *testing.T) {
	e, _ := newTestEditor(t, "\ufeffa = 1\r\nb = 2\r\n")
	e.GotoLine(2)
	key(fyne.KeyEnd)(e)
	key(fyne.KeyReturn)(e)
	test.Type(e, "c = 3")
	if got := e.Text(); got != "\ufeffa = 1\r\nb = 2\r\nc = 3\r\n" {
		t.Errorf("text %q", got)
	}
}

func TestEditorFindBar(t *testing.T) {
	e, w := newTestEditor(t, "local door = 1\nprint(Door)\nreturn door")
	w.Canvas().Focus(e)
	ctrl(fyne.KeyF)(e)
	if !e.FindVisible() || w.Canvas().Focused() != e.find.entry {
		t.Fatal("ctrl+F did not open and focus the find bar")
	}
	test.Type(e.find.entry, "door")
	if r, _ := e.buf.Selection(); r.Start != (buffer.Pos{Line: 0, Col: 6}) || e.SelectedText() != "door" {
		t.Errorf("typing the query selected %v %q", r, e.SelectedText())
	}
	if e.find.status.Text != "1 of 3" {
		t.Errorf("status %q", e.find.status.Text)
	}
	e.find.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if l, _ := e.CursorPosition(); l != 2 || e.find.status.Text != "2 of 3" {
		t.Errorf("enter went to line %d (%q)", l, e.find.status.Text)
	}
	e.find.match.SetChecked(true) // "Door" no longer matches: on to the next
	if l, _ := e.CursorPosition(); l != 3 || e.find.status.Text != "2 of 2" {
		t.Errorf("match case went to line %d (%q)", l, e.find.status.Text)
	}
	e.find.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF3})
	if l, _ := e.CursorPosition(); l != 1 {
		t.Errorf("F3 went to line %d, want 1 (wrapping around)", l)
	}
	e.find.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if e.FindVisible() || w.Canvas().Focused() != e {
		t.Error("escape did not close the find bar and focus the text")
	}
	if e.SelectedText() != "door" {
		t.Error("the match is no longer selected")
	}
}

func TestEditorFindAPI(t *testing.T) {
	e, _ := newTestEditor(t, "a x\nb x\nc X")
	for _, c := range []struct {
		name string
		do   func() bool
		ok   bool
		line int
	}{
		{"find the first", func() bool { return e.Find("x") }, true, 1},
		{"next", e.FindNext, true, 2},
		{"next ignores case", e.FindNext, true, 3},
		{"next wraps around", e.FindNext, true, 1},
		{"previous wraps around", e.FindPrev, true, 3},
		{"no match", func() bool { return e.Find("zzz") }, false, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if ok := c.do(); ok != c.ok {
				t.Errorf("found %v, want %v", ok, c.ok)
			}
			if l, _ := e.CursorPosition(); l != c.line {
				t.Errorf("cursor on line %d, want %d", l, c.line)
			}
		})
	}
}

func TestEditorPassesOnOtherShortcuts(t *testing.T) {
	e, w := newTestEditor(t, "x")
	saved := false
	save := &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierControl}
	w.Canvas().AddShortcut(save, func(fyne.Shortcut) { saved = true })
	w.Canvas().Focus(e)
	e.TypedShortcut(save)
	if !saved {
		t.Error("Ctrl+S did not reach the window's shortcut")
	}
}

func TestEditorScrollRendersVisibleLines(t *testing.T) {
	e, w := newTestEditor(t, bigText(3000))
	test.Scroll(w.Canvas(), fyne.NewPos(100, 100), 0, -float32(1000)*e.v.cell.Height)
	if e.v.firstRow < 900 {
		t.Fatalf("first row %d after scrolling 1000 lines", e.v.firstRow)
	}
	first := e.grid.Rows[0].Cells
	var g strings.Builder
	for _, c := range first[:e.gutterCols()] {
		g.WriteRune(c.Rune)
	}
	if strings.TrimSpace(g.String()) != fmt.Sprint(e.v.firstRow+1) {
		t.Errorf("first grid row shows line %q, want %d", g.String(), e.v.firstRow+1)
	}
	last := e.v.firstRow + len(e.grid.Rows) - 2
	if cell := cellAt(t, e, last, 0); !sameColor(cell.Style.TextColor(), e.v.pal.cat[buffer.Keyword]) {
		t.Errorf("line %d, scrolled to, is not highlighted", last+1)
	}
}

// BenchmarkEditorKeystroke5000 types one character (and deletes it again)
// in the middle of a 5,000-line file shown in a window: re-highlighting,
// redrawing the visible window of the grid and the callbacks.
func BenchmarkEditorKeystroke5000(b *testing.B) {
	e, _ := newTestEditor(b, bigText(5000))
	e.GotoLine(2500)
	e.OnChanged = func() { _ = e.Dirty() }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			e.TypedRune('x')
		} else {
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		}
	}
}

// BenchmarkEditorSetText5000 is opening a 5,000-line file.
func BenchmarkEditorSetText5000(b *testing.B) {
	e, _ := newTestEditor(b, "")
	texts := []string{bigText(5000), bigText(5000) + "--"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.SetText(texts[i%2])
	}
}
