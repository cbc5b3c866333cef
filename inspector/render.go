package inspector

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// maxKeyRunes bounds how much of a key token the text renderers show.
const maxKeyRunes = 60

// RenderPage writes p as an aligned text table (key, type, value, defined)
// under a one-line header.
func RenderPage(w io.Writer, p PageResult) error {
	name := p.Text
	if name == "" {
		name = "(root)"
	}
	switch {
	case p.Total == 0:
		_, err := fmt.Fprintf(w, "%s = %s  (no children)\n", name, p.Value)
		return err
	case len(p.Nodes) == 0:
		_, err := fmt.Fprintf(w, "%s = %s  [none from %d of %d]\n", name, p.Value, p.Offset+1, p.Total)
		return err
	}
	if _, err := fmt.Fprintf(w, "%s = %s  [%d-%d of %d]\n", name, p.Value, p.Offset+1, p.Offset+len(p.Nodes), p.Total); err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tTYPE\tVALUE\tDEFINED")
	for _, n := range p.Nodes {
		key := n.Key
		if n.HasChildren {
			key += " +"
		}
		def := n.Defined
		if n.Provenance != nil && n.Provenance.AssignedAt != "" && n.Provenance.AssignedAt != def {
			if def != "" {
				def += ", "
			}
			def += "set " + n.Provenance.AssignedAt
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clip(key, maxKeyRunes), n.Type, n.Value, def)
	}
	tw.Flush()
	return writeTrimmed(w, buf.Bytes())
}

// writeTrimmed writes text without the trailing blanks tabwriter leaves
// when the last column of a line is empty.
func writeTrimmed(w io.Writer, text []byte) error {
	out := make([]byte, 0, len(text))
	for len(text) > 0 {
		line := text
		rest := []byte(nil)
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, rest = text[:i], text[i+1:]
			out = append(out, bytes.TrimRight(line, " ")...)
			out = append(out, '\n')
		} else {
			out = append(out, bytes.TrimRight(line, " ")...)
		}
		text = rest
	}
	_, err := w.Write(out)
	return err
}

// RenderDiff writes d as lines "+ path  value", "- path  value" and
// "~ path  old -> new", added first, then removed, then changed, followed by
// a summary line.
func RenderDiff(w io.Writer, d DiffResult) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, e := range d.Added {
		fmt.Fprintf(tw, "+ %s\t%s\n", clip(e.Path, maxKeyRunes*2), e.New)
	}
	for _, e := range d.Removed {
		fmt.Fprintf(tw, "- %s\t%s\n", clip(e.Path, maxKeyRunes*2), e.Old)
	}
	for _, e := range d.Changed {
		if e.Reason == "contents" {
			fmt.Fprintf(tw, "~ %s\t%s (contents changed)\n", clip(e.Path, maxKeyRunes*2), e.New)
			continue
		}
		fmt.Fprintf(tw, "~ %s\t%s -> %s\n", clip(e.Path, maxKeyRunes*2), e.Old, e.New)
	}
	tw.Flush()
	if err := writeTrimmed(w, buf.Bytes()); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d added, %d removed, %d changed\n", len(d.Added), len(d.Removed), len(d.Changed))
	return err
}

// RenderSearch writes one line per match (path, type, value) and a summary.
func RenderSearch(w io.Writer, r SearchResult) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, m := range r.Matches {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", clip(m.Text, maxKeyRunes*2), m.Node.Type, m.Node.Value)
	}
	tw.Flush()
	if err := writeTrimmed(w, buf.Bytes()); err != nil {
		return err
	}
	more := ""
	if r.Truncated {
		more = " (truncated)"
	}
	_, err := fmt.Fprintf(w, "%d matches for %q, %d entries examined%s\n", len(r.Matches), r.Query, r.Visited, more)
	return err
}

// clip cuts s to n runes with "…" and makes it single-line and tab-free.
func clip(s string, n int) string {
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.NewReplacer("\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(s)
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, c := 0, 0
	for i < len(s) && c < n-1 {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		c++
	}
	return s[:i] + "…"
}
