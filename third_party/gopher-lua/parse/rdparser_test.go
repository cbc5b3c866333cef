package parse

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse/internal/yaccoracle"
)

// oracleParse is the parser the recursive-descent one must agree with:
// the former goyacc parser with its lexer, unchanged.
func oracleParse(r io.Reader, name string) ([]ast.Stmt, error) {
	chunk, err := yaccoracle.Parse(r, name)
	if e, ok := err.(*yaccoracle.Error); ok {
		return chunk, &Error{Pos: e.Pos, Message: e.Message, Token: e.Token}
	}
	return chunk, err
}

// dumpLines prints a syntax tree with every node's line and last line, so
// that a difference can be shown (reflect.DeepEqual decides equality).
func dumpLines(v reflect.Value, indent string, b *strings.Builder) {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString(indent + "nil\n")
			return
		}
		dumpLines(v.Elem(), indent, b)
	case reflect.Ptr:
		if v.IsNil() {
			b.WriteString(indent + "nil\n")
			return
		}
		if ph, ok := v.Interface().(ast.PositionHolder); ok {
			fmt.Fprintf(b, "%s%s @%d-%d\n", indent, v.Elem().Type().Name(), ph.Line(), ph.LastLine())
		} else {
			fmt.Fprintf(b, "%s%s\n", indent, v.Elem().Type().Name())
		}
		dumpLines(v.Elem(), indent+"  ", b)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || strings.HasSuffix(f.Name, "Base") {
				continue
			}
			fmt.Fprintf(b, "%s%s:\n", indent, f.Name)
			dumpLines(v.Field(i), indent+"  ", b)
		}
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString(indent + "nil-slice\n")
			return
		}
		fmt.Fprintf(b, "%s[%d]\n", indent, v.Len())
		for i := 0; i < v.Len(); i++ {
			dumpLines(v.Index(i), indent+"  ", b)
		}
	default:
		fmt.Fprintf(b, "%s%#v\n", indent, v.Interface())
	}
}

func firstDiff(a, b []ast.Stmt) string {
	var sa, sb strings.Builder
	dumpLines(reflect.ValueOf(a), "", &sa)
	dumpLines(reflect.ValueOf(b), "", &sb)
	la, lb := strings.Split(sa.String(), "\n"), strings.Split(sb.String(), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-8)
			return fmt.Sprintf("at dump line %d:\nold:\n%s\nnew:\n%s", i, strings.Join(la[lo:min(len(la), i+3)], "\n"), strings.Join(lb[lo:min(len(lb), i+3)], "\n"))
		}
	}
	return fmt.Sprintf("dumps differ in length (%d vs %d lines)", len(la), len(lb))
}

// compareParsers parses src with both parsers and reports a difference.
func compareParsers(src []byte, name string) error {
	want, werr := oracleParse(bytes.NewReader(src), name)
	got, gerr := Parse(bytes.NewReader(src), name)
	if e, ok := gerr.(*Error); ok && strings.Contains(e.Message, "syntax nested deeper than") {
		return nil // the one intended difference: the old parser had no limit
	}
	if (werr == nil) != (gerr == nil) {
		return fmt.Errorf("errors differ: old %v, new %v", werr, gerr)
	}
	if werr != nil {
		if werr.Error() != gerr.Error() || !reflect.DeepEqual(werr, gerr) {
			return fmt.Errorf("errors differ:\nold %#v\nnew %#v", werr, gerr)
		}
		return nil
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Errorf("trees differ %s", firstDiff(want, got))
	}
	return nil
}

// luaFiles lists the .lua files under root (nil if root is absent).
func luaFiles(t testing.TB, root string) []string {
	var out []string
	if _, err := os.Stat(root); err != nil {
		return nil
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".lua") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// corpus is every Lua file of the repository and, when present, the real
// game trees (not in CI).
func corpus(t testing.TB) []string {
	files := luaFiles(t, "../../..")
	for _, real := range []string{"/tmp/real/sm", "/tmp/real/ja3"} {
		fs := luaFiles(t, real)
		if fs == nil {
			t.Logf("%s absent: skipped", real)
		}
		files = append(files, fs...)
	}
	return files
}

func TestRDParserMatchesOracleOnCorpus(t *testing.T) {
	files := corpus(t)
	bad := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := compareParsers(src, f); err != nil {
			bad++
			if bad <= 5 {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	t.Logf("%d files compared, %d differ", len(files), bad)
}

// mutate returns src with a few random edits: bytes cut, tokens inserted,
// the text truncated. Most results are syntax errors, to compare messages.
func mutate(r *rand.Rand, src []byte) []byte {
	pieces := []string{"(", ")", "{", "}", "[", "]", "=", ",", ";", ".", ":", "::", "..", "...", "end", "do", "then", "if", "else", "elseif", "local", "function", "return", "break", "goto", "x", "f()", "1", "'s'", "not", "-", "~", "#", "+", "^", "//", "<<", "and", "or", "for", "in", "while", "repeat", "until", "\n", " "}
	out := append([]byte(nil), src...)
	for n := 1 + r.Intn(3); n > 0; n-- {
		if len(out) == 0 {
			break
		}
		i := r.Intn(len(out))
		switch r.Intn(4) {
		case 0:
			j := min(len(out), i+1+r.Intn(8))
			out = append(out[:i:i], out[j:]...)
		case 1, 2:
			p := pieces[r.Intn(len(pieces))]
			out = append(out[:i:i], append([]byte(" "+p+" "), out[i:]...)...)
		case 3:
			out = out[:i]
		}
	}
	return out
}

func TestRDParserMatchesOracleOnMutations(t *testing.T) {
	files := corpus(t)
	r := rand.New(rand.NewSource(22))
	n := 4000
	if v, err := strconv.Atoi(os.Getenv("RDPARSER_MUTATIONS")); err == nil {
		n = v
		r.Seed(int64(v))
	}
	if testing.Short() {
		n = 500
	}
	bad := 0
	for i := 0; i < n && len(files) > 0; i++ {
		f := files[r.Intn(len(files))]
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(src) > 20000 {
			start := r.Intn(len(src) - 20000)
			src = src[start : start+20000]
		}
		m := mutate(r, src)
		if err := compareParsers(m, "m.lua"); err != nil {
			bad++
			if bad <= 5 {
				os.WriteFile(fmt.Sprintf("/tmp/perf/mut%d.lua", bad), m, 0o644)
				t.Errorf("mutation %d of %s: %v", i, f, err)
			}
		}
	}
}

func TestRDParserMatchesOracleOnSnippets(t *testing.T) {
	for _, src := range rdSnippets {
		if err := compareParsers([]byte(src), "t"); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

var rdSnippets = []string{
	"f()\n(g)()", "f(1)\n(g)()", "f{}\n(g)()", "f()(g)()", "x = (f)\n(g)", "x y", "f() = 1", "x", "x.y",
	"local x = 1 +", "return 1 2", "a.b:c = 1", "f(", "(f())", "((f))", "((f()))", "(f()).x = 1", "(f())()",
	"x = 1 x = 2 ;;", "return;", "return;;", "return; x = 1", "for a.b = 1,2 do end", "break", "break x = 1",
	"x = { a = 1, [2] = 3; 4, }", "x = {a}", "x = {a.b, a[1], a(), a:b(), a + 1, a == b .. c}", "x = {,}", "x = {1 2}",
	"goto", "::a", "::a::", "goto a", "local function", "local function f() end", "function a.b:c.d() end",
	"function a.b.c:d(x, y, ...) return ... end", "x = function(...) end", "x = function(a,) end", "x = function(1) end",
	"x = ~ ~1", "x = 1 ~= 2", "x = a..b..c", "x = 2^-3^2", "x = -2^2", "x = not a == b", "x = a or b and c or d",
	"x = 1 + 2 * 3 - 4 / 5 // 6 % 7", "x = a | b ~ c & d << e >> f .. g", "x = a .. b + c .. d", "x = -x^y^z",
	"x = #t + 1", "x = (...)", "x = ...", "x = (a)", "(a) = 1", "(a).b = 1", "a, (b) = 1", "a, f() = 1", "a, b c",
	"a, b = 1, 2, 3", "local a, b", "local a, b = 1", "local a = ", "if x then elseif y then else end end",
	"if x then elseif y then elseif z then end", "if x then else end", "if x then end", "while x do end",
	"repeat until x", "repeat x = 1 until\nx", "do end", "for i = 1, 2 do end", "for i = 1, 2, 3 do end",
	"for k, v in pairs(t) do end", "for k in a, b, c do end", "for k, v = 1, 2 do end", "'a'", "x = 'abc",
	"x = #", "f 'x' 'y' {z}", "a:b 'x'", "a:b {1}", "a:b", "a.b.c.d = 1", "a[b][c] = d", "f()[1] = 2",
	"f():g().h = 1", "x = a\n.b", "x = f\n'a'", "return f()", "return (f())", "return ...", "return (...)",
	"", ";", ";;;", "\n\n", "-- c\n", "x = [[a\nb]]", "x = [==[a]]b]==]", "x = 0x10 + 1e3 + .5 + 3.",
	"x = 1 y = 2", "f() g()", "x = a.b:c(1)(2)[3]", "x = {[1]=2, [3]=4;}", "x = {f = function() end}",
	"x = {...}", "x = {a = b, c}", "x = {a = }", "x = {[1]}", "x = {[1] = }", "x = {a b}", "local function f.x() end",
	"function f:g() end", "function f:g:h() end", "function () end", "x = function() return end",
	"x = function() return; end", "x = function() return 1; end", "return return", "break break", "::a:: ::b:: goto a",
	"x = a and\nb", "x = a\nand b", "if a then return end", "while true do break end", "until x", "end", "else", "elseif",
	"x = {} {}", "x = f{}{}", "x = 1 .. 2", "x = a < b < c", "x = a == b ~= c", "x = - - 1", "x = not not nil",
	"x = ~a ~ ~b", "x = a // b // c", "x = a ^ b ^ c ^ d", "x = a .. b .. c .. d .. e", "x = (a .. b) .. c",
	"x = f(a, b, ...)", "x = f(a, )", "x = f(, a)", "x = f(a b)", "x = a.1", "x = a:1()", "x = a:b.c()",
	"x.y:z = 1", "x = {1,,2}", "x = {1;,;}", "x = {1,,}", "x = 1\n(f)()", "local x <const> = 1", "x = \"\\x41\\z  \\u{48}\"", "x = '\\q'",
}

// FuzzRDParser checks that both parsers agree on any input.
func FuzzRDParser(f *testing.F) {
	for _, s := range rdSnippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := compareParsers(src, "f.lua"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRDParserDepthLimit(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		wantErr string // "" when the source parses
	}{
		{"parentheses past the limit", "x = " + strings.Repeat("(", 1e6) + "1" + strings.Repeat(")", 1e6), "line:1(column:1004) near '(':   syntax nested deeper than 1000 levels"},
		{"tables past the limit", "x = " + strings.Repeat("{", 5000) + strings.Repeat("}", 5000), "syntax nested deeper than 1000 levels"},
		{"blocks past the limit", strings.Repeat("do ", 5000) + strings.Repeat("end ", 5000), "syntax nested deeper than 1000 levels"},
		{"functions past the limit", "x = " + strings.Repeat("function() return ", 2000) + "1" + strings.Repeat(" end", 2000), "syntax nested deeper than 1000 levels"},
		{"parentheses within the limit", "x = " + strings.Repeat("(", 900) + "1" + strings.Repeat(")", 900), ""},
		{"a long not chain needs no nesting", "x = " + strings.Repeat("not ", 1e5) + "1", ""},
		{"a long unary minus chain needs no nesting", "x = " + strings.Repeat("- ", 1e5) + "1", ""},
		{"a long concatenation needs no nesting", "x = 'a'" + strings.Repeat(" .. 'a'", 1e5), ""},
		{"a long power chain needs no nesting", "x = 2" + strings.Repeat(" ^ 2", 1e5), ""},
		{"a long call chain needs no nesting", "x = f" + strings.Repeat("()", 1e5), ""},
		{"a long elseif chain needs no nesting", "if x then " + strings.Repeat("elseif x then ", 1e5) + "end", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.src), "deep.lua")
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestRDParserReadsAnyReader parses through readers that return one byte or
// half of what was asked at a time: names, strings and numbers then cross
// the scanner's buffer boundaries everywhere.
func TestRDParserReadsAnyReader(t *testing.T) {
	files := corpus(t)
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 60 && len(files) > 0; i++ {
		f := files[r.Intn(len(files))]
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := oracleParse(bytes.NewReader(src), f)
		for _, rd := range []io.Reader{iotest.OneByteReader(bytes.NewReader(src)), iotest.HalfReader(bytes.NewReader(src)), iotest.DataErrReader(bytes.NewReader(src))} {
			got, gerr := Parse(rd, f)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) || !reflect.DeepEqual(want, got) {
				t.Fatalf("%s through %T: trees or errors differ (%v / %v)", f, rd, werr, gerr)
			}
		}
	}
}
