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
	fmt.Fprintf(w, "%s  (model %s, %s mode)\n\n", r.Folder, r.Model, r.Mode)
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
			fmt.Fprintf(w, "       %s %-50s %7.2f ms%s\n", mark, f.Path, f.Ms, ctx)
		}
		if len(st.Messages) > 0 {
			fmt.Fprintf(w, "       messages: %s\n", strings.Join(st.Messages, ", "))
		}
		if len(st.GlobalsAdded) > 0 {
			fmt.Fprintf(w, "       new globals: %s\n", abbreviate(st.GlobalsAdded, 12))
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\nerrors:\n")
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  [%s] %s\n", e.Context, engine.FormatError(e))
		}
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
	if len(r.Stubs) > 0 {
		fmt.Fprintf(w, "\nengine functions stubbed (%d):\n", len(r.Stubs))
		for i, s := range r.Stubs {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more (--json lists all)\n", len(r.Stubs)-20)
				break
			}
			fmt.Fprintf(w, "  %-40s %5d calls  first at %s\n", s.Name, s.Calls, s.First)
		}
	}
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
	fmt.Fprintf(w, "\n%d files ok, %d failed, %d errors, %d classes, %d handlers, %d stubs, %.0f ms\n",
		r.Files.OK, r.Files.Failed, len(r.Errors), r.Classes, countHandlers(r.Handlers), len(r.Stubs), r.Ms)
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
