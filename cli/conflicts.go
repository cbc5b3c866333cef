package cli

// `modscope conflicts DIR [--json] [--mod ID]`: load DIR as its game would
// and print the mod conflicts, worst first (docs/conflicts.md).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"modscope/engine"
)

const conflictsUsage = `usage: modscope conflicts DIR [--json] [--mod ID] [run flags]
  loads DIR as its game would and prints the mod conflicts, worst first:
  names (globals, fields of classes and game tables) assigned by two or
  more mods, or by a mod and then the game again (docs/conflicts.md)
  --json     the report as JSON
  --mod ID   only the conflicts mod ID takes part in`

// conflictsCmd runs `modscope conflicts`.
func conflictsCmd(args []string, env Env) int {
	var mod string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--mod" || a == "-mod":
			if i+1 >= len(args) {
				fmt.Fprintf(env.Stderr, "modscope: conflicts: --mod needs a mod id\n%s\n", conflictsUsage)
				return ExitUsage
			}
			mod = args[i+1]
			i++
		case strings.HasPrefix(a, "--mod="):
			mod = strings.TrimPrefix(a, "--mod=")
		default:
			rest = append(rest, a)
		}
	}
	f, err := parseFlags("conflicts", rest, false)
	if err != nil {
		fmt.Fprintf(env.Stderr, "modscope: %v\n%s\n", err, conflictsUsage)
		return ExitUsage
	}
	s, done, ok := load(f, env)
	if !ok {
		return ExitUsage
	}
	defer done()
	r := s.Do(engine.Command{Op: "conflicts"})
	if !r.OK {
		fmt.Fprintf(env.Stderr, "modscope: conflicts: %s\n", oneLine(r.Error))
		return ExitUsage
	}
	if r.Conflicts == nil {
		fmt.Fprintf(env.Stderr, "modscope: conflicts: the engine answered no conflict report\n")
		return ExitUsage
	}
	rep := *r.Conflicts
	if mod != "" {
		rep = onlyMod(rep, mod)
	}
	if f.json {
		if err := json.NewEncoder(env.Stdout).Encode(rep); err != nil {
			fmt.Fprintf(env.Stderr, "modscope: write report: %v\n", err)
			return ExitUsage
		}
		return ExitOK
	}
	if err := WriteConflicts(env.Stdout, rep); err != nil {
		fmt.Fprintf(env.Stderr, "modscope: write report: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

// onlyMod keeps the conflicts mod id takes part in (and the mod's line).
func onlyMod(rep engine.ConflictReport, id string) engine.ConflictReport {
	var keep []engine.Conflict
	for _, c := range rep.Conflicts {
		for _, m := range c.Mods {
			if m == id {
				keep = append(keep, c)
				break
			}
		}
	}
	if keep == nil {
		keep = []engine.Conflict{}
	}
	rep.Conflicts = keep
	mods := []engine.ModConflicts{}
	rep.Names, rep.Assignments = 0, 0
	for _, m := range rep.Mods {
		if m.ID == id {
			mods = append(mods, m)
			rep.Names, rep.Assignments = m.Assigned, m.Links
		}
	}
	rep.Mods = mods
	return rep
}

var severityWord = map[int]string{
	engine.SevDiscards:     "discards",
	engine.SevDiscardsWrap: "discards a wrapper",
	engine.SevWraps:        "wraps",
}

// WriteConflicts prints a conflict report as text.
func WriteConflicts(w io.Writer, rep engine.ConflictReport) error {
	var buf bytes.Buffer
	writeConflicts(&buf, rep)
	lines := strings.SplitAfter(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimSuffix(l, "\n"), " ")
		if strings.HasSuffix(l, "\n") {
			lines[i] += "\n"
		}
	}
	_, err := io.WriteString(w, strings.Join(lines, ""))
	return err
}

func writeConflicts(w *bytes.Buffer, rep engine.ConflictReport) {
	printf := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if !rep.Recording {
		printf("no mods ran: nothing to compare (modscope records mods' assignments in the autorun and sectors models)\n")
		return
	}
	worst := 0
	for _, c := range rep.Conflicts {
		if c.Severity == engine.SevDiscards {
			worst++
		}
	}
	printf("%d conflicts (%d discard another's change); %d mods assigned %d names (%d assignments)\n",
		len(rep.Conflicts), worst, len(rep.Mods), rep.Names, rep.Assignments)
	if rep.Truncated {
		printf("(recording stopped at its limit: later assignments are missing)\n")
	}
	for _, c := range rep.Conflicts {
		printf("\n[%s] %s  (%s in %s)  winner: %s", severityWord[c.Severity], c.Name, c.Kind, c.Context, c.Winner)
		if len(c.Lost) > 0 {
			printf("  lost: %s", strings.Join(c.Lost, ", "))
		}
		printf("\n  %s\n", c.Verdict)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, l := range c.Chain {
			who := l.Mod
			if who == "" {
				who = "game"
			}
			where := l.File
			if where == "" {
				where = "-"
			} else if l.Line > 0 {
				where = fmt.Sprintf("%s:%d", l.File, l.Line)
			}
			mark := ""
			if l.Kept {
				mark = "kept"
			}
			count := ""
			if l.Count > 1 {
				count = fmt.Sprintf(" x%d", l.Count)
			}
			step := l.Step
			if step != "" {
				step = "(" + step + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s%s\t%s\t%s\t%s\t%s\n", who, l.Action, count, where, step, l.Value, mark)
		}
		tw.Flush() // a bytes.Buffer does not fail
	}
	if len(rep.Mods) > 0 {
		printf("\nmods in load order:\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  #\tmod\tnames\tassignments\tconflicts\twins\tlost\n")
		for _, m := range rep.Mods {
			fmt.Fprintf(tw, "  %d\t%s\t%d\t%d\t%d\t%d\t%d\n", m.Order, m.ID, m.Assigned, m.Links, m.Conflicts, m.Wins, m.Lost)
		}
		tw.Flush()
	}
}
