package parse

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/yuin/gopher-lua/ast"
)

const EOF = -1
const whitespace1 = 1<<'\t' | 1<<' '
const whitespace2 = 1<<'\t' | 1<<'\n' | 1<<'\r' | 1<<' '

type Error struct {
	Pos     ast.Position
	Message string
	Token   string
}

func (e *Error) Error() string {
	pos := e.Pos
	if pos.Line == EOF {
		return fmt.Sprintf("%v at EOF:   %s\n", pos.Source, e.Message)
	} else {
		return fmt.Sprintf("%v line:%d(column:%d) near '%v':   %s\n", pos.Source, pos.Line, pos.Column, e.Token, e.Message)
	}
}

func writeChar(buf *bytes.Buffer, c int) { buf.WriteByte(byte(c)) }

func isDecimal(ch int) bool { return '0' <= ch && ch <= '9' }

// hexValue is the value of the hexadecimal digit ch (modscope).
func hexValue(ch int) int {
	switch {
	case '0' <= ch && ch <= '9':
		return ch - '0'
	case 'a' <= ch && ch <= 'f':
		return ch - 'a' + 10
	default:
		return ch - 'A' + 10
	}
}

// writeUTF8 writes x in UTF-8, in up to six bytes for values up to
// 0x7FFFFFFF, as Lua 5.3's \u{XXX} escape does (modscope).
func writeUTF8(buf *bytes.Buffer, x uint32) {
	if x < 0x80 {
		buf.WriteByte(byte(x))
		return
	}
	var tmp [8]byte
	n := 0
	mfb := uint32(0x3f)
	for {
		tmp[7-n] = byte(0x80 | (x & 0x3f))
		n++
		x >>= 6
		mfb >>= 1
		if x <= mfb {
			break
		}
	}
	tmp[7-n] = byte((^mfb << 1) | x)
	n++
	buf.Write(tmp[8-n:])
}

func isIdent(ch int, pos int) bool {
	return ch == '_' || 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || isDecimal(ch) && pos > 0
}

func isDigit(ch int) bool {
	return '0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F'
}

type Scanner struct {
	Pos    ast.Position
	reader byteReader
	// modscope: one token buffer for the whole scan (it was one per token)
	// and the identifiers seen so far (each name's string made once).
	buf    bytes.Buffer
	idents map[string]internEntry
}

// internEntry is an interned identifier and its token type (TIdent or a
// reserved word's).
type internEntry struct {
	str string
	typ int
}

// intern returns b as a string, one string per distinct identifier, with
// its token type (modscope: one map look-up per name; reserved words used to
// take a second one).
func (sc *Scanner) intern(b []byte) (string, int) {
	if e, ok := sc.idents[string(b)]; ok {
		return e.str, e.typ
	}
	if sc.idents == nil {
		if m, ok := scanPool.idents.Get().(map[string]internEntry); ok {
			sc.idents = m
		} else {
			sc.idents = make(map[string]internEntry, 256)
		}
	}
	s := string(b)
	typ := TIdent
	if t, ok := reservedWords[s]; ok {
		typ = t
	}
	sc.idents[s] = internEntry{s, typ}
	return s, typ
}

// scanPool keeps the intern maps and input buffers of finished scans for
// the next ones (modscope: a cold load scans a thousand files).
var scanPool struct {
	idents sync.Pool // map[string]internEntry, cleared
	bufs   sync.Pool // *[]byte, 4 KB
}

// release hands the scanner's map and buffer to the next scan; the scanner
// must not be used after.
func (sc *Scanner) release() {
	if m := sc.idents; m != nil && len(m) <= 1<<14 {
		clear(m)
		scanPool.idents.Put(m)
	}
	sc.idents = nil
	if b := sc.reader.buf; b != nil {
		scanPool.bufs.Put(&b)
	}
	sc.reader = byteReader{}
}

// oneCharStrings holds the one-byte token texts, so that scanning an
// operator allocates nothing (modscope).
var oneCharStrings = func() (t [128]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return
}()

func oneChar(ch int) string {
	if ch >= 0 && ch < len(oneCharStrings) {
		return oneCharStrings[ch]
	}
	return string(rune(ch))
}

func NewScanner(reader io.Reader, source string) *Scanner {
	return &Scanner{
		Pos: ast.Position{
			Source: source,
			Line:   1,
			Column: 0,
		},
		reader: byteReader{r: reader},
	}
}

// byteReader is the scanner's input buffer (modscope: it replaces a
// bufio.Reader, whose ReadByte/UnreadByte pair per peeked byte cost about a
// tenth of the parse). Like bufio's ReadByte, a read error other than EOF
// reads as a zero byte and the next read tries again.
type byteReader struct {
	r        io.Reader
	buf      []byte
	pos, end int
	err      error // an error returned with data, reported once that data is read
}

// fill reads more input; it returns the error that left the buffer empty.
func (b *byteReader) fill() error {
	if b.err != nil {
		err := b.err
		b.err = nil
		return err
	}
	if b.buf == nil {
		if p, ok := scanPool.bufs.Get().(*[]byte); ok {
			b.buf = *p
		} else {
			b.buf = make([]byte, 4096)
		}
	}
	for i := 0; i < 100; i++ {
		n, err := b.r.Read(b.buf)
		if n > 0 {
			b.pos, b.end, b.err = 0, n, err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// readByte returns the next byte, EOF or a zero byte on a read error.
func (b *byteReader) readByte() int {
	if b.pos < b.end {
		c := b.buf[b.pos]
		b.pos++
		return int(c)
	}
	return b.readSlow()
}

func (b *byteReader) readSlow() int {
	if err := b.fill(); err != nil {
		if err == io.EOF {
			return EOF
		}
		return 0
	}
	c := b.buf[b.pos]
	b.pos++
	return int(c)
}

// peekByte is readByte without consuming the byte.
func (b *byteReader) peekByte() int {
	if b.pos < b.end {
		return int(b.buf[b.pos])
	}
	if err := b.fill(); err != nil {
		if err == io.EOF {
			return EOF
		}
		return 0
	}
	return int(b.buf[b.pos])
}

func (sc *Scanner) Error(tok string, msg string) *Error { return &Error{sc.Pos, msg, tok} }

func (sc *Scanner) TokenError(tok ast.Token, msg string) *Error { return &Error{tok.Pos, msg, tok.Str} }

func (sc *Scanner) readNext() int {
	return sc.reader.readByte()
}

func (sc *Scanner) Newline(ch int) {
	if ch < 0 {
		return
	}
	sc.Pos.Line += 1
	sc.Pos.Column = 0
	next := sc.Peek()
	if ch == '\n' && next == '\r' || ch == '\r' && next == '\n' {
		sc.reader.readByte()
	}
}

func (sc *Scanner) Next() int {
	ch := sc.readNext()
	switch ch {
	case '\n', '\r':
		sc.Newline(ch)
		ch = int('\n')
	case EOF:
		sc.Pos.Line = EOF
		sc.Pos.Column = 0
	default:
		sc.Pos.Column++
	}
	return ch
}

func (sc *Scanner) Peek() int {
	return sc.reader.peekByte()
}

func (sc *Scanner) skipWhiteSpace(whitespace int64) int {
	ch := sc.Next()
	for ; whitespace&(1<<uint(ch)) != 0; ch = sc.Next() {
	}
	return ch
}

func (sc *Scanner) skipComments(ch int) error {
	// multiline comment
	if sc.Peek() == '[' {
		ch = sc.Next()
		if sc.Peek() == '[' || sc.Peek() == '=' {
			var buf bytes.Buffer
			if err := sc.scanMultilineString(sc.Next(), &buf); err != nil {
				return sc.Error(buf.String(), "invalid multiline comment")
			}
			return nil
		}
	}
	for {
		if ch == '\n' || ch == '\r' || ch < 0 {
			break
		}
		// modscope: skip to the end of the line within the input buffer
		r := &sc.reader
		i := r.pos
		for i < r.end && r.buf[i] != '\n' && r.buf[i] != '\r' {
			i++
		}
		sc.Pos.Column += i - r.pos
		r.pos = i
		ch = sc.Next()
	}
	return nil
}

func (sc *Scanner) scanIdent(ch int, buf *bytes.Buffer) error {
	writeChar(buf, ch)
	for isIdent(sc.Peek(), 1) {
		writeChar(buf, sc.Next())
	}
	return nil
}

func (sc *Scanner) scanDecimal(ch int, buf *bytes.Buffer) error {
	writeChar(buf, ch)
	for isDecimal(sc.Peek()) {
		writeChar(buf, sc.Next())
	}
	return nil
}

func (sc *Scanner) scanNumber(ch int, buf *bytes.Buffer) error {
	if ch == '0' { // octal
		if sc.Peek() == 'x' || sc.Peek() == 'X' {
			writeChar(buf, ch)
			writeChar(buf, sc.Next())
			hasvalue := false
			for isDigit(sc.Peek()) {
				writeChar(buf, sc.Next())
				hasvalue = true
			}
			// modscope (Lua 5.2+): hexadecimal fractions and binary exponents, 0xA.8p1
			if sc.Peek() == '.' {
				writeChar(buf, sc.Next())
				for isDigit(sc.Peek()) {
					writeChar(buf, sc.Next())
					hasvalue = true
				}
			}
			if !hasvalue {
				return sc.Error(buf.String(), "illegal hexadecimal number")
			}
			if c := sc.Peek(); c == 'p' || c == 'P' {
				writeChar(buf, sc.Next())
				if c = sc.Peek(); c == '-' || c == '+' {
					writeChar(buf, sc.Next())
				}
				if !isDecimal(sc.Peek()) {
					return sc.Error(buf.String(), "malformed number")
				}
				for isDecimal(sc.Peek()) {
					writeChar(buf, sc.Next())
				}
			}
			return nil
		} else if sc.Peek() != '.' && isDecimal(sc.Peek()) {
			ch = sc.Next()
		}
	}
	sc.scanDecimal(ch, buf)
	if sc.Peek() == '.' {
		sc.scanDecimal(sc.Next(), buf)
	}
	if ch = sc.Peek(); ch == 'e' || ch == 'E' {
		writeChar(buf, sc.Next())
		if ch = sc.Peek(); ch == '-' || ch == '+' {
			writeChar(buf, sc.Next())
		}
		sc.scanDecimal(sc.Next(), buf)
	}

	return nil
}

// quickString reads a quoted string that ends inside the input buffer and
// holds no escape or line break, straight from the buffer; short ones are
// interned (modscope: data files repeat their strings). It reads nothing
// and returns false for any other string, which scanString then reads.
func (sc *Scanner) quickString(quote int) (string, bool) {
	r := &sc.reader
	for i := r.pos; i < r.end; i++ {
		switch c := r.buf[i]; {
		case int(c) == quote:
			b := r.buf[r.pos:i]
			var s string
			if len(b) <= 40 {
				s, _ = sc.intern(b)
			} else {
				s = string(b)
			}
			sc.Pos.Column += i - r.pos + 1
			r.pos = i + 1
			return s, true
		case c == '\\' || c == '\n' || c == '\r':
			return "", false
		}
	}
	return "", false
}

func (sc *Scanner) scanString(quote int, buf *bytes.Buffer) error {
	ch := sc.Next()
	for ch != quote {
		if ch == '\n' || ch == '\r' || ch < 0 {
			return sc.Error(buf.String(), "unterminated string")
		}
		if ch == '\\' {
			if err := sc.scanEscape(ch, buf); err != nil {
				return err
			}
		} else {
			writeChar(buf, ch)
		}
		ch = sc.Next()
	}
	return nil
}

func (sc *Scanner) scanEscape(ch int, buf *bytes.Buffer) error {
	ch = sc.Next()
	switch ch {
	case 'a':
		buf.WriteByte('\a')
	case 'b':
		buf.WriteByte('\b')
	case 'f':
		buf.WriteByte('\f')
	case 'n':
		buf.WriteByte('\n')
	case 'r':
		buf.WriteByte('\r')
	case 't':
		buf.WriteByte('\t')
	case 'v':
		buf.WriteByte('\v')
	case '\\':
		buf.WriteByte('\\')
	case '"':
		buf.WriteByte('"')
	case '\'':
		buf.WriteByte('\'')
	case '\n':
		buf.WriteByte('\n')
	case '\r':
		buf.WriteByte('\n')
		sc.Newline('\r')
	case 'x': // modscope (Lua 5.2+): \xXX
		val := 0
		for i := 0; i < 2; i++ {
			c := sc.Peek()
			if !isDigit(c) {
				return sc.Error(buf.String(), "hexadecimal digit expected")
			}
			sc.Next()
			val = val*16 + hexValue(c)
		}
		writeChar(buf, val)
	case 'z': // modscope (Lua 5.2+): \z skips the following white space
		for {
			c := sc.Peek()
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f' {
				break
			}
			sc.Next()
		}
	case 'u': // modscope (Lua 5.3): \u{XXX}
		if sc.Peek() != '{' {
			return sc.Error(buf.String(), "missing '{' in \\u{xxxx}")
		}
		sc.Next()
		val := int64(0)
		digits := 0
		for isDigit(sc.Peek()) {
			val = val*16 + int64(hexValue(sc.Next()))
			digits++
			if val > 0x7FFFFFFF {
				return sc.Error(buf.String(), "UTF-8 value too large")
			}
		}
		if digits == 0 {
			return sc.Error(buf.String(), "hexadecimal digit expected")
		}
		if sc.Peek() != '}' {
			return sc.Error(buf.String(), "missing '}' in \\u{xxxx}")
		}
		sc.Next()
		writeUTF8(buf, uint32(val))
	default:
		if '0' <= ch && ch <= '9' {
			bytes := []byte{byte(ch)}
			for i := 0; i < 2 && isDecimal(sc.Peek()); i++ {
				bytes = append(bytes, byte(sc.Next()))
			}
			val, _ := strconv.ParseInt(string(bytes), 10, 32)
			writeChar(buf, int(val))
		} else {
			writeChar(buf, ch)
		}
	}
	return nil
}

func (sc *Scanner) countSep(ch int) (int, int) {
	count := 0
	for ; ch == '='; count = count + 1 {
		ch = sc.Next()
	}
	return count, ch
}

func (sc *Scanner) scanMultilineString(ch int, buf *bytes.Buffer) error {
	var count1, count2 int
	count1, ch = sc.countSep(ch)
	if ch != '[' {
		return sc.Error(string(rune(ch)), "invalid multiline string")
	}
	ch = sc.Next()
	if ch == '\n' || ch == '\r' {
		ch = sc.Next()
	}
	for {
		if ch < 0 {
			return sc.Error(buf.String(), "unterminated multiline string")
		} else if ch == ']' {
			count2, ch = sc.countSep(sc.Next())
			if count1 == count2 && ch == ']' {
				goto finally
			}
			buf.WriteByte(']')
			buf.WriteString(strings.Repeat("=", count2))
			continue
		}
		writeChar(buf, ch)
		ch = sc.Next()
	}

finally:
	return nil
}

var reservedWords = map[string]int{
	"and": TAnd, "break": TBreak, "do": TDo, "else": TElse, "elseif": TElseIf,
	"end": TEnd, "false": TFalse, "for": TFor, "function": TFunction,
	"if": TIf, "in": TIn, "local": TLocal, "nil": TNil, "not": TNot, "or": TOr,
	"return": TReturn, "repeat": TRepeat, "then": TThen, "true": TTrue,
	"until": TUntil, "while": TWhile, "goto": TGoto}

func (sc *Scanner) Scan(lexer *Lexer) (ast.Token, error) {
	var tok ast.Token
	err := sc.scan(lexer, &tok)
	tok.Name = TokenName(int(tok.Type))
	return tok, err
}

// scan reads the next token into tok (modscope: the parser's path, without
// copying the token or naming its type).
func (sc *Scanner) scan(lexer *Lexer, tok *ast.Token) error {
redo:
	var err error
	*tok = ast.Token{}
	newline := false

	ch := sc.skipWhiteSpace(whitespace1)
	if ch == '\n' || ch == '\r' {
		newline = true
		ch = sc.skipWhiteSpace(whitespace2)
	}

	if ch == '(' && lexer.PrevTokenType == ')' {
		lexer.PNewLine = newline
	} else {
		lexer.PNewLine = false
	}

	buf := &sc.buf
	buf.Reset()
	tok.Pos = sc.Pos

	switch {
	case isIdent(ch, 0):
		tok.Type = TIdent
		// modscope: a name that ends inside the input buffer is interned
		// from the buffer, without copying it byte by byte
		if r := &sc.reader; r.pos > 0 && int(r.buf[r.pos-1]) == ch {
			end := r.pos
			for end < r.end && isIdent(int(r.buf[end]), 1) {
				end++
			}
			if end < r.end {
				tok.Str, tok.Type = sc.intern(r.buf[r.pos-1 : end])
				sc.Pos.Column += end - r.pos
				r.pos = end
				break
			}
		}
		err = sc.scanIdent(ch, buf)
		tok.Str, tok.Type = sc.intern(buf.Bytes())
		if err != nil {
			goto finally
		}
	case isDecimal(ch):
		tok.Type = TNumber
		err = sc.scanNumber(ch, buf)
		tok.Str = buf.String()
	default:
		switch ch {
		case EOF:
			tok.Type = EOF
		case '-':
			if sc.Peek() == '-' {
				err = sc.skipComments(sc.Next())
				if err != nil {
					goto finally
				}
				goto redo
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '"', '\'':
			tok.Type = TString
			if str, ok := sc.quickString(ch); ok {
				tok.Str = str
				break
			}
			err = sc.scanString(ch, buf)
			tok.Str = buf.String()
		case '[':
			if c := sc.Peek(); c == '[' || c == '=' {
				tok.Type = TString
				err = sc.scanMultilineString(sc.Next(), buf)
				tok.Str = buf.String()
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '=':
			if sc.Peek() == '=' {
				tok.Type = TEqeq
				tok.Str = "=="
				sc.Next()
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '~':
			if sc.Peek() == '=' {
				tok.Type = TNeq
				tok.Str = "~="
				sc.Next()
			} else {
				// modscope (Lua 5.3): binary xor and unary bitwise not.
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '<':
			if sc.Peek() == '=' {
				tok.Type = TLte
				tok.Str = "<="
				sc.Next()
			} else if sc.Peek() == '<' { // modscope (Lua 5.3): shift left
				tok.Type = TShl
				tok.Str = "<<"
				sc.Next()
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '>':
			if sc.Peek() == '=' {
				tok.Type = TGte
				tok.Str = ">="
				sc.Next()
			} else if sc.Peek() == '>' { // modscope (Lua 5.3): shift right
				tok.Type = TShr
				tok.Str = ">>"
				sc.Next()
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '.':
			ch2 := sc.Peek()
			switch {
			case isDecimal(ch2):
				tok.Type = TNumber
				err = sc.scanNumber(ch, buf)
				tok.Str = buf.String()
			case ch2 == '.':
				writeChar(buf, ch)
				writeChar(buf, sc.Next())
				if sc.Peek() == '.' {
					writeChar(buf, sc.Next())
					tok.Type = T3Comma
				} else {
					tok.Type = T2Comma
				}
			default:
				tok.Type = '.'
			}
			switch tok.Type { // modscope: constant texts, no allocation
			case T2Comma:
				tok.Str = ".."
			case T3Comma:
				tok.Str = "..."
			case '.':
				tok.Str = "" // as before: a lone '.' has no text
			}
		case ':':
			if sc.Peek() == ':' {
				tok.Type = T2Colon
				tok.Str = "::"
				sc.Next()
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '/':
			if sc.Peek() == '/' { // modscope (Lua 5.3): floor division
				tok.Type = TIDiv
				tok.Str = "//"
				sc.Next()
			} else {
				tok.Type = ch
				tok.Str = oneChar(ch)
			}
		case '+', '*', '%', '^', '#', '(', ')', '{', '}', ']', ';', ',', '&', '|':
			tok.Type = ch
			tok.Str = oneChar(ch)
		default:
			writeChar(buf, ch)
			err = sc.Error(buf.String(), "Invalid token")
			goto finally
		}
	}

finally:
	return err
}

// parser interface {{{

// Lexer is the token state the parser keeps: the current token (named by
// syntax errors) and the previous token's type. (modscope: it was goyacc's
// lexer; the hand-written parser of rdparser.go uses it the same way.)
type Lexer struct {
	scanner       *Scanner
	Stmts         []ast.Stmt
	PNewLine      bool
	Token         ast.Token
	PrevTokenType int
}

func (lx *Lexer) Error(message string) {
	panic(lx.scanner.Error(lx.Token.Str, message))
}

func (lx *Lexer) TokenError(tok ast.Token, message string) {
	panic(lx.scanner.TokenError(tok, message))
}

// Parse parses a Lua chunk. (modscope: with the recursive-descent parser of
// rdparser.go; the goyacc parser it replaced builds the same trees and is
// kept in internal/yaccoracle for the tests.)
func Parse(reader io.Reader, name string) (chunk []ast.Stmt, err error) {
	return parseRD(reader, name)
}

// }}}

// Dump {{{

func isInlineDumpNode(rv reflect.Value) bool {
	switch rv.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Interface, reflect.Ptr:
		return false
	default:
		return true
	}
}

func dump(node interface{}, level int, s string) string {
	rt := reflect.TypeOf(node)
	if fmt.Sprint(rt) == "<nil>" {
		return strings.Repeat(s, level) + "<nil>"
	}

	rv := reflect.ValueOf(node)
	buf := []string{}
	switch rt.Kind() {
	case reflect.Slice:
		if rv.Len() == 0 {
			return strings.Repeat(s, level) + "<empty>"
		}
		for i := 0; i < rv.Len(); i++ {
			buf = append(buf, dump(rv.Index(i).Interface(), level, s))
		}
	case reflect.Ptr:
		vt := rv.Elem()
		tt := rt.Elem()
		indicies := []int{}
		for i := 0; i < tt.NumField(); i++ {
			if strings.Index(tt.Field(i).Name, "Base") > -1 {
				continue
			}
			indicies = append(indicies, i)
		}
		switch {
		case len(indicies) == 0:
			return strings.Repeat(s, level) + "<empty>"
		case len(indicies) == 1 && isInlineDumpNode(vt.Field(indicies[0])):
			for _, i := range indicies {
				buf = append(buf, strings.Repeat(s, level)+"- Node$"+tt.Name()+": "+dump(vt.Field(i).Interface(), 0, s))
			}
		default:
			buf = append(buf, strings.Repeat(s, level)+"- Node$"+tt.Name())
			for _, i := range indicies {
				if isInlineDumpNode(vt.Field(i)) {
					inf := dump(vt.Field(i).Interface(), 0, s)
					buf = append(buf, strings.Repeat(s, level+1)+tt.Field(i).Name+": "+inf)
				} else {
					buf = append(buf, strings.Repeat(s, level+1)+tt.Field(i).Name+": ")
					buf = append(buf, dump(vt.Field(i).Interface(), level+2, s))
				}
			}
		}
	default:
		buf = append(buf, strings.Repeat(s, level)+fmt.Sprint(node))
	}
	return strings.Join(buf, "\n")
}

func Dump(chunk []ast.Stmt) string {
	return dump(chunk, 0, "   ")
}

// }}
