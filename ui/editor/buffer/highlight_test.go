package buffer

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// go test ./ui/editor/buffer -run Golden -update rewrites the golden file.
var update = flag.Bool("update", false, "rewrite the golden files under ui/editor/testdata")

const goldenDir = "../testdata"

// sampleLua exercises every category and the multi-line constructs.
const sampleLua = `#!/usr/bin/env lua
-- Door controller for the sample mod.
local Door = {}
Door.__index = Door

local MAX_OPEN, SPEED = 3, 0.5e1

function Door.new(name, opts)
	local self = setmetatable({}, Door)
	self.name = name or "door"
	self.state = 'closed'
	self.timer = opts and opts.timer or 0x1F
	return self
end

--[[ A long comment
spanning ]] lines ]]

function Door:open(by)
	if self.state ~= "open" then
		print(string.format("%s opened by %s\n", self.name, tostring(by)))
		self:emit{ "opened", by }
	end
	local msg = [==[long
string ]] still ]==] .. #self.name
	for i = 1, MAX_OPEN do
		self.timer = self.timer + i * SPEED // 2
	end
	goto done
	::done::
	return not false, nil
end

local broken = "unterminated
return Door`

// dumpSpans renders lines with their spans, one span a line, for the golden
// file: "N| text" then "    category "text"".
func dumpSpans(lines []string, spans [][]Span) string {
	var sb strings.Builder
	for i, l := range lines {
		fmt.Fprintf(&sb, "%2d| %s\n", i+1, l)
		rs := []rune(l)
		for _, s := range spans[i] {
			fmt.Fprintf(&sb, "      %-8s %q\n", s.Cat, string(rs[s.Start:s.End]))
		}
	}
	return sb.String()
}

func TestHighlightGolden(t *testing.T) {
	lines := strings.Split(sampleLua, "\n")
	got := dumpSpans(lines, Highlight(lines))
	path := filepath.Join(goldenDir, "highlight.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("highlighting differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

func TestLuaLexerAdapted(t *testing.T) {
	if _, inc := luaLexer(); !inc {
		t.Fatal("chroma's Lua lexer rules changed shape: the line-by-line adaptation was not applied (highlighting falls back to full re-lexing)")
	}
}

func TestHighlightCategories(t *testing.T) {
	for _, c := range []struct {
		name, line, word string
		want             Category
	}{
		{"local is a keyword", "local x = 1", "local", Keyword},
		{"and is a keyword", "a = b and c", "and", Keyword},
		{"nil is a keyword", "return nil", "nil", Keyword},
		{"double-quoted string", `x = "hi"`, `"hi"`, String},
		{"single-quoted string", `x = 'hi'`, `'hi'`, String},
		{"long string on one line", `x = [[hi]]`, `[[hi]]`, String},
		{"line comment", "x = 1 -- note", "-- note", Comment},
		{"integer", "x = 42", "42", Number},
		{"hex number", "x = 0xff", "0xff", Number},
		{"float", "x = 1.5e3", "1.5e3", Number},
		{"defined function name", "local function spawn(a)", "spawn", Function},
		{"method definition", "function Door:open()", "open", Function},
		{"called name", "spawn(1)", "spawn", Function},
		{"called method", "door:open()", "open", Function},
		{"call with a table", "f{1}", "f", Function},
		{"builtin global", "print(1)", "print", Builtin},
		{"library function", "string.format('%d', 1)", "string.format", Builtin},
		{"operator", "x = a .. b", "..", Operator},
		{"comparison", "if a ~= b then end", "~=", Operator},
		{"plain variable", "x = y", "y", Plain},
		{"variable not called", "x = y + 1", "y", Plain},
	} {
		t.Run(c.name, func(t *testing.T) {
			col := strings.Index(c.line, c.word)
			if col < 0 {
				t.Fatalf("%q not in %q", c.word, c.line)
			}
			spans := Highlight([]string{c.line})[0]
			for i := range c.word {
				if got := CategoryAt(spans, col+i); got != c.want {
					t.Fatalf("column %d of %q (in %q) is %s, want %s; spans %v", col+i, c.word, c.line, got, c.want, spans)
				}
			}
		})
	}
}

func TestHighlightMultiLine(t *testing.T) {
	for _, c := range []struct {
		name  string
		lines []string
		line  int
		col   int
		want  Category
	}{
		{"inside a long comment", []string{"--[[ a", "b = 1", "]] c = 2"}, 1, 0, Comment},
		{"after a long comment", []string{"--[[ a", "b = 1", "]] c = 2"}, 2, 3, Plain},
		{"unclosed long comment runs to the end", []string{"--[[ a", "b = 1", "c = 2"}, 2, 4, Comment},
		{"level-2 long string ignores ]]", []string{"x = [==[", "]] y", "]==] z"}, 1, 3, String},
		{"after a level-2 long string", []string{"x = [==[", "]] y", "]==] z"}, 2, 5, Plain},
		{"unclosed quote ends at the line end", []string{`x = "abc`, "local y"}, 1, 0, Keyword},
		{"escaped line break continues a string", []string{`x = "abc\`, `def"`}, 1, 0, String},
	} {
		t.Run(c.name, func(t *testing.T) {
			spans := Highlight(c.lines)
			if got := CategoryAt(spans[c.line], c.col); got != c.want {
				t.Errorf("line %d col %d is %s, want %s\n%s", c.line, c.col, got, c.want, dumpSpans(c.lines, spans))
			}
		})
	}
}

// bigLua returns n lines of varied Lua.
func bigLua(n int) []string {
	src := strings.Split(sampleLua, "\n")[1:] // no #! past line 1
	out := make([]string, 0, n)
	for len(out) < n {
		for _, l := range src {
			if len(out) == n {
				break
			}
			out = append(out, l)
		}
	}
	return out
}

func TestHighlightIncrementalMatchesFull(t *testing.T) {
	base := bigLua(400)
	type edit func([]string) []string
	set := func(i int, s string) edit {
		return func(l []string) []string { l[i] = s; return l }
	}
	ins := func(i int, s ...string) edit {
		return func(l []string) []string { return append(l[:i], append(s, l[i:]...)...) }
	}
	del := func(i, n int) edit {
		return func(l []string) []string { return append(l[:i], l[i+n:]...) }
	}
	for _, c := range []struct {
		name  string
		edits []edit
	}{
		{"type a character in the middle", []edit{set(200, base[200]+"x")}},
		{"open a long comment that runs to the end", []edit{set(100, "--[[ "+base[100])}},
		{"open then close a long comment", []edit{set(100, "--[[ "+base[100]), set(150, "]] "+base[150])}},
		{"close a long comment from its end", []edit{set(16, "")}},
		{"open a long string", []edit{set(50, "x = [=[")}},
		{"unclosed quote", []edit{set(20, `print("oops`)}},
		{"escaped line break in a string", []edit{set(20, `print("a\`)}},
		{"insert lines", []edit{ins(30, "local a = 1", "--[[", "x")}},
		{"delete lines", []edit{del(10, 25)}},
		{"delete the first line", []edit{del(0, 1)}},
		{"edit the last line", []edit{set(399, "--[[")}},
		{"split a function header", []edit{set(7, "function"), ins(8, "Door.new(name, opts)")}},
		{"empty everything", []edit{del(0, 399), set(0, "")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines := append([]string(nil), base...)
			h := NewHighlighter()
			h.Update(lines)
			h.Ensure(len(lines))
			for _, e := range c.edits {
				lines = e(lines)
				h.Update(lines)
				checkSame(t, h, lines)
			}
		})
	}
}

func TestHighlightIncrementalRandomEdits(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	frags := []string{"--[[", "]]", "[[", "[==[", "]==]", `"`, `'`, `\`, "function ", "(", ")", "\n", "local ", "x", " ", "--", "::", "goto ", "\t"}
	lines := bigLua(150)
	h := NewHighlighter()
	h.Update(lines)
	h.Ensure(len(lines))
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := 0; i < n; i++ {
		b := New(strings.Join(lines, "\n"))
		b.SetCursor(Pos{rng.Intn(len(lines)), rng.Intn(40)}, false)
		switch rng.Intn(3) {
		case 0:
			b.Insert(frags[rng.Intn(len(frags))])
		case 1:
			b.Backspace()
		default:
			b.SetCursor(Pos{b.Cursor().Line + rng.Intn(3), rng.Intn(20)}, true)
			b.DeleteSelection()
		}
		lines = append([]string(nil), b.Lines()...)
		h.Update(lines)
		if !checkSame(t, h, lines) {
			t.Fatalf("after edit %d", i)
		}
	}
}

// TestHighlightLazy edits a text of which only a part is lexed, lexing more
// now and then, and checks the lexed part against lexing everything.
func TestHighlightLazy(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	frags := []string{"--[[", "]]", "[[", `"`, "\n", "local ", "x", "\n\n"}
	lines := bigLua(300)
	h := NewHighlighter()
	h.Update(lines)
	if h.Valid() != 0 || h.Lexed != 0 {
		t.Fatalf("Update lexed %d lines before any Ensure", h.Lexed)
	}
	h.Ensure(50)
	if v := h.Valid(); v < 50 || v > 50+ensureMargin {
		t.Fatalf("Ensure(50) lexed %d lines", v)
	}
	n := 100
	if testing.Short() {
		n = 20
	}
	for i := 0; i < n; i++ {
		b := New(strings.Join(lines, "\n"))
		b.SetCursor(Pos{rng.Intn(len(lines)), rng.Intn(30)}, false)
		if rng.Intn(2) == 0 {
			b.Insert(frags[rng.Intn(len(frags))])
		} else {
			b.SetCursor(Pos{b.Cursor().Line + rng.Intn(4), rng.Intn(20)}, true)
			b.DeleteSelection()
		}
		lines = append([]string(nil), b.Lines()...)
		h.Update(lines)
		if rng.Intn(5) == 0 {
			h.Ensure(rng.Intn(len(lines) + 1))
		}
		want := Highlight(lines)
		for k := 0; k < h.Valid(); k++ {
			if got := h.Spans(k); !reflect.DeepEqual(got, want[k]) {
				t.Fatalf("edit %d: lexed line %d %q: spans %v, lexing everything gives %v", i, k, lines[k], got, want[k])
			}
		}
	}
	h.Ensure(len(lines))
	checkSame(t, h, lines)
}

// checkSame compares the lexed lines with lexing everything at once, then
// lexes the rest (lines appended at the end are lexed on demand) and
// compares everything.
func checkSame(t *testing.T, h *Highlighter, lines []string) bool {
	t.Helper()
	want := Highlight(lines)
	if h.Len() != len(lines) {
		t.Errorf("highlighter has %d lines, text %d", h.Len(), len(lines))
		return false
	}
	for pass := 0; pass < 2; pass++ {
		for i := 0; i < h.Valid(); i++ {
			if got := h.Spans(i); !reflect.DeepEqual(got, want[i]) {
				t.Errorf("line %d %q: incremental spans %v, full lexing %v", i, lines[i], got, want[i])
				return false
			}
		}
		h.Ensure(len(lines))
	}
	return true
}

func TestHighlightRelexesLittleWhenTyping(t *testing.T) {
	lines := bigLua(5000)
	h := NewHighlighter()
	h.Update(lines)
	h.Ensure(len(lines))
	lines[2500] += "x"
	h.Update(lines)
	if h.Lexed > 3 {
		t.Errorf("typing on one line re-lexed %d lines", h.Lexed)
	}
}

// BenchmarkHighlightKeystroke5000 measures re-highlighting a 5,000-line file
// after typing one character in its middle.
func BenchmarkHighlightKeystroke5000(b *testing.B) {
	lines := bigLua(5000)
	h := NewHighlighter()
	h.Update(lines)
	h.Ensure(len(lines))
	orig := lines[2500]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			lines[2500] = orig + "x"
		} else {
			lines[2500] = orig
		}
		h.Update(lines)
	}
}

// BenchmarkHighlightKeystrokeWithBuffer5000 is the same keystroke through a
// Buffer, as the editor does it.
func BenchmarkHighlightKeystrokeWithBuffer5000(b *testing.B) {
	buf := New(strings.Join(bigLua(5000), "\n"))
	h := NewHighlighter()
	h.Update(buf.Lines())
	h.Ensure(buf.LineCount())
	buf.SetCursor(Pos{2500, 4}, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			buf.TypeRune('x')
		} else {
			buf.Backspace()
		}
		h.Update(buf.Lines())
	}
}

// BenchmarkHighlightFull5000 is the cost of highlighting a whole file once,
// as when it is opened.
func BenchmarkHighlightFull5000(b *testing.B) {
	lines := bigLua(5000)
	for i := 0; i < b.N; i++ {
		Highlight(lines)
	}
}
