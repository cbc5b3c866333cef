package editor

import (
	"image/color"
	"math"
	"strconv"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/ui/editor/buffer"
)

// How the text is drawn: the editor's scroll container holds a docView as
// large as the whole text (so the scroll bars are right), but the docView
// draws only what is visible: a widget.TextGrid the size of the viewport,
// moved to the scroll offset, whose rows are filled with the visible lines
// (gutter first) on every change. Rendering cost is thus independent of the
// file length.

// view is the editor's drawing state.
type view struct {
	cell     fyne.Size // one character cell
	pal      *palette
	firstRow int       // first line drawn
	firstCol int       // first text column (cells) drawn
	extent   fyne.Size // the docView size last applied
}

// measure computes the character cell as widget.TextGrid does.
func (e *Editor) measure() {
	th := e.Theme()
	s := fyne.MeasureText("M", th.Size(theme.SizeNameText), fyne.TextStyle{Monospace: true})
	e.v.cell = fyne.NewSize(float32(math.Round(float64(s.Width))), float32(math.Round(float64(s.Height))))
	if e.v.cell.Width < 1 || e.v.cell.Height < 1 {
		e.v.cell = fyne.NewSize(8, 16)
	}
}

// gutterCols is the gutter width in cells: marker, line number, space.
func (e *Editor) gutterCols() int {
	return max(3, len(strconv.Itoa(e.buf.LineCount()))) + 2
}

// docSize is the size of the whole text, gutter included.
func (e *Editor) docSize() fyne.Size {
	c := e.v.cell
	return fyne.NewSize(float32(e.gutterCols()+e.maxCols+2)*c.Width, float32(e.buf.LineCount())*c.Height)
}

// pageRows is the number of whole lines visible.
func (e *Editor) pageRows() int {
	if e.v.cell.IsZero() {
		e.measure()
	}
	return max(1, int(e.scroll.Size().Height/e.v.cell.Height)-1)
}

// updateExtent resizes the docView when the text grew or shrank.
func (e *Editor) updateExtent() {
	if e.v.cell.IsZero() {
		e.measure()
	}
	ds := e.docSize()
	if ds == e.v.extent {
		return
	}
	e.v.extent = ds
	e.view.Resize(ds.Max(e.scroll.Size()))
	e.scroll.Refresh()
}

// revealCursor scrolls so that the cursor is visible; revealCenter puts
// its line in the middle of the view unless it is visible already. Before
// the editor has a size this is remembered for its first layout.
func (e *Editor) revealCursor(mode revealMode) {
	size := e.scroll.Size()
	c := e.v.cell
	if size.Height < c.Height || size.Width < c.Width {
		e.reveal = max(e.reveal, mode)
		return
	}
	e.reveal = revealNone
	cur := e.buf.Cursor()
	off := e.scroll.Offset
	y := float32(cur.Line) * c.Height
	switch {
	case y >= off.Y && y+c.Height <= off.Y+size.Height:
	case mode == revealCenter:
		off.Y = y - (size.Height-c.Height)/2
	case y < off.Y:
		off.Y = y
	default:
		off.Y = y + c.Height - size.Height
	}
	gutter := float32(e.gutterCols()) * c.Width
	textW := size.Width - gutter
	x := float32(e.buf.VisualCol(cur.Line, cur.Col)) * c.Width
	switch {
	case x < off.X:
		off.X = x - float32(min(int(x/c.Width), 4))*c.Width // a little context
	case x+c.Width > off.X+textW:
		off.X = x + c.Width - textW
	}
	off.X = float32(math.Ceil(float64(off.X/c.Width))) * c.Width // whole cells
	ext := e.view.Size()
	off.X = max(0, min(off.X, ext.Width-size.Width))
	off.Y = max(0, min(off.Y, ext.Height-size.Height))
	e.scroll.ScrollToOffset(off)
}

// posAt returns the buffer position of the character cell at p in docView
// coordinates (a click on the right half of a character lands after it).
func (e *Editor) posAt(p fyne.Position) buffer.Pos {
	if e.v.cell.IsZero() {
		e.measure()
	}
	c := e.v.cell
	line := max(0, min(int(p.Y/c.Height), e.buf.LineCount()-1))
	x := (p.X-e.scroll.Offset.X)/c.Width - float32(e.gutterCols())
	if x < 0 {
		x = 0
	}
	vcol := e.v.firstCol + int(math.Floor(float64(x)+0.5))
	return buffer.Pos{Line: line, Col: e.buf.ColForVisual(line, vcol)}
}

// refreshView redraws the visible window of the text.
func (e *Editor) refreshView() {
	if e.v.cell.IsZero() {
		e.measure()
	}
	if e.v.pal == nil {
		e.v.pal = newPalette(e.Theme())
	}
	size := e.scroll.Size()
	c := e.v.cell
	rows := int(math.Ceil(float64(size.Height/c.Height))) + 1
	cols := int(math.Ceil(float64(size.Width/c.Width))) + 1
	off := e.scroll.Offset
	e.v.firstRow = max(0, int(off.Y/c.Height))
	e.v.firstCol = max(0, int(off.X/c.Width))
	e.hl.Ensure(e.v.firstRow + rows) // lex as far as shown
	e.renderRows(rows, cols)
	e.grid.Move(fyne.NewPos(off.X, float32(e.v.firstRow)*c.Height))
	gs := fyne.NewSize(max(size.Width, c.Width), float32(rows)*c.Height)
	if e.grid.Size() != gs {
		e.grid.Resize(gs) // refreshes
	} else {
		e.grid.Refresh()
	}
}

// renderRows fills the grid rows with lines firstRow... and their gutter.
func (e *Editor) renderRows(rows, cols int) {
	p := e.v.pal
	b := e.buf
	n := b.LineCount()
	gw := e.gutterCols()
	digits := gw - 2
	cur := b.Cursor()
	sel, hasSel := b.Selection()
	tab := e.tabWidth()
	first := e.v.firstCol
	last := first + max(cols-gw, 1) // text columns [first, last) are drawn

	cursorStyle := p.cursor
	if !e.focused {
		cursorStyle = nil // per category, see below
	}
	for len(e.grid.Rows) < rows {
		e.grid.Rows = append(e.grid.Rows, widget.TextGridRow{})
	}
	e.grid.Rows = e.grid.Rows[:rows]
	for i := range rows {
		ln := e.v.firstRow + i
		row := &e.grid.Rows[i]
		cells := row.Cells[:0]
		row.Style = nil
		if ln >= n {
			row.Cells = pad(cells, cols)
			continue
		}
		isErr := ln+1 == e.errLine
		gs := p.gutter
		switch {
		case isErr:
			row.Style, gs = p.rowErr, p.gutterErr
		case ln == cur.Line:
			gs = p.gutterCur
			if !hasSel && e.focused {
				row.Style = p.rowCur
			}
		}
		mark := ' '
		if isErr {
			mark = '●'
		}
		cells = append(cells, widget.TextGridCell{Rune: mark, Style: gs})
		num := strconv.Itoa(ln + 1)
		for k := len(num); k < digits; k++ {
			cells = append(cells, widget.TextGridCell{Rune: ' ', Style: gs})
		}
		for _, r := range num {
			cells = append(cells, widget.TextGridCell{Rune: r, Style: gs})
		}
		cells = append(cells, widget.TextGridCell{Rune: ' ', Style: gs})

		line := b.Line(ln)
		var spans []buffer.Span
		if !e.PlainText {
			spans = e.hl.Spans(ln)
		}
		si, vcol, col := 0, 0, 0
		selected := func(col int) bool {
			pos := buffer.Pos{Line: ln, Col: col}
			return hasSel && !pos.Less(sel.Start) && pos.Less(sel.End)
		}
		for _, r := range line {
			if vcol >= last {
				break
			}
			w, ch := 1, r
			if r == '\t' {
				w, ch = tab-vcol%tab, ' '
			}
			if vcol+w > first {
				for si < len(spans) && spans[si].End <= col {
					si++
				}
				cat := buffer.Plain
				if si < len(spans) && spans[si].Start <= col {
					cat = spans[si].Cat
				}
				st := p.text[bgNone][cat]
				if selected(col) {
					st = p.text[bgSel][cat]
				}
				isCur := ln == cur.Line && col == cur.Col
				for k := range w {
					if vc := vcol + k; vc < first || vc >= last {
						continue
					}
					s := st
					if isCur && k == 0 {
						s = cursorStyle
						if s == nil {
							s = p.text[bgCursorDim][cat]
						}
					}
					cells = append(cells, widget.TextGridCell{Rune: ch, Style: s})
				}
			}
			vcol += w
			col++
		}
		if vcol >= first && vcol < last {
			switch {
			case ln == cur.Line && col <= cur.Col:
				s := cursorStyle
				if s == nil {
					s = p.text[bgCursorDim][buffer.Plain]
				}
				cells = append(cells, widget.TextGridCell{Rune: ' ', Style: s})
				vcol++
			case selected(col): // the line break is selected
				cells = append(cells, widget.TextGridCell{Rune: ' ', Style: p.text[bgSel][buffer.Plain]})
				vcol++
			}
			if isErr && e.errMsg != "" {
				for _, r := range "   " + e.errMsg {
					if vcol >= last {
						break
					}
					if vcol >= first {
						cells = append(cells, widget.TextGridCell{Rune: r, Style: p.errText})
					}
					vcol++
				}
			}
		}
		row.Cells = pad(cells, cols)
	}
}

// pad fills a row up to cols cells. Every row has the same number of cells
// so that the grid's column count only changes when it is resized: cells
// the grid adds on a plain refresh are not laid out until its next resize.
func pad(cells []widget.TextGridCell, cols int) []widget.TextGridCell {
	for len(cells) < cols {
		cells = append(cells, widget.TextGridCell{Rune: ' '})
	}
	return cells[:cols]
}

// Background kinds of text cells.
const (
	bgNone = iota
	bgSel
	bgCursorDim // the cursor while the editor is not focused
	numBg
)

// palette holds the grid styles for the current theme.
type palette struct {
	cat                          [buffer.NumCategories]color.Color
	text                         [numBg][buffer.NumCategories]*widget.CustomTextGridStyle
	cursor                       *widget.CustomTextGridStyle
	gutter, gutterCur, gutterErr *widget.CustomTextGridStyle
	rowCur, rowErr               *widget.CustomTextGridStyle
	errText                      *widget.CustomTextGridStyle
}

// Syntax colours for dark and light backgrounds (One Dark / One Light).
var (
	darkSyntax = [buffer.NumCategories]color.Color{
		buffer.Keyword:  color.NRGBA{0xc6, 0x78, 0xdd, 0xff},
		buffer.String:   color.NRGBA{0x98, 0xc3, 0x79, 0xff},
		buffer.Comment:  color.NRGBA{0x7f, 0x84, 0x8e, 0xff},
		buffer.Number:   color.NRGBA{0xd1, 0x9a, 0x66, 0xff},
		buffer.Function: color.NRGBA{0x61, 0xaf, 0xef, 0xff},
		buffer.Builtin:  color.NRGBA{0xe5, 0xc0, 0x7b, 0xff},
		buffer.Operator: color.NRGBA{0x56, 0xb6, 0xc2, 0xff},
	}
	lightSyntax = [buffer.NumCategories]color.Color{
		buffer.Keyword:  color.NRGBA{0xa6, 0x26, 0xa4, 0xff},
		buffer.String:   color.NRGBA{0x40, 0x8a, 0x3f, 0xff},
		buffer.Comment:  color.NRGBA{0x80, 0x81, 0x87, 0xff},
		buffer.Number:   color.NRGBA{0x98, 0x68, 0x01, 0xff},
		buffer.Function: color.NRGBA{0x40, 0x78, 0xf2, 0xff},
		buffer.Builtin:  color.NRGBA{0xb0, 0x6a, 0x00, 0xff},
		buffer.Operator: color.NRGBA{0x01, 0x84, 0xbc, 0xff},
	}
)

// isDark reports whether c is a dark colour.
func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return 299*r+587*g+114*b < 1000*0x8000
}

// withAlpha returns c with alpha a (0-255).
func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// newPalette picks the colours: foreground, selection, cursor (primary),
// error and the gutter from the theme; syntax colours from a small palette
// chosen by the theme's background brightness (so custom themes work
// whatever variant they claim).
func newPalette(th fyne.Theme) *palette {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	p := &palette{}
	p.cat = lightSyntax
	if isDark(col(theme.ColorNameBackground)) {
		p.cat = darkSyntax
	}
	p.cat[buffer.Plain] = col(theme.ColorNameForeground)
	bgs := [numBg]color.Color{
		bgNone:      nil,
		bgSel:       col(theme.ColorNameSelection),
		bgCursorDim: withAlpha(col(theme.ColorNameForeground), 0x50),
	}
	for bg := range numBg {
		for c := range buffer.NumCategories {
			// no italics: Fyne's monospace font has none, and themes
			// need not define a font for italic monospace
			p.text[bg][c] = &widget.CustomTextGridStyle{FGColor: p.cat[c], BGColor: bgs[bg]}
		}
	}
	p.cursor = &widget.CustomTextGridStyle{FGColor: col(theme.ColorNameForegroundOnPrimary), BGColor: col(theme.ColorNamePrimary)}
	p.gutter = &widget.CustomTextGridStyle{FGColor: col(theme.ColorNamePlaceHolder)}
	p.gutterCur = &widget.CustomTextGridStyle{FGColor: col(theme.ColorNameForeground)}
	p.gutterErr = &widget.CustomTextGridStyle{FGColor: col(theme.ColorNameForegroundOnError), BGColor: col(theme.ColorNameError)}
	p.rowCur = &widget.CustomTextGridStyle{BGColor: col(theme.ColorNameHover)}
	p.rowErr = &widget.CustomTextGridStyle{BGColor: withAlpha(col(theme.ColorNameError), 0x40)}
	p.errText = &widget.CustomTextGridStyle{FGColor: col(theme.ColorNameError)}
	return p
}

// docView is the scrolled content: as large as the text, drawing only the
// visible part (the grid), and taking the mouse.
type docView struct {
	widget.BaseWidget
	e *Editor
}

var (
	_ fyne.Tappable          = (*docView)(nil)
	_ fyne.DoubleTappable    = (*docView)(nil)
	_ fyne.SecondaryTappable = (*docView)(nil)
	_ fyne.Draggable         = (*docView)(nil)
	_ desktop.Mouseable      = (*docView)(nil)
	_ desktop.Cursorable     = (*docView)(nil)
)

func newDocView(e *Editor) *docView {
	v := &docView{e: e}
	v.ExtendBaseWidget(v)
	return v
}

func (v *docView) CreateRenderer() fyne.WidgetRenderer { return &docViewRenderer{v: v} }

// Cursor is part of desktop.Cursorable.
func (v *docView) Cursor() desktop.Cursor { return desktop.TextCursor }

// MouseDown places the cursor at once (Shift extends the selection).
func (v *docView) MouseDown(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	v.e.mouseDown = true
	v.e.requestFocus()
	v.e.placeCursor(ev.Position, ev.Modifier&fyne.KeyModifierShift != 0)
}

// MouseUp is part of desktop.Mouseable.
func (v *docView) MouseUp(*desktop.MouseEvent) {}

// Tapped places the cursor unless MouseDown already did.
func (v *docView) Tapped(ev *fyne.PointEvent) {
	if v.e.mouseDown {
		v.e.mouseDown = false
		return
	}
	v.e.requestFocus()
	v.e.placeCursor(ev.Position, v.e.shift)
}

// DoubleTapped selects the word under the pointer.
func (v *docView) DoubleTapped(ev *fyne.PointEvent) {
	e := v.e
	e.mouseDown = false
	w := e.buf.WordAt(e.posAt(ev.Position))
	e.buf.Select(w.Start, w.End)
	e.afterChange(revealNone)
}

// TappedSecondary shows the edit menu.
func (v *docView) TappedSecondary(ev *fyne.PointEvent) {
	e := v.e
	c := fyne.CurrentApp().Driver().CanvasForObject(v)
	if c == nil {
		return
	}
	e.requestFocus()
	_, hasSel := e.buf.Selection()
	cut := fyne.NewMenuItem("Cut", func() { e.cut(nil) })
	copyItem := fyne.NewMenuItem("Copy", func() { e.copy(nil) })
	paste := fyne.NewMenuItem("Paste", func() { e.paste(nil) })
	cut.Disabled = !hasSel || e.readOnly
	copyItem.Disabled = !hasSel
	paste.Disabled = e.readOnly
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("Undo", func() { e.Undo() }),
		fyne.NewMenuItem("Redo", func() { e.Redo() }),
		fyne.NewMenuItemSeparator(),
		cut, copyItem, paste,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Select All", e.SelectAll),
		fyne.NewMenuItem("Find…", e.ShowFind),
	)
	widget.ShowPopUpMenuAtPosition(menu, c, ev.AbsolutePosition)
}

// Dragged selects from where the drag started to the pointer.
func (v *docView) Dragged(ev *fyne.DragEvent) {
	e := v.e
	if !e.dragging {
		e.dragging = true
		if !e.mouseDown { // no MouseDown (touch, tests): start where the drag did
			e.buf.SetCursor(e.posAt(ev.Position.Subtract(ev.Dragged)), false)
		}
	}
	e.buf.SetCursor(e.posAt(ev.Position), true)
	e.afterChange(revealNearest)
}

// DragEnd is part of fyne.Draggable.
func (v *docView) DragEnd() {
	v.e.dragging = false
	v.e.mouseDown = false
}

type docViewRenderer struct{ v *docView }

func (r *docViewRenderer) Layout(fyne.Size)             { r.v.e.refreshView() }
func (r *docViewRenderer) MinSize() fyne.Size           { return r.v.e.docSize() }
func (r *docViewRenderer) Refresh()                     { r.v.e.refreshView() }
func (r *docViewRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.v.e.grid} }
func (r *docViewRenderer) Destroy()                     {}

// editorRenderer lays out the find bar (when shown) above the scrolled text.
type editorRenderer struct{ e *Editor }

func (r *editorRenderer) Layout(size fyne.Size) {
	e := r.e
	y := float32(0)
	if e.find.visible() {
		h := e.find.obj.MinSize().Height
		e.find.obj.Move(fyne.Position{})
		e.find.obj.Resize(fyne.NewSize(size.Width, h))
		y = h
	}
	e.scroll.Move(fyne.NewPos(0, y))
	e.scroll.Resize(fyne.NewSize(size.Width, max(0, size.Height-y)))
	e.updateExtent()
	if e.reveal != revealNone {
		e.revealCursor(e.reveal)
	}
	e.refreshView()
}

func (r *editorRenderer) MinSize() fyne.Size {
	e := r.e
	if e.v.cell.IsZero() {
		e.measure()
	}
	min := fyne.NewSize(e.v.cell.Width*float32(e.gutterCols()+20), e.v.cell.Height*3)
	if e.find.visible() {
		fm := e.find.obj.MinSize()
		min = fyne.NewSize(max(min.Width, fm.Width), min.Height+fm.Height)
	}
	return min
}

func (r *editorRenderer) Refresh() {
	e := r.e
	e.measure() // the theme may have changed
	e.v.pal = nil
	e.v.extent = fyne.Size{}
	r.Layout(e.Size())
	e.find.obj.Refresh()
}

func (r *editorRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.e.scroll, r.e.find.obj}
}

func (r *editorRenderer) Destroy() {}

// lineWidth is the width of s in cells.
func lineWidth(s string, tab int) int {
	return buffer.VisualCol(s, utf8.RuneCountInString(s), tab)
}
