package gengame

import (
	"fmt"
	"strings"
)

// writer builds one Lua file line by line and knows the current line
// number, so that a planted error's line is exact.
type writer struct {
	b     strings.Builder
	ind   int
	lines int
}

// l writes one line at the current indentation.
func (w *writer) l(format string, a ...any) {
	for range w.ind {
		w.b.WriteByte('\t')
	}
	fmt.Fprintf(&w.b, format, a...)
	w.b.WriteByte('\n')
	w.lines++
}

// open writes a line and indents what follows.
func (w *writer) open(format string, a ...any) {
	w.l(format, a...)
	w.ind++
}

// close dedents and writes a closing line.
func (w *writer) close(s string) {
	w.ind--
	w.l("%s", s)
}

// mid writes a line between two indented blocks (else, elseif).
func (w *writer) mid(format string, a ...any) {
	w.ind--
	w.l(format, a...)
	w.ind++
}

func (w *writer) blank() {
	w.b.WriteByte('\n')
	w.lines++
}

// next is the number the next written line will have.
func (w *writer) next() int { return w.lines + 1 }

func (w *writer) bytes() []byte { return []byte(w.b.String()) }

// luaStr quotes s as a Lua string literal (ASCII input).
func luaStr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
