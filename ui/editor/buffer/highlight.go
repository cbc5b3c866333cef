package buffer

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
)

// Category is the kind of a piece of Lua source, for colouring.
type Category uint8

// The categories, Plain being everything else (names, punctuation, space).
const (
	Plain    Category = iota
	Keyword           // reserved words, and/or/not, true/false/nil
	String            // quoted and long strings, escapes
	Comment           // comments, the #! line
	Number            // numeric literals
	Function          // the name a function statement defines, or a called name
	Builtin           // standard library globals: print, pairs, string.format, ...
	Operator          // + - * / == ~= .. # etc.
	NumCategories
)

var categoryNames = [...]string{"plain", "keyword", "string", "comment", "number", "function", "builtin", "operator"}

func (c Category) String() string {
	if int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return "category(" + strconv.Itoa(int(c)) + ")"
}

// Span is a run of one line, between rune columns Start (inclusive) and End
// (exclusive), in one category other than Plain. Spans of a line are in
// order and do not overlap; what they do not cover is Plain.
type Span struct {
	Start, End int
	Cat        Category
}

// CategoryAt returns the category of rune column col given a line's spans.
func CategoryAt(spans []Span, col int) Category {
	for _, s := range spans {
		if col < s.Start {
			break
		}
		if col < s.End {
			return s.Cat
		}
	}
	return Plain
}

// Highlight lexes lines (without line breaks) as Lua and returns the spans
// of each line.
func Highlight(lines []string) [][]Span {
	h := NewHighlighter()
	h.Update(lines)
	h.Ensure(len(lines))
	out := make([][]Span, len(lines))
	for i := range out {
		out[i] = h.Spans(i)
	}
	return out
}

// Highlighter keeps the spans of a text between edits and re-lexes only
// what an edit can have changed, and only as far down the text as has been
// asked for (Ensure): opening a big file lexes its first screen, not all of
// it.
//
// It remembers, per line, its text, spans and the lexer state at its start
// (or that the line starts inside a token). The first Valid lines are
// lexed. Update compares the new lines with the old ones; lexing restarts
// at the closest line at or before the first changed one that starts in the
// lexer's initial state, and stops at the first line after the last changed
// one where the lexer arrives in the state the old lexing had there (from
// there on the text is the same, so the result is too) or that was not
// lexed yet. Lexing is done on a window of lines that doubles when no such
// line turns up. Typing inside a line of a big file thus re-lexes a line or
// two; opening a long comment re-lexes to its end (or as far as lexed).
type Highlighter struct {
	lexer       chroma.Lexer
	incremental bool
	lines       []hlLine
	valid       int // lines[:valid] are lexed

	// Lexed counts the lines lexed by the last Update or Ensure (for tests
	// and benchmarks).
	Lexed int
}

type hlLine struct {
	text  string
	spans []Span
	// start is the lexer state key at the start of the line (stackKey), ""
	// when the line starts inside a token or the state is not known.
	start string
}

// NewHighlighter returns an empty highlighter.
func NewHighlighter() *Highlighter {
	lx, inc := luaLexer()
	return &Highlighter{lexer: lx, incremental: inc}
}

// Len returns the number of lines highlighted.
func (h *Highlighter) Len() int { return len(h.lines) }

// Valid returns how many lines, from the first, are lexed.
func (h *Highlighter) Valid() int { return h.valid }

// Spans returns the spans of line i (nil when out of range, all plain or
// not lexed yet: see Ensure). The slice must not be modified.
func (h *Highlighter) Spans(i int) []Span {
	if i < 0 || i >= h.valid {
		return nil
	}
	return h.lines[i].spans
}

// Reset forgets the highlighted text.
func (h *Highlighter) Reset() { h.lines, h.valid = nil, 0 }

// firstWindow is how many lines past the last changed one the first lexing
// window extends.
const firstWindow = 48

// ensureMargin is how many lines past the requested ones Ensure lexes, so
// that scrolling does not lex on every step.
const ensureMargin = 100

// Update takes the new text and brings the lexed lines up to date. It
// returns the range of lines [from, to) that changed or were lexed again.
func (h *Highlighter) Update(lines []string) (from, to int) {
	h.Lexed = 0
	old := h.lines
	n := len(lines)
	p := 0
	for p < len(old) && p < n && old[p].text == lines[p] {
		p++
	}
	if p == len(old) && p == n {
		return p, p
	}
	q := 0
	for q < len(old)-p && q < n-p && old[len(old)-1-q].text == lines[n-1-q] {
		q++
	}
	changedEnd := n - q // new lines from changedEnd on equal old lines from changedEnd+delta
	delta := len(old) - n

	if !h.incremental {
		// no restarting: lex everything, always
		got, _, _ := h.lex(lines, 0, true, nil)
		h.lines, h.valid, h.Lexed = got, n, n
		return 0, n
	}
	if p >= h.valid {
		// the change is past the lexed lines: just take the text
		fresh := make([]hlLine, changedEnd-p)
		for i := range fresh {
			fresh[i].text = lines[p+i]
		}
		h.lines = slices.Replace(old, p, len(old)-q, fresh...)
		return p, changedEnd
	}

	s := min(p, len(old)) - 1
	for s > 0 && old[s].start != "base" {
		s--
	}
	s = max(s, 0)
	valid := h.valid
	resync := func(row int, key string) bool {
		if row < changedEnd || row <= s {
			return false
		}
		return row+delta >= valid || key != "" && old[row+delta].start == key
	}
	end := min(n, max(changedEnd, s+1)+firstWindow)
	for {
		got, stop, synced := h.lex(lines[s:end], s, end == n, resync)
		if synced || end == n {
			if synced {
				// old[stop+delta:] stays: splice in place
				h.lines = slices.Replace(old, s, stop+delta, got...)
				if stop+delta >= valid {
					h.valid = stop // the rest was not lexed before either
				} else {
					h.valid = valid - delta
				}
			} else {
				h.lines = append(old[:s:s], got...)
				h.valid = n
			}
			h.Lexed = stop - s
			return min(s, p), max(stop, changedEnd)
		}
		end = min(n, s+2*(end-s))
	}
}

// Ensure lexes the lines up to n (exclusive), if not done yet.
func (h *Highlighter) Ensure(n int) {
	h.Lexed = 0
	n = min(n, len(h.lines))
	if n <= h.valid {
		return
	}
	s := h.valid - 1
	for s > 0 && h.lines[s].start != "base" {
		s--
	}
	s = max(s, 0)
	end := min(len(h.lines), n+ensureMargin)
	texts := make([]string, end-s)
	for i := range texts {
		texts[i] = h.lines[s+i].text
	}
	got, _, _ := h.lex(texts, s, end == len(h.lines), nil)
	copy(h.lines[s:], got)
	h.Lexed = end - s
	h.valid = end
	if end < len(h.lines) {
		h.valid-- // its end state could depend on the next line
	}
}

// lex lexes win, the lines from row first on, starting in the initial
// state, and returns them. When resync reports that a line (by row) starting
// in a given state needs no lexing, lexing stops there: synced is true and
// the result covers [first, stop). Otherwise it covers the whole window and
// stop is its end. Unless the window reaches the end of the text (atEOF),
// its last line is not offered to resync, as text past the window could
// still change its start.
func (h *Highlighter) lex(win []string, first int, atEOF bool, resync func(int, string) bool) (out []hlLine, stop int, synced bool) {
	s, end := first, first+len(win)
	lines := func(row int) string { return win[row-first] }
	var sb strings.Builder
	size := 0
	for _, l := range win {
		size += len(l) + 1
	}
	sb.Grow(size)
	for _, l := range win {
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	state := "base"
	if s == 0 {
		state = "root"
	}
	out = make([]hlLine, 1, end-s)
	out[0] = hlLine{text: lines(s), start: "base"}
	it, err := h.lexer.Tokenise(&chroma.TokeniseOptions{State: state}, sb.String())
	if err != nil {
		for r := s + 1; r < end; r++ {
			out = append(out, hlLine{text: lines(r)})
		}
		return out, end, false
	}
	lastTrusted := end - 1
	if !atEOF {
		lastTrusted = end - 2
	}

	type pending struct{ row, pos int }
	var (
		row, col, pos = s, 0, 0
		spans         []Span
		waiting       []pending
		inRule        bool
		allSpace      bool
		name          nameCand
	)
	for t := it(); t != chroma.EOF; t = it() {
		switch t.Type {
		case markBegin:
			inRule, allSpace = true, true
			continue
		case markEnd:
			for _, w := range waiting {
				key := ""
				if w.pos == pos {
					key = t.Value // the line starts where this rule ended
				} else if allSpace && t.Value == "base" {
					key = "base" // inside blank space: the same as starting after it
				}
				out[w.row-s].start = key
				if resync != nil && w.row <= lastTrusted && resync(w.row, key) {
					return out[:w.row-s], w.row, true
				}
			}
			waiting = waiting[:0]
			inRule = false
			continue
		}
		blank := t.Type == chroma.Text && strings.TrimSpace(t.Value) == ""
		if !blank {
			allSpace = false
			if name.ok {
				spans = name.resolve(spans, row, t)
			}
		}
		cat := categorize(t.Type)
		v := t.Value
		for {
			i := strings.IndexByte(v, '\n')
			piece := v
			if i >= 0 {
				piece = v[:i]
			}
			n := utf8.RuneCountInString(piece)
			if n > 0 {
				if t.Type == chroma.Name || t.Type == chroma.NameOther {
					if isBuiltin(piece) {
						spans = addSpan(spans, col, col+n, Builtin)
					} else {
						dot := strings.LastIndexByte(piece, '.')
						name = nameCand{ok: true, row: row, end: col + n, last: col + utf8.RuneCountInString(piece[:dot+1])}
					}
				} else if cat != Plain {
					spans = addSpan(spans, col, col+n, cat)
				}
			}
			col += n
			pos += n
			if i < 0 {
				break
			}
			out[row-s].spans = spans
			spans = nil
			row, col = row+1, 0
			pos++
			if row < end {
				out = append(out, hlLine{text: lines(row)})
				if inRule {
					waiting = append(waiting, pending{row, pos})
				}
			}
			v = v[i+1:]
		}
	}
	if row < end {
		out[row-s].spans = spans
	}
	for r := s + len(out); r < end; r++ { // the lexer gave up early
		out = append(out, hlLine{text: lines(r)})
	}
	return out, end, false
}

// nameCand is a plain name that becomes a Function when a call follows it
// on the same line: name(...), name{...}, name"..." (obj:name too). Only
// its last dotted part is coloured.
type nameCand struct {
	ok       bool
	row, end int
	last     int // column where the last part (after the last ".") starts
}

func (c *nameCand) resolve(spans []Span, row int, t chroma.Token) []Span {
	c.ok = false
	if row != c.row || t.Value == "" {
		return spans
	}
	switch t.Value[0] {
	case '(', '{', '"', '\'':
		return addSpan(spans, c.last, c.end, Function)
	}
	return spans
}

func addSpan(spans []Span, start, end int, cat Category) []Span {
	if k := len(spans) - 1; k >= 0 && spans[k].End == start && spans[k].Cat == cat {
		spans[k].End = end
		return spans
	}
	return append(spans, Span{start, end, cat})
}

func categorize(t chroma.TokenType) Category {
	switch {
	case t == chroma.OperatorWord:
		return Keyword
	case t.InCategory(chroma.Keyword):
		return Keyword
	case t.InSubCategory(chroma.LiteralString):
		return String
	case t.InSubCategory(chroma.LiteralNumber):
		return Number
	case t.InCategory(chroma.Comment):
		return Comment
	case t == chroma.NameFunction:
		return Function
	case t == chroma.NameBuiltin || t == chroma.NameBuiltinPseudo:
		return Builtin
	case t.InCategory(chroma.Operator):
		return Operator
	}
	return Plain
}

// luaBuiltins are the standard globals (Lua 5.1 to 5.4) and library tables.
var luaBuiltins = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`assert collectgarbage dofile error getmetatable ipairs load
		loadfile loadstring next pairs pcall print rawequal rawget rawlen rawset require select
		setmetatable tonumber tostring type unpack xpcall getfenv setfenv module _G _VERSION _ENV
		coroutine debug io math os package string table utf8 bit32`) {
		luaBuiltins[w] = true
	}
}

// isBuiltin reports whether a name ("print", "string.format") is a
// standard global or a member of a standard library table.
func isBuiltin(name string) bool {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	return luaBuiltins[name]
}
