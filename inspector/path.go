package inspector

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// MetaToken is the path token that descends into a value's metatable. It
// also appears as the Key of the metatable child node in a page.
const MetaToken = "<metatable>"

// ErrNotFound reports a path that does not lead to a value.
var ErrNotFound = errors.New("inspector: no such path")

// ErrBadToken reports a key token or path that cannot be parsed.
var ErrBadToken = errors.New("inspector: bad key token")

// Path addresses a value below a root table as a list of key tokens (see
// the package documentation for the token syntax). The empty path is the
// root itself.
type Path []string

// String returns FormatPath(p).
func (p Path) String() string { return FormatPath(p) }

// Child returns a copy of p extended by tok.
func (p Path) Child(tok string) Path {
	q := make(Path, len(p)+1)
	copy(q, p)
	q[len(p)] = tok
	return q
}

// KeyKind is the kind of a parsed key token.
type KeyKind uint8

// Key token kinds.
const (
	KeyString KeyKind = iota // a string key: Foo or ["odd key"]
	KeyNumber                // a number key: [1]
	KeyBool                  // a boolean key: [true]
	KeyMeta                  // the <metatable> token
	KeyRef                   // a reference key (table, function...) by address: [table: 0x...]
)

// Key is a parsed key token.
type Key struct {
	Kind KeyKind
	Str  string  // KeyString: the string; KeyRef: e.g. "table: 0xc000123456"
	Num  float64 // KeyNumber
	Bool bool    // KeyBool
}

// Token formats k back into its canonical token.
func (k Key) Token() string {
	switch k.Kind {
	case KeyString:
		return stringToken(k.Str)
	case KeyNumber:
		return "[" + formatNumber(k.Num) + "]"
	case KeyBool:
		return "[" + strconv.FormatBool(k.Bool) + "]"
	case KeyMeta:
		return MetaToken
	default:
		return "[" + k.Str + "]"
	}
}

// LValue returns the Lua key k stands for, or nil for KeyMeta and KeyRef
// (which cannot be built from text).
func (k Key) LValue() lua.LValue {
	switch k.Kind {
	case KeyString:
		return lua.LString(k.Str)
	case KeyNumber:
		return lua.LNumber(k.Num)
	case KeyBool:
		return lua.LBool(k.Bool)
	}
	return nil
}

// ParseKeyToken parses one key token: an identifier (a bare Lua reserved
// word is accepted too), [number], ["quoted string"], [true]/[false],
// <metatable> or [type: 0xaddress].
func ParseKeyToken(tok string) (Key, error) {
	switch {
	case tok == MetaToken:
		return Key{Kind: KeyMeta}, nil
	case isIdent(tok):
		return Key{Kind: KeyString, Str: tok}, nil
	case len(tok) >= 2 && tok[0] == '[' && tok[len(tok)-1] == ']':
		return parseBracket(tok[1 : len(tok)-1])
	}
	return Key{}, fmt.Errorf("%w: %q", ErrBadToken, tok)
}

func parseBracket(in string) (Key, error) {
	switch {
	case in == "":
	case in[0] == '"':
		s, err := strconv.Unquote(in)
		if err != nil {
			break
		}
		return Key{Kind: KeyString, Str: s}, nil
	case in == "true" || in == "false":
		return Key{Kind: KeyBool, Bool: in == "true"}, nil
	case strings.Contains(in, ": 0x"):
		return Key{Kind: KeyRef, Str: in}, nil
	default:
		f, err := strconv.ParseFloat(in, 64)
		if err != nil || math.IsNaN(f) {
			break
		}
		return Key{Kind: KeyNumber, Num: f}, nil
	}
	return Key{}, fmt.Errorf("%w: [%s]", ErrBadToken, in)
}

// KeyToken returns the token for a Lua key.
func KeyToken(k lua.LValue) string {
	switch v := k.(type) {
	case lua.LString:
		return stringToken(string(v))
	case lua.LNumber:
		return "[" + formatNumber(float64(v)) + "]"
	case lua.LBool:
		if v {
			return "[true]"
		}
		return "[false]"
	case nil:
		return "[nil]"
	}
	return "[" + k.String() + "]"
}

func stringToken(s string) string {
	if isIdent(s) && !isReserved(s) {
		return s
	}
	return "[" + strconv.Quote(s) + "]"
}

func isReserved(s string) bool {
	switch s {
	case "and", "break", "do", "else", "elseif", "end", "false", "for",
		"function", "goto", "if", "in", "local", "nil", "not", "or",
		"repeat", "return", "then", "true", "until", "while":
		return true
	}
	return false
}

// identChar classifies bytes: 1 may start an identifier, 2 may continue one.
var identChar = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			t[c] = 3
		case c >= '0' && c <= '9':
			t[c] = 2
		}
	}
	return t
}()

func isIdent(s string) bool {
	if s == "" || identChar[s[0]]&1 == 0 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if identChar[s[i]] == 0 {
			return false
		}
	}
	return true
}

// formatNumber formats a number the way gopher-lua's tostring does.
func formatNumber(f float64) string {
	if float64(int64(f)) == f {
		return strconv.FormatInt(int64(f), 10)
	}
	return lua.LNumber(f).String()
}

// FormatPath joins tokens into the canonical text form, e.g.
// Foo.bar[1]["odd key"].<metatable>.__index. The empty path formats as "".
func FormatPath(p Path) string {
	switch len(p) {
	case 0:
		return ""
	case 1:
		return p[0]
	}
	var b strings.Builder
	for i, tok := range p {
		if i > 0 && !strings.HasPrefix(tok, "[") {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// ParsePath parses the canonical text form written by FormatPath.
func ParsePath(s string) (Path, error) {
	var p Path
	i := 0
	for i < len(s) {
		if s[i] == '.' {
			if len(p) == 0 && i > 0 || i+1 >= len(s) || s[i+1] == '.' {
				return nil, fmt.Errorf("%w: path %q", ErrBadToken, s)
			}
			i++
		}
		switch {
		case strings.HasPrefix(s[i:], MetaToken):
			p = append(p, MetaToken)
			i += len(MetaToken)
		case s[i] == '[':
			j, err := bracketEnd(s, i)
			if err != nil {
				return nil, err
			}
			if _, err := ParseKeyToken(s[i:j]); err != nil {
				return nil, err
			}
			p = append(p, canonicalToken(s[i:j]))
			i = j
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if !isIdent(s[i:j]) {
				return nil, fmt.Errorf("%w: %q in path %q", ErrBadToken, s[i:j], s)
			}
			p = append(p, s[i:j])
			i = j
		}
		if i < len(s) && s[i] != '.' && s[i] != '[' {
			return nil, fmt.Errorf("%w: path %q at %d", ErrBadToken, s, i)
		}
	}
	return p, nil
}

// canonicalToken rewrites a valid token into its canonical form (["Foo"]
// becomes Foo, [1.0] becomes [1]).
func canonicalToken(tok string) string {
	k, err := ParseKeyToken(tok)
	if err != nil {
		return tok
	}
	return k.Token()
}

// bracketEnd returns the index just past the ']' closing the bracket token
// that starts at s[i] == '['.
func bracketEnd(s string, i int) (int, error) {
	j := i + 1
	if j < len(s) && s[j] == '"' {
		j++
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		j++ // closing quote
		if j >= len(s) || s[j] != ']' {
			return 0, fmt.Errorf("%w: unterminated bracket in %q", ErrBadToken, s)
		}
		return j + 1, nil
	}
	k := strings.IndexByte(s[j:], ']')
	if k < 0 {
		return 0, fmt.Errorf("%w: unterminated bracket in %q", ErrBadToken, s)
	}
	return j + k + 1, nil
}

// ParseDotted parses the loose CLI form a.b.c against root: each dotted part
// is a string key, or a number key when it is numeric and the table reached
// so far has no such string key; a part <metatable> descends into the
// metatable. Text containing '[' or '"' is parsed with ParsePath instead.
// Missing keys are not an error here (Page or Resolve report them).
func ParseDotted(root *lua.LTable, s string) (Path, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Path{}, nil
	}
	if strings.ContainsAny(s, `["`) {
		return ParsePath(s)
	}
	parts := strings.Split(s, ".")
	p := make(Path, 0, len(parts))
	var cur lua.LValue = root
	for _, part := range parts {
		if part == "" {
			return nil, fmt.Errorf("%w: empty part in %q", ErrBadToken, s)
		}
		var k Key
		switch {
		case part == MetaToken:
			k = Key{Kind: KeyMeta}
		default:
			k = Key{Kind: KeyString, Str: part}
			if f, ok := numericPart(part); ok {
				tb, ok := cur.(*lua.LTable)
				if !ok || tb.RawGetString(part) == lua.LNil {
					k = Key{Kind: KeyNumber, Num: f}
				}
			}
		}
		p = append(p, k.Token())
		if cur != nil {
			next, ok := childOf(cur, k)
			if ok {
				cur = next
			} else {
				cur = nil
			}
		}
	}
	return p, nil
}

// numericPart parses a dotted part that looks like a number (a digit, or a
// sign or dot followed by a digit, first), so that words like "inf" stay
// strings.
func numericPart(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
	}
	if i >= len(s) || s[i] < '0' || s[i] > '9' {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Resolve returns the value at p below root, without invoking metamethods.
func Resolve(root *lua.LTable, p Path) (lua.LValue, error) {
	if root == nil {
		return lua.LNil, fmt.Errorf("%w: nil root", ErrNotFound)
	}
	var cur lua.LValue = root
	for i, tok := range p {
		k, err := ParseKeyToken(tok)
		if err != nil {
			return lua.LNil, err
		}
		next, ok := childOf(cur, k)
		if !ok {
			return lua.LNil, fmt.Errorf("%w: %s", ErrNotFound, FormatPath(p[:i+1]))
		}
		cur = next
	}
	return cur, nil
}

// childOf looks k up in cur (raw access only).
func childOf(cur lua.LValue, k Key) (lua.LValue, bool) {
	if k.Kind == KeyMeta {
		mt := rawMeta(cur)
		return mt, mt != lua.LNil
	}
	tb, ok := cur.(*lua.LTable)
	if !ok {
		return lua.LNil, false
	}
	var v lua.LValue = lua.LNil
	switch k.Kind {
	case KeyString:
		v = tb.RawGetString(k.Str)
	case KeyNumber:
		v = tb.RawGet(lua.LNumber(k.Num))
	case KeyBool:
		v = tb.RawGetH(lua.LBool(k.Bool))
	case KeyRef:
		tb.ForEach(func(key, val lua.LValue) {
			switch key.(type) {
			case lua.LString, lua.LNumber, lua.LBool:
				return
			}
			if v == lua.LNil && key.String() == k.Str {
				v = val
			}
		})
	}
	if v == nil {
		v = lua.LNil
	}
	return v, v != lua.LNil
}

// rawMeta returns the metatable of a table or userdata (LNil otherwise). It
// reads the field directly, so __metatable is not honoured.
func rawMeta(v lua.LValue) lua.LValue {
	var mt lua.LValue
	switch x := v.(type) {
	case *lua.LTable:
		mt = x.Metatable
	case *lua.LUserData:
		mt = x.Metatable
	}
	if mt == nil {
		return lua.LNil
	}
	return mt
}
