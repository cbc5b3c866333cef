// Package buffer holds the plain, UI-free parts of the Lua editor: the text
// buffer with cursor, selection and undo (Buffer), syntax highlighting with
// chroma's Lua lexer (Highlighter, Highlight) and the file helpers (Load,
// SaveAtomic). Nothing here imports Fyne.
package buffer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in a Buffer: a 0-based line and a 0-based column counted
// in runes (not bytes, not screen cells).
type Pos struct{ Line, Col int }

// Less reports whether p comes before q.
func (p Pos) Less(q Pos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Col < q.Col
}

// Range is the text between Start (inclusive) and End (exclusive).
type Range struct{ Start, End Pos }

// Motion is a cursor movement for Buffer.Move.
type Motion int

// The cursor movements.
const (
	MoveLeft      Motion = iota
	MoveRight            // one rune; across line ends
	MoveUp               // one line, keeping the visual column
	MoveDown             //
	MoveHome             // first non-blank of the line, then column 0 ("smart home")
	MoveEnd              // end of the line
	MoveWordLeft         // start of the previous word
	MoveWordRight        // end of the next word
	MoveDocStart         // start of the text
	MoveDocEnd           // end of the text
)

type editKind uint8

const (
	editOther editKind = iota
	editTyping
	editBackspace
	editDelete
)

// change replaced the text removed at from with inserted.
type change struct {
	from              Pos
	removed, inserted string
}

// group is one undo step: one or more changes with the cursor around them.
type group struct {
	kind                    editKind
	changes                 []change
	curBefore, anchorBefore Pos
	curAfter, anchorAfter   Pos
	stateBefore, stateAfter uint64
}

// Buffer is an editable text: lines (without their line breaks), a cursor
// and a selection anchor, undo/redo history and a saved marker.
//
// CRLF (or lone CR) line breaks and a UTF-8 byte-order mark in the text given
// to SetText are remembered and written back by Text; inside the buffer lines
// are plain strings. Positions outside the text are clamped.
//
// A Buffer is not safe for concurrent use.
type Buffer struct {
	// TabWidth is the width of a tab stop in columns, used to keep the
	// visual column when moving up and down (VisualCol); 4 when <= 0.
	TabWidth int

	lines  []string
	eol    string
	bom    bool
	cur    Pos
	anchor Pos
	goal   int // visual column kept by vertical moves; -1 when unset

	undo, redo []*group
	open       *group // the undo group typing may still extend; nil when sealed
	state      uint64 // identifies the current text among the history
	saved      uint64
	nextState  uint64
	version    uint64
}

// New returns a buffer holding text (see SetText), not dirty.
func New(text string) *Buffer {
	b := &Buffer{}
	b.SetText(text)
	b.MarkSaved()
	return b
}

// SetText replaces the whole text, detecting and remembering its line ending
// ("\r\n", "\n" or "\r": the first one found) and a leading UTF-8 BOM. The
// cursor goes to the start and the undo history is cleared. The buffer is
// dirty afterwards unless the text is the current text (then nothing
// happens) or MarkSaved is called.
func (b *Buffer) SetText(text string) {
	if b.lines != nil && text == b.Text() {
		return
	}
	b.bom = strings.HasPrefix(text, "\ufeff")
	text = strings.TrimPrefix(text, "\ufeff")
	b.eol = detectEOL(text)
	b.lines = strings.Split(normalizeEOL(text), "\n")
	b.cur, b.anchor, b.goal = Pos{}, Pos{}, -1
	b.undo, b.redo, b.open = nil, nil, nil
	b.nextState++
	b.state = b.nextState
	b.version++
}

func detectEOL(s string) string {
	i := strings.IndexAny(s, "\r\n")
	switch {
	case i < 0 || s[i] == '\n':
		return "\n"
	case i+1 < len(s) && s[i+1] == '\n':
		return "\r\n"
	}
	return "\r"
}

// normalizeEOL turns every CRLF and lone CR into LF.
func normalizeEOL(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// Text returns the text with the original line ending and BOM.
func (b *Buffer) Text() string {
	var sb strings.Builder
	n := len(b.lines) * len(b.eol)
	for _, l := range b.lines {
		n += len(l)
	}
	if b.bom {
		n += 3
		sb.Grow(n)
		sb.WriteString("\ufeff")
	} else {
		sb.Grow(n)
	}
	for i, l := range b.lines {
		if i > 0 {
			sb.WriteString(b.eol)
		}
		sb.WriteString(l)
	}
	return sb.String()
}

// LineEnding returns the line break Text writes: "\n", "\r\n" or "\r".
func (b *Buffer) LineEnding() string { return b.eol }

// HasBOM reports whether Text starts with a UTF-8 byte-order mark.
func (b *Buffer) HasBOM() bool { return b.bom }

// Lines returns the lines without line breaks. The slice is the buffer's
// own: do not modify it, and do not keep it across edits.
func (b *Buffer) Lines() []string { return b.lines }

// LineCount returns the number of lines (at least 1).
func (b *Buffer) LineCount() int { return len(b.lines) }

// Line returns line i ("" when out of range).
func (b *Buffer) Line(i int) string {
	if i < 0 || i >= len(b.lines) {
		return ""
	}
	return b.lines[i]
}

// Version changes whenever the text changes.
func (b *Buffer) Version() uint64 { return b.version }

// Dirty reports whether the text differs from the last MarkSaved (undoing
// back to the saved text makes it clean again).
func (b *Buffer) Dirty() bool { return b.state != b.saved }

// MarkSaved records the current text as saved.
func (b *Buffer) MarkSaved() {
	b.saved = b.state
	b.open = nil
}

// Cursor returns the cursor position.
func (b *Buffer) Cursor() Pos { return b.cur }

// Anchor returns the selection anchor: the selection is the text between
// the anchor and the cursor, empty when they are equal.
func (b *Buffer) Anchor() Pos { return b.anchor }

// Selection returns the selected range in text order; ok is false when
// nothing is selected.
func (b *Buffer) Selection() (r Range, ok bool) {
	if b.cur == b.anchor {
		return Range{b.cur, b.cur}, false
	}
	if b.cur.Less(b.anchor) {
		return Range{b.cur, b.anchor}, true
	}
	return Range{b.anchor, b.cur}, true
}

// SelectedText returns the selected text (line breaks as "\n").
func (b *Buffer) SelectedText() string {
	r, ok := b.Selection()
	if !ok {
		return ""
	}
	return b.TextRange(r)
}

// TextRange returns the text between two positions (line breaks as "\n").
func (b *Buffer) TextRange(r Range) string {
	s, e := b.clamp(r.Start), b.clamp(r.End)
	if e.Less(s) {
		s, e = e, s
	}
	if s.Line == e.Line {
		l := b.lines[s.Line]
		return l[byteOff(l, s.Col):byteOff(l, e.Col)]
	}
	var sb strings.Builder
	first := b.lines[s.Line]
	sb.WriteString(first[byteOff(first, s.Col):])
	for i := s.Line + 1; i < e.Line; i++ {
		sb.WriteByte('\n')
		sb.WriteString(b.lines[i])
	}
	last := b.lines[e.Line]
	sb.WriteByte('\n')
	sb.WriteString(last[:byteOff(last, e.Col)])
	return sb.String()
}

// SetCursor moves the cursor to p (clamped); with extend the anchor stays
// and the selection grows or shrinks, otherwise the selection is dropped.
func (b *Buffer) SetCursor(p Pos, extend bool) {
	b.cur = b.clamp(p)
	if !extend {
		b.anchor = b.cur
	}
	b.goal = -1
	b.open = nil
}

// Select selects from anchor to cursor (both clamped).
func (b *Buffer) Select(anchor, cursor Pos) {
	b.anchor, b.cur = b.clamp(anchor), b.clamp(cursor)
	b.goal = -1
	b.open = nil
}

// SelectAll selects the whole text, the cursor at its end.
func (b *Buffer) SelectAll() {
	last := len(b.lines) - 1
	b.Select(Pos{}, Pos{last, utf8.RuneCountInString(b.lines[last])})
}

// Move moves the cursor; with extend the selection follows it, otherwise it
// is dropped (Left/Right then collapse a selection to its start/end).
func (b *Buffer) Move(m Motion, extend bool) {
	b.open = nil
	sel, hasSel := b.Selection()
	p := b.cur
	switch m {
	case MoveLeft:
		if hasSel && !extend {
			p = sel.Start
		} else if p.Col > 0 {
			p.Col--
		} else if p.Line > 0 {
			p = Pos{p.Line - 1, b.lineLen(p.Line - 1)}
		}
	case MoveRight:
		if hasSel && !extend {
			p = sel.End
		} else if p.Col < b.lineLen(p.Line) {
			p.Col++
		} else if p.Line < len(b.lines)-1 {
			p = Pos{p.Line + 1, 0}
		}
	case MoveUp, MoveDown:
		d := -1
		if m == MoveDown {
			d = 1
		}
		b.moveVert(d, extend)
		return
	case MoveHome:
		ind := utf8.RuneCountInString(leadingSpace(b.lines[p.Line]))
		if p.Col == ind {
			p.Col = 0
		} else {
			p.Col = ind
		}
	case MoveEnd:
		p.Col = b.lineLen(p.Line)
	case MoveWordLeft:
		p = b.wordLeft(p)
	case MoveWordRight:
		p = b.wordRight(p)
	case MoveDocStart:
		p = Pos{}
	case MoveDocEnd:
		last := len(b.lines) - 1
		p = Pos{last, b.lineLen(last)}
	}
	b.cur = p
	if !extend {
		b.anchor = p
	}
	b.goal = -1
}

// MovePage moves the cursor n lines down (up when n < 0) keeping the visual
// column, as for Page Up/Down.
func (b *Buffer) MovePage(n int, extend bool) {
	b.open = nil
	b.moveVert(n, extend)
}

func (b *Buffer) moveVert(d int, extend bool) {
	if b.goal < 0 {
		b.goal = b.VisualCol(b.cur.Line, b.cur.Col)
	}
	line := b.cur.Line + d
	switch {
	case line < 0:
		b.cur = Pos{}
	case line >= len(b.lines):
		last := len(b.lines) - 1
		b.cur = Pos{last, b.lineLen(last)}
	default:
		b.cur = Pos{line, b.ColForVisual(line, b.goal)}
	}
	if !extend {
		b.anchor = b.cur
	}
}

func (b *Buffer) tabWidth() int {
	if b.TabWidth <= 0 {
		return 4
	}
	return b.TabWidth
}

// VisualCol returns the screen column of rune column col of line, with tabs
// expanded to TabWidth stops.
func (b *Buffer) VisualCol(line, col int) int {
	return VisualCol(b.Line(line), col, b.tabWidth())
}

// ColForVisual returns the rune column of line closest to screen column
// vcol (the inverse of VisualCol; a click inside a tab lands before it
// when in its left half).
func (b *Buffer) ColForVisual(line, vcol int) int {
	return ColForVisual(b.Line(line), vcol, b.tabWidth())
}

// VisualCol returns the screen column of rune column col in s, tabs
// expanded to stops every tab columns.
func VisualCol(s string, col, tab int) int {
	v, i := 0, 0
	for _, r := range s {
		if i >= col {
			break
		}
		if r == '\t' {
			v += tab - v%tab
		} else {
			v++
		}
		i++
	}
	return v
}

// ColForVisual is the inverse of VisualCol for s.
func ColForVisual(s string, vcol, tab int) int {
	v, i := 0, 0
	for _, r := range s {
		w := 1
		if r == '\t' {
			w = tab - v%tab
		}
		if v+w > vcol {
			if vcol-v > (w-1)/2 && w > 1 {
				return i + 1
			}
			return i
		}
		v += w
		i++
	}
	return i
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// class sorts runes for word motion: 0 space, 1 word, 2 punctuation.
func class(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return 0
	case isWord(r):
		return 1
	}
	return 2
}

func (b *Buffer) wordLeft(p Pos) Pos {
	if p.Col == 0 {
		if p.Line == 0 {
			return p
		}
		return Pos{p.Line - 1, b.lineLen(p.Line - 1)}
	}
	rs := []rune(b.lines[p.Line])
	i := p.Col
	for i > 0 && class(rs[i-1]) == 0 {
		i--
	}
	if i > 0 {
		c := class(rs[i-1])
		for i > 0 && class(rs[i-1]) == c {
			i--
		}
	}
	return Pos{p.Line, i}
}

func (b *Buffer) wordRight(p Pos) Pos {
	rs := []rune(b.lines[p.Line])
	if p.Col >= len(rs) {
		if p.Line == len(b.lines)-1 {
			return p
		}
		return Pos{p.Line + 1, 0}
	}
	i := p.Col
	for i < len(rs) && class(rs[i]) == 0 {
		i++
	}
	if i < len(rs) {
		c := class(rs[i])
		for i < len(rs) && class(rs[i]) == c {
			i++
		}
	}
	return Pos{p.Line, i}
}

// WordAt returns the word (letters, digits, _) around p, for double-click
// selection; an empty range at p when there is none.
func (b *Buffer) WordAt(p Pos) Range {
	p = b.clamp(p)
	rs := []rune(b.lines[p.Line])
	s, e := p.Col, p.Col
	for s > 0 && isWord(rs[s-1]) {
		s--
	}
	for e < len(rs) && isWord(rs[e]) {
		e++
	}
	return Range{Pos{p.Line, s}, Pos{p.Line, e}}
}

// Insert replaces the selection (if any) with text as one undo step, as for
// a paste; CRLF and CR in text become line breaks. The cursor ends after
// the inserted text.
func (b *Buffer) Insert(text string) {
	text = normalizeEOL(text)
	sel, _ := b.Selection()
	b.edit(editOther, sel.Start, sel.End, text)
}

// TypeRune inserts r as typed: it replaces the selection, and runs of typed
// runes are undone together (a run ends at a word boundary, a cursor move,
// a line break or any other edit).
func (b *Buffer) TypeRune(r rune) {
	if r == '\n' || r == '\r' {
		b.Newline()
		return
	}
	sel, _ := b.Selection()
	b.edit(editTyping, sel.Start, sel.End, string(r))
}

// Newline breaks the line at the cursor (replacing the selection), indenting
// the new line with the leading whitespace of the line it was broken from.
func (b *Buffer) Newline() {
	sel, _ := b.Selection()
	l := b.lines[sel.Start.Line]
	ind := leadingSpace(l[:byteOff(l, sel.Start.Col)])
	b.edit(editOther, sel.Start, sel.End, "\n"+ind)
}

// Backspace deletes the selection, or the rune before the cursor (joining
// with the previous line at a line start).
func (b *Buffer) Backspace() {
	if sel, ok := b.Selection(); ok {
		b.edit(editOther, sel.Start, sel.End, "")
		return
	}
	p := b.cur
	switch {
	case p.Col > 0:
		b.edit(editBackspace, Pos{p.Line, p.Col - 1}, p, "")
	case p.Line > 0:
		b.edit(editBackspace, Pos{p.Line - 1, b.lineLen(p.Line - 1)}, p, "")
	}
}

// Delete deletes the selection, or the rune after the cursor (joining with
// the next line at a line end).
func (b *Buffer) Delete() {
	if sel, ok := b.Selection(); ok {
		b.edit(editOther, sel.Start, sel.End, "")
		return
	}
	p := b.cur
	switch {
	case p.Col < b.lineLen(p.Line):
		b.edit(editDelete, p, Pos{p.Line, p.Col + 1}, "")
	case p.Line < len(b.lines)-1:
		b.edit(editDelete, p, Pos{p.Line + 1, 0}, "")
	}
}

// DeleteSelection deletes the selected text; false when nothing was
// selected.
func (b *Buffer) DeleteSelection() bool {
	sel, ok := b.Selection()
	if ok {
		b.edit(editOther, sel.Start, sel.End, "")
	}
	return ok
}

// Replace replaces the text of r with text as one undo step, leaving the
// cursor after it.
func (b *Buffer) Replace(r Range, text string) {
	s, e := b.clamp(r.Start), b.clamp(r.End)
	if e.Less(s) {
		s, e = e, s
	}
	b.edit(editOther, s, e, normalizeEOL(text))
}

// edit replaces [from, to) with text, records it for undo and puts the
// cursor after the inserted text.
func (b *Buffer) edit(kind editKind, from, to Pos, text string) {
	from, to = b.clamp(from), b.clamp(to)
	if from == to && text == "" {
		return
	}
	curBefore, anchorBefore := b.cur, b.anchor
	removed := b.TextRange(Range{from, to})
	end := b.replace(from, to, text)
	b.cur, b.anchor, b.goal = end, end, -1
	ch := change{from: from, removed: removed, inserted: text}
	b.redo = nil
	if g := b.open; g != nil && g.kind == kind && kind != editOther && b.state == g.stateAfter && mergeable(g, ch) {
		g.changes = append(g.changes, ch)
		g.curAfter, g.anchorAfter = b.cur, b.anchor
		return
	}
	b.nextState++
	g := &group{
		kind:      kind,
		changes:   []change{ch},
		curBefore: curBefore, anchorBefore: anchorBefore,
		curAfter: b.cur, anchorAfter: b.anchor,
		stateBefore: b.state, stateAfter: b.nextState,
	}
	b.state = g.stateAfter
	b.undo = append(b.undo, g)
	b.open = nil
	if kind != editOther {
		b.open = g
	}
}

// mergeable reports whether ch continues the run of g.
func mergeable(g *group, ch change) bool {
	prev := g.changes[len(g.changes)-1]
	switch g.kind {
	case editTyping:
		if ch.removed != "" || prev.removed != "" || endOf(prev.from, prev.inserted) != ch.from {
			return false
		}
		last, _ := utf8.DecodeLastRuneInString(prev.inserted)
		next, _ := utf8.DecodeRuneInString(ch.inserted)
		// a run ends where a word ends: "local x" undoes as "local", " x"
		return !(unicode.IsSpace(next) && !unicode.IsSpace(last))
	case editBackspace:
		return endOf(ch.from, ch.removed) == prev.from && !strings.Contains(ch.removed, "\n")
	case editDelete:
		return ch.from == prev.from && !strings.Contains(ch.removed, "\n")
	}
	return false
}

// CanUndo reports whether there is an edit to undo.
func (b *Buffer) CanUndo() bool { return len(b.undo) > 0 }

// CanRedo reports whether there is an undone edit to redo.
func (b *Buffer) CanRedo() bool { return len(b.redo) > 0 }

// Undo reverts the last undo step; false when there is none.
func (b *Buffer) Undo() bool {
	if len(b.undo) == 0 {
		return false
	}
	g := b.undo[len(b.undo)-1]
	b.undo = b.undo[:len(b.undo)-1]
	for i := len(g.changes) - 1; i >= 0; i-- {
		ch := g.changes[i]
		b.replace(ch.from, endOf(ch.from, ch.inserted), ch.removed)
	}
	b.cur, b.anchor = b.clamp(g.curBefore), b.clamp(g.anchorBefore)
	b.state = g.stateBefore
	b.redo = append(b.redo, g)
	b.open, b.goal = nil, -1
	return true
}

// Redo re-applies the last undone step; false when there is none.
func (b *Buffer) Redo() bool {
	if len(b.redo) == 0 {
		return false
	}
	g := b.redo[len(b.redo)-1]
	b.redo = b.redo[:len(b.redo)-1]
	for _, ch := range g.changes {
		b.replace(ch.from, endOf(ch.from, ch.removed), ch.inserted)
	}
	b.cur, b.anchor = b.clamp(g.curAfter), b.clamp(g.anchorAfter)
	b.state = g.stateAfter
	b.undo = append(b.undo, g)
	b.open, b.goal = nil, -1
	return true
}

// replace swaps the text of [from, to) for text (line breaks "\n") and
// returns the end of the inserted text. No undo bookkeeping.
func (b *Buffer) replace(from, to Pos, text string) Pos {
	first, last := b.lines[from.Line], b.lines[to.Line]
	prefix := first[:byteOff(first, from.Col)]
	suffix := last[byteOff(last, to.Col):]
	var parts []string
	if strings.IndexByte(text, '\n') < 0 {
		parts = []string{prefix + text + suffix}
	} else {
		parts = strings.Split(text, "\n")
		parts[0] = prefix + parts[0]
		parts[len(parts)-1] += suffix
	}
	oldN, newN := to.Line-from.Line+1, len(parts)
	switch {
	case newN < oldN:
		b.lines = slices.Delete(b.lines, from.Line+newN, to.Line+1)
	case newN > oldN:
		b.lines = slices.Insert(b.lines, to.Line+1, make([]string, newN-oldN)...)
	}
	copy(b.lines[from.Line:], parts)
	b.version++
	return endOf(from, text)
}

// endOf returns where text inserted at from ends.
func endOf(from Pos, text string) Pos {
	n := strings.Count(text, "\n")
	if n == 0 {
		return Pos{from.Line, from.Col + utf8.RuneCountInString(text)}
	}
	return Pos{from.Line + n, utf8.RuneCountInString(text[strings.LastIndexByte(text, '\n')+1:])}
}

func (b *Buffer) lineLen(i int) int { return utf8.RuneCountInString(b.lines[i]) }

// Clamp returns p moved inside the text.
func (b *Buffer) Clamp(p Pos) Pos { return b.clamp(p) }

func (b *Buffer) clamp(p Pos) Pos {
	if p.Line < 0 {
		return Pos{}
	}
	if p.Line >= len(b.lines) {
		last := len(b.lines) - 1
		return Pos{last, b.lineLen(last)}
	}
	if p.Col < 0 {
		p.Col = 0
	}
	if n := b.lineLen(p.Line); p.Col > n {
		p.Col = n
	}
	return p
}

// byteOff returns the byte offset of rune column col in s (len(s) past the
// end).
func byteOff(s string, col int) int {
	if col <= 0 {
		return 0
	}
	i := 0
	for off := range s {
		if i == col {
			return off
		}
		i++
	}
	return len(s)
}

func leadingSpace(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// LeadingSpace returns the indentation (spaces and tabs) that starts s.
func LeadingSpace(s string) string { return leadingSpace(s) }
