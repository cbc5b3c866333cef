package buffer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Find returns the first match of query at or after from, wrapping around
// to the start of the text; ok is false when query is empty or does not
// occur. Without caseSensitive, letters match regardless of case. query may
// span lines ("\n" separated).
func (b *Buffer) Find(query string, from Pos, caseSensitive bool) (r Range, ok bool) {
	ms := b.matches(query, caseSensitive)
	if len(ms) == 0 {
		return Range{}, false
	}
	from = b.clamp(from)
	for _, m := range ms {
		if !m.Start.Less(from) {
			return m, true
		}
	}
	return ms[0], true
}

// FindPrev returns the last match of query starting before from, wrapping
// around to the end of the text.
func (b *Buffer) FindPrev(query string, from Pos, caseSensitive bool) (r Range, ok bool) {
	ms := b.matches(query, caseSensitive)
	if len(ms) == 0 {
		return Range{}, false
	}
	from = b.clamp(from)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Start.Less(from) {
			return ms[i], true
		}
	}
	return ms[len(ms)-1], true
}

// FindAll returns every non-overlapping match of query in text order.
func (b *Buffer) FindAll(query string, caseSensitive bool) []Range {
	return b.matches(query, caseSensitive)
}

func (b *Buffer) matches(query string, caseSensitive bool) []Range {
	query = normalizeEOL(query)
	if query == "" {
		return nil
	}
	q := strings.Split(query, "\n")
	fold := func(s string) string { return s }
	if !caseSensitive {
		fold = lowerRunes
		for i := range q {
			q[i] = lowerRunes(q[i])
		}
	}
	var out []Range
	if len(q) == 1 {
		for i, l := range b.lines {
			s := fold(l)
			col, off := 0, 0
			for {
				j := strings.Index(s[off:], q[0])
				if j < 0 {
					break
				}
				col += utf8.RuneCountInString(s[off : off+j])
				n := utf8.RuneCountInString(q[0])
				out = append(out, Range{Pos{i, col}, Pos{i, col + n}})
				col += n
				off += j + len(q[0])
			}
		}
		return out
	}
	k := len(q) - 1
	for i := 0; i+k < len(b.lines); i++ {
		first := fold(b.lines[i])
		if !strings.HasSuffix(first, q[0]) {
			continue
		}
		match := true
		for j := 1; j < k && match; j++ {
			match = fold(b.lines[i+j]) == q[j]
		}
		if !match || !strings.HasPrefix(fold(b.lines[i+k]), q[k]) {
			continue
		}
		start := utf8.RuneCountInString(first) - utf8.RuneCountInString(q[0])
		out = append(out, Range{Pos{i, start}, Pos{i + k, utf8.RuneCountInString(q[k])}})
		i += k - 1 // matches do not overlap; the next may start on the last line
	}
	return out
}

// lowerRunes lower-cases s rune by rune, so rune columns are unchanged
// (strings.ToLower may change the rune count for a few special cases).
func lowerRunes(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	return strings.Map(unicode.ToLower, s)
}
