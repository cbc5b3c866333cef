package cli

import (
	"fmt"
	"io"
	"strings"

	"modscope/engine"
)

// errorGroup is one root cause and the errors that follow from it.
type errorGroup struct {
	root    *engine.ErrorRecord // nil for a stand-in cause
	cause   string              // the stand-in ("stub:NAME") when root is nil
	follows []engine.ErrorRecord
}

// groupErrors groups errors by root cause, roots in the order they
// happened: an error's cause is followed to the error that started it (an
// unknown cause, or none, makes it a root; a stand-in cause makes a group
// of its own).
func groupErrors(errs []engine.ErrorRecord) []*errorGroup {
	byID := map[string]int{}
	for i, e := range errs {
		if e.ID != "" {
			byID[e.ID] = i
		}
	}
	rootOf := func(i int) (int, string) {
		seen := map[int]bool{}
		for !seen[i] {
			seen[i] = true
			c := errs[i].Cause
			if c == "" || c == engine.CauseRoot {
				return i, ""
			}
			j, ok := byID[c]
			if !ok {
				if strings.HasPrefix(c, "stub:") {
					return -1, c
				}
				return i, ""
			}
			i = j
		}
		return i, "" // a cycle: the error itself
	}
	var groups []*errorGroup
	byRoot := map[int]*errorGroup{}
	byStub := map[string]*errorGroup{}
	for i := range errs {
		r, stub := rootOf(i)
		switch {
		case stub != "":
			g := byStub[stub]
			if g == nil {
				g = &errorGroup{cause: stub}
				byStub[stub] = g
				groups = append(groups, g)
			}
			g.follows = append(g.follows, errs[i])
		case r == i:
			g := byRoot[i]
			if g == nil {
				g = &errorGroup{}
				byRoot[i] = g
				groups = append(groups, g)
			}
			g.root = &errs[i]
		default:
			g := byRoot[r]
			if g == nil {
				g = &errorGroup{}
				byRoot[r] = g
				groups = append(groups, g)
			}
			g.follows = append(g.follows, errs[i])
		}
	}
	// roots before the groups of stand-ins
	out := make([]*errorGroup, 0, len(groups))
	for _, g := range groups {
		if g.root != nil {
			out = append(out, g)
		}
	}
	for _, g := range groups {
		if g.root == nil {
			out = append(out, g)
		}
	}
	return out
}

// rootCount is how many root causes the errors have.
func rootCount(errs []engine.ErrorRecord) int { return len(groupErrors(errs)) }

// maxFollowShown is how many following errors the text report shows under
// their root cause.
const maxFollowShown = 3

// writeErrors prints the errors grouped by root cause, roots first.
func writeErrors(w io.Writer, errs []engine.ErrorRecord) {
	groups := groupErrors(errs)
	fmt.Fprintf(w, "\nerrors: %d root causes, %d errors in all\n", len(groups), len(errs))
	for _, g := range groups {
		if g.root != nil {
			fmt.Fprintf(w, "  [%s] %s\n", g.root.Context, engine.FormatError(*g.root))
			if len(g.follows) > 0 {
				same := 0
				for _, f := range g.follows {
					if f.File == g.root.File && f.Line == g.root.Line && f.Message == g.root.Message {
						same++
					}
				}
				again := ""
				if same > 0 {
					again = fmt.Sprintf(" (%d of them the same error again)", same)
				}
				fmt.Fprintf(w, "      %s failed → %d %s%s\n", place(*g.root), len(g.follows), pluralOf(len(g.follows), "error follows", "errors follow"), again)
			}
		} else {
			fmt.Fprintf(w, "  engine stand-in %s (a gap of modscope's stand-ins, not of the code) → %d %s\n",
				strings.TrimPrefix(g.cause, "stub:"), len(g.follows), pluralOf(len(g.follows), "error follows", "errors follow"))
		}
		for i, e := range g.follows {
			if i == maxFollowShown {
				fmt.Fprintf(w, "        ... and %d more (--json lists all)\n", len(g.follows)-maxFollowShown)
				break
			}
			fmt.Fprintf(w, "        [%s] %s\n", e.Context, engine.FormatError(e))
		}
	}
}

// place is "file:line" of an error, or its file.
func place(e engine.ErrorRecord) string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.File != "" {
		return e.File
	}
	return "it"
}

func pluralOf(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// maxStubsShown is how many stand-ins the text report lists.
const maxStubsShown = 20

// writeStubs prints the engine names that were stood in for, with what
// their calls returned under them, reads and calls apart.
func writeStubs(w io.Writer, stubs []engine.StubRecord) {
	var parents []string
	n := 0
	for _, s := range stubs {
		if len(s.Classes) > 0 {
			parents = append(parents, s.Name+" ("+abbreviate(s.Classes, 3)+")")
			continue
		}
		n++
	}
	if n > 0 {
		fmt.Fprintf(w, "\nengine names stood in for (%d):\n", n)
		shown := 0
		for _, s := range stubs {
			if len(s.Classes) > 0 {
				continue
			}
			if shown == maxStubsShown {
				fmt.Fprintf(w, "  ... and %d more (--json lists all)\n", n-maxStubsShown)
				break
			}
			shown++
			fmt.Fprintf(w, "  %-40s %s  first at %s\n", s.Name, stubCounts(s), s.First)
			for i, r := range s.Results {
				if i == maxFollowShown {
					fmt.Fprintf(w, "      ... and %d more results\n", len(s.Results)-maxFollowShown)
					break
				}
				fmt.Fprintf(w, "      → %-36s %s\n", r.Name, stubCounts(r))
			}
		}
	}
	if len(parents) > 0 {
		fmt.Fprintf(w, "\nengine parent classes stood in for (%d): %s\n", len(parents), abbreviate(parents, 8))
	}
}

func stubCounts(s engine.StubRecord) string {
	parts := []string{fmt.Sprintf("%5d %s", s.Reads, pluralOf(s.Reads, "read ", "reads")), fmt.Sprintf("%5d %s", s.Calls, pluralOf(s.Calls, "call ", "calls"))}
	if s.Writes > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", s.Writes, pluralOf(s.Writes, "write", "writes")))
	}
	return strings.Join(parts, " ")
}
