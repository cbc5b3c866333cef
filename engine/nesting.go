package engine

import (
	"regexp"
	"strconv"
)

func syntaxRegexp() *regexp.Regexp {
	return regexp.MustCompile(`(?s)line:(\d+)\(column:\d+\) near '(.*?)':\s*(.*)$`)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// nestingDepth scans Lua source roughly (skipping strings and comments) and
// returns the deepest bracket/block nesting and the line where it occurs, so
// that absurdly nested source is refused before the recursive compiler sees
// it.
func nestingDepth(src []byte) (line, deepest int) {
	depth := 0
	ln := 1
	n := len(src)
	for i := 0; i < n; i++ {
		b := src[i]
		switch {
		case b == '\n':
			ln++
		case b == '-' && i+1 < n && src[i+1] == '-':
			i += 2
			if lvl, ok := longBracket(src, i); ok {
				i = skipLong(src, i, lvl, &ln)
			} else {
				for i < n && src[i] != '\n' {
					i++
				}
				ln++
			}
		case b == '"' || b == '\'':
			for i++; i < n && src[i] != b; i++ {
				if src[i] == '\\' {
					i++
				}
				if i < n && src[i] == '\n' {
					ln++
				}
			}
		case b == '[':
			if lvl, ok := longBracket(src, i); ok {
				i = skipLong(src, i, lvl, &ln)
				continue
			}
			depth++
		case b == '(' || b == '{':
			depth++
		case b == ')' || b == '}' || b == ']':
			depth--
		case isIdentStart(b) && (i == 0 || !isIdent(src[i-1])):
			j := i
			for j < n && isIdent(src[j]) {
				j++
			}
			switch string(src[i:j]) {
			case "function", "do", "then", "repeat":
				depth++
			case "end", "until":
				depth--
			case "elseif":
				depth-- // its "then" opens again
			}
			i = j - 1
		}
		if depth > deepest {
			deepest, line = depth, ln
		}
	}
	return line, deepest
}

func isIdentStart(b byte) bool {
	return b == '_' || (b|0x20) >= 'a' && (b|0x20) <= 'z'
}

func isIdent(b byte) bool { return isIdentStart(b) || b >= '0' && b <= '9' }

// longBracket reports whether src[i:] starts a long bracket [==[ and its level.
func longBracket(src []byte, i int) (int, bool) {
	if i >= len(src) || src[i] != '[' {
		return 0, false
	}
	j := i + 1
	for j < len(src) && src[j] == '=' {
		j++
	}
	if j < len(src) && src[j] == '[' {
		return j - i - 1, true
	}
	return 0, false
}

func skipLong(src []byte, i, lvl int, ln *int) int {
	n := len(src)
	for i += lvl + 2; i < n; i++ {
		if src[i] == '\n' {
			*ln++
		}
		if src[i] == ']' {
			j := i + 1
			for j < n && src[j] == '=' {
				j++
			}
			if j < n && src[j] == ']' && j-i-1 == lvl {
				return j
			}
		}
	}
	return n
}
