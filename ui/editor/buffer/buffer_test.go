package buffer

import (
	"strings"
	"testing"
)

// parse builds a buffer from text where "|" marks the cursor and "^" the
// selection anchor (the anchor defaults to the cursor).
func parse(t *testing.T, marked string) *Buffer {
	t.Helper()
	var cur, anchor Pos
	hasAnchor := false
	var clean strings.Builder
	line, col := 0, 0
	for _, r := range marked {
		switch r {
		case '|':
			cur = Pos{line, col}
			continue
		case '^':
			anchor, hasAnchor = Pos{line, col}, true
			continue
		case '\n':
			line, col = line+1, 0
		default:
			col++
		}
		clean.WriteRune(r)
	}
	if !hasAnchor {
		anchor = cur
	}
	b := New(clean.String())
	b.Select(anchor, cur)
	return b
}

// show renders a buffer with its cursor ("|") and anchor ("^", only when
// something is selected).
func show(b *Buffer) string {
	var sb strings.Builder
	for i, l := range b.Lines() {
		if i > 0 {
			sb.WriteByte('\n')
		}
		rs := []rune(l)
		for c := 0; c <= len(rs); c++ {
			if (Pos{i, c}) == b.Anchor() && b.Anchor() != b.Cursor() {
				sb.WriteByte('^')
			}
			if (Pos{i, c}) == b.Cursor() {
				sb.WriteByte('|')
			}
			if c < len(rs) {
				sb.WriteRune(rs[c])
			}
		}
	}
	return sb.String()
}

func typeString(s string) func(*Buffer) {
	return func(b *Buffer) {
		for _, r := range s {
			b.TypeRune(r)
		}
	}
}

func move(m Motion, extend bool) func(*Buffer) {
	return func(b *Buffer) { b.Move(m, extend) }
}

var (
	backspace = (*Buffer).Backspace
	del       = (*Buffer).Delete
	newline   = (*Buffer).Newline
	undo      = func(b *Buffer) { b.Undo() }
	redo      = func(b *Buffer) { b.Redo() }
)

func TestBufferEditing(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		ops  []func(*Buffer)
		want string
	}{
		{"type into the middle of a line", "lo|al", []func(*Buffer){typeString("c")}, "loc|al"},
		{"type multi-byte runes", "|x", []func(*Buffer){typeString("héé")}, "héé|x"},
		{"typing replaces the selection", "a^bc|d", []func(*Buffer){typeString("X")}, "aX|d"},
		{"newline copies the indentation", "\tif x then|", []func(*Buffer){newline}, "\tif x then\n\t|"},
		{"newline splits a line and indents the rest", "  ab|cd", []func(*Buffer){newline}, "  ab\n  |cd"},
		{"newline inside the indentation copies only what is before", "  |  x", []func(*Buffer){newline}, "  \n  |  x"},
		{"newline replaces a selection", "a^bc|d", []func(*Buffer){newline}, "a\n|d"},
		{"backspace deletes the rune before", "ab|c", []func(*Buffer){backspace}, "a|c"},
		{"backspace at a line start joins lines", "ab\n|cd", []func(*Buffer){backspace}, "ab|cd"},
		{"backspace at the start does nothing", "|ab", []func(*Buffer){backspace}, "|ab"},
		{"backspace deletes a multi-line selection", "a^b\ncd\ne|f", []func(*Buffer){backspace}, "a|f"},
		{"delete deletes the rune after", "a|bc", []func(*Buffer){del}, "a|c"},
		{"delete at a line end joins lines", "ab|\ncd", []func(*Buffer){del}, "ab|cd"},
		{"delete at the end does nothing", "ab|", []func(*Buffer){del}, "ab|"},
		{"paste multi-line text with CRLF", "a|b", []func(*Buffer){func(b *Buffer) { b.Insert("1\r\n2\r\n3") }}, "a1\n2\n3|b"},
		{"left collapses a selection to its start", "a^bc|d", []func(*Buffer){move(MoveLeft, false)}, "a|bcd"},
		{"right collapses a selection to its end", "a|bc^d", []func(*Buffer){move(MoveRight, false)}, "abc|d"},
		{"left wraps to the previous line end", "ab\n|c", []func(*Buffer){move(MoveLeft, false)}, "ab|\nc"},
		{"right wraps to the next line start", "ab|\nc", []func(*Buffer){move(MoveRight, false)}, "ab\n|c"},
		{"shift+right extends the selection", "|abc", []func(*Buffer){move(MoveRight, true), move(MoveRight, true)}, "^ab|c"},
		{"up keeps the column through a short line", "a\nb\nabcd|", []func(*Buffer){move(MoveUp, false), move(MoveUp, false)}, "a|\nb\nabcd"},
		{"down returns to the goal column", "abc|d\nb\nabcd", []func(*Buffer){move(MoveDown, false), move(MoveDown, false)}, "abcd\nb\nabc|d"},
		{"up on the first line goes to its start", "ab|c", []func(*Buffer){move(MoveUp, false)}, "|abc"},
		{"down on the last line goes to its end", "a|bc", []func(*Buffer){move(MoveDown, false)}, "abc|"},
		{"down keeps the visual column across a tab", "\tx|\n12345678", []func(*Buffer){move(MoveDown, false)}, "\tx\n12345|678"},
		{"home goes to the first non-blank", "   ab|c", []func(*Buffer){move(MoveHome, false)}, "   |abc"},
		{"home again goes to column 0", "   |abc", []func(*Buffer){move(MoveHome, false)}, "|   abc"},
		{"end goes to the line end", "a|bc\nd", []func(*Buffer){move(MoveEnd, false)}, "abc|\nd"},
		{"word right stops at the word end", "|local x = 1", []func(*Buffer){move(MoveWordRight, false)}, "local| x = 1"},
		{"word right skips space then a word", "local| x = 1", []func(*Buffer){move(MoveWordRight, false)}, "local x| = 1"},
		{"word right stops after punctuation", "f|(a.b)", []func(*Buffer){move(MoveWordRight, false)}, "f(|a.b)"},
		{"word left goes to the word start", "local xyz|", []func(*Buffer){move(MoveWordLeft, false)}, "local |xyz"},
		{"word left at a line start goes up", "a\n|b", []func(*Buffer){move(MoveWordLeft, false)}, "a|\nb"},
		{"ctrl+home", "ab\nc|d", []func(*Buffer){move(MoveDocStart, false)}, "|ab\ncd"},
		{"ctrl+end selecting", "a|b\ncd", []func(*Buffer){move(MoveDocEnd, true)}, "a^b\ncd|"},
		{"page down", "a|\nb\nc\nd\ne", []func(*Buffer){func(b *Buffer) { b.MovePage(3, false) }}, "a\nb\nc\nd|\ne"},
		{"page up past the start", "a\nb\nc|", []func(*Buffer){func(b *Buffer) { b.MovePage(-10, false) }}, "|a\nb\nc"},
		{"select all", "a|b\ncd", []func(*Buffer){(*Buffer).SelectAll}, "^ab\ncd|"},
		{"replace a range", "|local x = 1", []func(*Buffer){func(b *Buffer) { b.Replace(Range{Pos{0, 6}, Pos{0, 7}}, "y") }}, "local y| = 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := parse(t, c.in)
			for _, op := range c.ops {
				op(b)
			}
			if got := show(b); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestBufferSelectedText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"nothing selected", "ab|c", ""},
		{"within a line", "a^bc|d", "bc"},
		{"backwards", "a|bc^d", "bc"},
		{"across lines", "a^b\ncd\ne|f", "b\ncd\ne"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := parse(t, c.in).SelectedText(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestBufferUndoRedo(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		ops  []func(*Buffer)
		want string
	}{
		{"undo a typing run at once", "|", []func(*Buffer){typeString("print"), undo}, "|"},
		{"a typing run ends at a word boundary", "|", []func(*Buffer){typeString("local x"), undo}, "local|"},
		{"two undos undo both words", "|", []func(*Buffer){typeString("local x"), undo, undo}, "|"},
		{"a cursor move ends a typing run", "|", []func(*Buffer){typeString("ab"), move(MoveLeft, false), move(MoveRight, false), typeString("cd"), undo}, "ab|"},
		{"undo restores the selection", "a^bc|d", []func(*Buffer){typeString("X"), undo}, "a^bc|d"},
		{"redo after undo", "|", []func(*Buffer){typeString("ab"), undo, redo}, "ab|"},
		{"an edit after undo drops redo", "|", []func(*Buffer){typeString("ab"), undo, typeString("c"), redo}, "c|"},
		{"backspaces are undone together", "abcd|", []func(*Buffer){backspace, backspace, backspace, undo}, "abcd|"},
		{"deletes are undone together", "|abcd", []func(*Buffer){del, del, del, undo}, "|abcd"},
		{"newline is its own step", "ab|", []func(*Buffer){typeString("c"), newline, typeString("d"), undo, undo}, "abc|"},
		{"undo a line join", "ab\n|cd", []func(*Buffer){backspace, undo}, "ab\n|cd"},
		{"redo a multi-line paste", "|x", []func(*Buffer){func(b *Buffer) { b.Insert("1\n2") }, undo, redo}, "1\n2|x"},
		{"undo with nothing to undo", "a|b", []func(*Buffer){undo}, "a|b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := parse(t, c.in)
			for _, op := range c.ops {
				op(b)
			}
			if got := show(b); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestBufferDirty(t *testing.T) {
	for _, c := range []struct {
		name  string
		ops   []func(*Buffer)
		dirty bool
	}{
		{"new buffer is clean", nil, false},
		{"typing makes it dirty", []func(*Buffer){typeString("x")}, true},
		{"undoing to the saved text makes it clean", []func(*Buffer){typeString("x"), undo}, false},
		{"redo makes it dirty again", []func(*Buffer){typeString("x"), undo, redo}, true},
		{"saved after typing", []func(*Buffer){typeString("x"), (*Buffer).MarkSaved}, false},
		{"typing on after saving mid-run", []func(*Buffer){typeString("x"), (*Buffer).MarkSaved, typeString("y")}, true},
		{"undo back to the save point mid-run", []func(*Buffer){typeString("x"), (*Buffer).MarkSaved, typeString("y"), undo}, false},
		{"undo past the save point", []func(*Buffer){typeString("x"), (*Buffer).MarkSaved, undo}, true},
		{"set text", []func(*Buffer){func(b *Buffer) { b.SetText("other") }}, true},
		{"set the same text", []func(*Buffer){func(b *Buffer) { b.SetText("start") }}, false},
		{"moving the cursor", []func(*Buffer){move(MoveRight, false)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := New("start")
			for _, op := range c.ops {
				op(b)
			}
			if b.Dirty() != c.dirty {
				t.Errorf("Dirty() = %v, want %v (text %q)", b.Dirty(), c.dirty, b.Text())
			}
		})
	}
}

func TestBufferSetTextClearsHistory(t *testing.T) {
	b := New("a")
	typeString("b")(b)
	b.SetText("new text")
	if b.Undo() || b.Text() != "new text" || b.Cursor() != (Pos{}) {
		t.Errorf("after SetText: undo possible or text %q cursor %v", b.Text(), b.Cursor())
	}
}

func TestBufferLineEndingsRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    string
		eol   string
		bom   bool
		lines []string
		// after typing "X" + Enter + "Y" at the end of the first line
		edited string
	}{
		{"LF", "a\nb\n", "\n", false, []string{"a", "b", ""}, "aX\nY\nb\n"},
		{"CRLF", "a\r\nb\r\n", "\r\n", false, []string{"a", "b", ""}, "aX\r\nY\r\nb\r\n"},
		{"CR only", "a\rb", "\r", false, []string{"a", "b"}, "aX\rY\rb"},
		{"BOM and CRLF", "\ufeffa\r\nb", "\r\n", true, []string{"a", "b"}, "\ufeffaX\r\nY\r\nb"},
		{"BOM and LF", "\ufeffa\nb", "\n", true, []string{"a", "b"}, "\ufeffaX\nY\nb"},
		{"mixed endings follow the first", "a\r\nb\nc", "\r\n", false, []string{"a", "b", "c"}, "aX\r\nY\r\nb\r\nc"},
		{"no line break", "abc", "\n", false, []string{"abc"}, "abcX\nY"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := New(c.in)
			if b.LineEnding() != c.eol || b.HasBOM() != c.bom {
				t.Errorf("line ending %q BOM %v, want %q %v", b.LineEnding(), b.HasBOM(), c.eol, c.bom)
			}
			if strings.Join(b.Lines(), "|") != strings.Join(c.lines, "|") {
				t.Errorf("lines %q, want %q", b.Lines(), c.lines)
			}
			if !strings.Contains(c.name, "mixed") && b.Text() != c.in {
				t.Errorf("Text() = %q, want %q unchanged", b.Text(), c.in)
			}
			b.SetCursor(Pos{0, 99}, false)
			typeString("X")(b)
			b.Newline()
			typeString("Y")(b)
			if b.Text() != c.edited {
				t.Errorf("after editing Text() = %q, want %q", b.Text(), c.edited)
			}
		})
	}
}

func TestBufferFind(t *testing.T) {
	text := "local Door = {}\nfunction door.open()\n  return DOOR\nend\n-- héllo door"
	for _, c := range []struct {
		name          string
		query         string
		from          Pos
		caseSensitive bool
		prev          bool
		want          Range
		ok            bool
	}{
		{"first match from the start", "door", Pos{}, false, false, Range{Pos{0, 6}, Pos{0, 10}}, true},
		{"case-sensitive skips other cases", "door", Pos{}, true, false, Range{Pos{1, 9}, Pos{1, 13}}, true},
		{"next match after the cursor", "door", Pos{0, 7}, false, false, Range{Pos{1, 9}, Pos{1, 13}}, true},
		{"upper-case query ignores case", "DOOR", Pos{1, 10}, false, false, Range{Pos{2, 9}, Pos{2, 13}}, true},
		{"columns count runes", "door", Pos{3, 0}, false, false, Range{Pos{4, 9}, Pos{4, 13}}, true},
		{"wraps around to the start", "function", Pos{3, 0}, false, false, Range{Pos{1, 0}, Pos{1, 8}}, true},
		{"previous match", "door", Pos{2, 0}, false, true, Range{Pos{1, 9}, Pos{1, 13}}, true},
		{"previous wraps around to the end", "door", Pos{0, 6}, false, true, Range{Pos{4, 9}, Pos{4, 13}}, true},
		{"multi-line query", "()\n  return", Pos{}, false, false, Range{Pos{1, 18}, Pos{2, 8}}, true},
		{"no match", "window", Pos{}, false, false, Range{}, false},
		{"empty query", "", Pos{}, false, false, Range{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := New(text)
			var got Range
			var ok bool
			if c.prev {
				got, ok = b.FindPrev(c.query, c.from, c.caseSensitive)
			} else {
				got, ok = b.Find(c.query, c.from, c.caseSensitive)
			}
			if got != c.want || ok != c.ok {
				t.Errorf("got %v %v, want %v %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestVisualColumns(t *testing.T) {
	for _, c := range []struct {
		name      string
		line      string
		col, vcol int
	}{
		{"no tabs", "abc", 2, 2},
		{"after a leading tab", "\tx", 1, 4},
		{"tab after text", "ab\tx", 3, 4},
		{"two tabs", "\t\tx", 2, 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := VisualCol(c.line, c.col, 4); got != c.vcol {
				t.Errorf("VisualCol = %d, want %d", got, c.vcol)
			}
			if got := ColForVisual(c.line, c.vcol, 4); got != c.col {
				t.Errorf("ColForVisual = %d, want %d", got, c.col)
			}
		})
	}
}
