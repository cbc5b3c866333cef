package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"modscope/engine"
)

// WriteText prints the report for people: the steps in order with their
// files, times and errors, then the contexts, then a one-line summary.
func WriteText(w io.Writer, r engine.Report) {
	fmt.Fprintf(w, "%s  (model %s, %s mode)\n", r.Folder, r.Model, r.Mode)
	if len(r.Errors) > 0 { // the number a modder acts on, first (rootcauses.go)
		fmt.Fprintf(w, "%d root errors (%d errors in all, grouped under \"errors\" below)\n", rootCount(r.Errors), len(r.Errors))
	}
	fmt.Fprintln(w)
	errsByFile := map[string][]engine.ErrorRecord{}
	for _, e := range r.Errors {
		errsByFile[e.Context+"|"+e.Step+"|"+e.File] = append(errsByFile[e.Context+"|"+e.Step+"|"+e.File], e)
	}
	n := 0
	for _, st := range r.Steps {
		n++
		label := "step"
		if st.Kind != "step" {
			label = "event"
		}
		fmt.Fprintf(w, "%3d. %-28s %8.1f ms  (%s", n, st.Name, st.Ms, label)
		if len(st.Files) > 0 {
			fmt.Fprintf(w, ", %d files", len(st.Files))
		}
		if st.Errors > 0 {
			fmt.Fprintf(w, ", %d errors", st.Errors)
		}
		fmt.Fprintln(w, ")")
		if st.Fatal {
			fmt.Fprintln(w, "     FATAL: the game would crash here; the rest of this load was skipped")
		}
		for _, f := range st.Files {
			mark := "ok  "
			if !f.OK {
				mark = "FAIL"
			}
			ctx := ""
			if f.Context != "main" {
				ctx = "  [" + f.Context + "]"
			}
			from := ""
			if f.Parent != "" {
				from = "  (from " + f.Parent + ")"
			}
			fmt.Fprintf(w, "       %s %-50s %7.2f ms%s%s\n", mark, f.Path, f.Ms, ctx, from)
		}
		if len(st.Messages) > 0 {
			fmt.Fprintf(w, "       messages: %s\n", strings.Join(st.Messages, ", "))
		}
		if len(st.GlobalsAdded) > 0 {
			fmt.Fprintf(w, "       new globals: %s\n", abbreviate(st.GlobalsAdded, 12))
		}
	}
	if len(r.Errors) > 0 {
		writeErrors(w, r.Errors)
	}
	if len(r.Events) > 0 {
		fmt.Fprintf(w, "\nevents:\n")
		for _, e := range r.Events {
			status := "ok"
			if !e.OK {
				status = "FAILED"
			}
			fmt.Fprintf(w, "  line %d: %s  -> %s", e.Line, e.Event, status)
			if e.Result != "" {
				fmt.Fprintf(w, "  = %s", e.Result)
			}
			if e.Error != "" {
				fmt.Fprintf(w, "  (%s)", e.Error)
			}
			fmt.Fprintln(w)
		}
	}
	writeStubs(w, r.Stubs)
	fmt.Fprintf(w, "\ncontexts:\n")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range r.Contexts {
		if len(c.Residents) == 0 { // no empty last column: it would leave trailing blanks
			fmt.Fprintf(tw, "  %s\t%s\t%d globals\n", c.Name, c.State, c.Globals)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d globals\t%s\n", c.Name, c.State, c.Globals, strings.Join(c.Residents, ", "))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d files ok, %d failed, %d errors (%d root), %d classes, %d handlers, %d stubs, %.0f ms\n",
		r.Files.OK, r.Files.Failed, len(r.Errors), rootCount(r.Errors), r.Classes, countHandlers(r.Handlers), len(r.Stubs), r.Ms)
}

func countHandlers(h map[string]int) int {
	n := 0
	for _, k := range h {
		n += k
	}
	return n
}

func abbreviate(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(", ... (%d more)", len(list)-n)
}
