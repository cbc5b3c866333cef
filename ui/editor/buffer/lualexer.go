package buffer

import (
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// The highlighter lexes with chroma's Lua lexer (lexers.Get("lua")), adapted
// so that it can restart at a line start and its result for a line never
// depends on text further down:
//
//   - long comments and long strings (--[==[ ... ]==], [[ ... ]]) are lexed by
//     states, one line at a time, instead of a single regular expression
//     that looks ahead for the closing bracket (so an unclosed "--[[" turns
//     the rest of the file into a comment, as in Lua, rather than changing
//     its mind when a "]]" appears 300 lines below);
//   - a quoted string ends at the line end unless the line break is escaped,
//     as in Lua (the stock rules let an unclosed quote swallow the file up to
//     the next quote);
//   - "function a.b" looks for the "." on the same line only.
//
// Every rule's tokens are bracketed by two marker tokens, the second naming
// the lexer's state stack after the rule, which is how the highlighter knows
// the state at each line start (see Highlighter).
//
// If the stock rules ever change shape so that these adaptations cannot be
// applied, the stock lexer is used as is and the highlighter re-lexes the
// whole text on every change (correct, slower).

const (
	markBegin chroma.TokenType = -7301 - iota
	markEnd
)

// maxLongLevel is the deepest long bracket ("[" + "="*n + "[") lexed line by
// line; deeper ones (never seen in practice) fall back to one expression.
const maxLongLevel = 16

var (
	lexOnce        sync.Once
	lexShared      chroma.Lexer
	lexIncremental bool
)

// luaLexer returns the adapted lexer and whether the adaptation (and so
// incremental re-lexing) is in effect.
func luaLexer() (chroma.Lexer, bool) {
	lexOnce.Do(func() {
		lexShared, lexIncremental = buildLexer()
	})
	return lexShared, lexIncremental
}

func buildLexer() (chroma.Lexer, bool) {
	stock := lexers.Get("lua")
	rl, ok := stock.(*chroma.RegexLexer)
	if !ok || stock.Config().Name != "Lua" {
		return stock, false
	}
	src, err := rl.Rules()
	if err != nil {
		return stock, false
	}
	rules := src.Clone()
	const (
		fixLongComment = 1 << iota
		fixLongString
		fixDQS
		fixSQS
		fixFuncName
		fixAll = 1<<iota - 1
	)
	fixed := 0
	for state, rs := range rules {
		var out []chroma.Rule
		for _, r := range rs {
			switch {
			case strings.HasPrefix(r.Pattern, `(?:--\[(=*)\[`) && strings.Contains(r.Pattern, `[\w\W]*?`):
				out = append(out,
					chroma.Rule{Pattern: `--\[(={0,` + strconv.Itoa(maxLongLevel) + `})\[`, Type: r.Type, Mutator: pushLong("longcomment")},
					chroma.Rule{Pattern: `--\[(={` + strconv.Itoa(maxLongLevel+1) + `,})\[[\w\W]*?\]\1\]`, Type: r.Type})
				fixed |= fixLongComment
				continue
			case strings.HasPrefix(r.Pattern, `(?s)\[(=*)\[`):
				out = append(out,
					chroma.Rule{Pattern: `\[(={0,` + strconv.Itoa(maxLongLevel) + `})\[`, Type: r.Type, Mutator: pushLong("longstring")},
					chroma.Rule{Pattern: `(?s)\[(={` + strconv.Itoa(maxLongLevel+1) + `,})\[.*?\]\1\]`, Type: r.Type})
				fixed |= fixLongString
				continue
			case r.Pattern == `[^\\"]+`:
				r.Pattern = `[^\\"\n]+`
				fixed |= fixDQS
			case r.Pattern == `[^\\']+`:
				r.Pattern = `[^\\'\n]+`
				fixed |= fixSQS
			case state == "funcname" && strings.HasPrefix(r.Pattern, `(?:[^\W\d]\w*)(?=`):
				r.Pattern = `(?:[^\W\d]\w*)(?=[ \t]*[.:])`
				fixed |= fixFuncName
			}
			out = append(out, r)
		}
		rules[state] = out
	}
	if fixed != fixAll {
		return stock, false
	}
	for n := 0; n <= maxLongLevel; n++ {
		closer := `\]` + strings.Repeat("=", n) + `\]`
		rules["longcomment"+strconv.Itoa(n)] = longRules(closer, chroma.CommentMultiline)
		rules["longstring"+strconv.Itoa(n)] = longRules(closer, chroma.LiteralString)
	}
	for state, rs := range rules {
		for i := range rs {
			if rs[i].Type != nil {
				rs[i].Type = markEmitter{rs[i].Type}
			}
		}
		rules[state] = rs
	}
	cfg := *stock.Config()
	lx, err := chroma.NewLexer(&cfg, func() chroma.Rules { return rules })
	if err != nil {
		return stock, false
	}
	// compile now: a broken adaptation falls back rather than failing later
	if _, err := lx.Tokenise(nil, "local x = [[a\n]] --[==[b\n]==] 'c'\n"); err != nil {
		return stock, false
	}
	return lx, true
}

// longRules lexes the inside of a long bracket up to closer, line by line.
func longRules(closer string, t chroma.TokenType) []chroma.Rule {
	return []chroma.Rule{
		{Pattern: closer, Type: t, Mutator: chroma.Pop(1)},
		{Pattern: `[^\]\n]+`, Type: t},
		{Pattern: `\n`, Type: t},
		{Pattern: `\]`, Type: t},
	}
}

// pushLong pushes the state for the level of the long bracket just opened
// (the first group holds its "="s).
func pushLong(prefix string) chroma.Mutator {
	return chroma.MutatorFunc(func(st *chroma.LexerState) error {
		n := 0
		if len(st.Groups) > 1 {
			n = len(st.Groups[1])
		}
		st.Stack = append(st.Stack, prefix+strconv.Itoa(n))
		return nil
	})
}

// markEmitter brackets a rule's tokens with markBegin and markEnd, the
// latter carrying the state stack after the rule (see stackKey).
type markEmitter struct{ inner chroma.Emitter }

func (m markEmitter) Emit(groups []string, st *chroma.LexerState) chroma.Iterator {
	key := stackKey(st.Stack)
	it := m.inner.Emit(groups, st)
	phase := 0
	return func() chroma.Token {
		switch phase {
		case 0:
			phase = 1
			return chroma.Token{Type: markBegin}
		case 1:
			if t := it(); t != chroma.EOF {
				return t
			}
			phase = 2
			return chroma.Token{Type: markEnd, Value: key}
		}
		return chroma.EOF
	}
}

// stackKey names a state stack; the lexer's "root" state only pushes "base"
// (and matches a "#!" line first), so [root base ...] and [base ...] lex the
// same and share a key, "base" being the state a restart begins in.
func stackKey(stack []string) string {
	if len(stack) > 0 && stack[0] == "root" {
		stack = stack[1:]
	}
	switch len(stack) {
	case 0:
		return "base"
	case 1:
		return stack[0]
	}
	return strings.Join(stack, "/")
}
