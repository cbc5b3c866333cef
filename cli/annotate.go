package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"modscope/engine"
	"modscope/inspector/annotate"
)

// annotateCmd is `modscope annotate DIR -o OUT`: load DIR (with the flags
// of run), then write LuaLS definitions of what its contexts expose.
func annotateCmd(args []string, env Env) int {
	f, s, done, ok := parseAndLoad("annotate", args, false, env)
	if !ok {
		return ExitUsage
	}
	defer done()
	folder := f.dir
	if f.sample != "" {
		folder = samplePrefix + f.sample
	}
	sum, err := ExportDefinitions(s, folder, f.out)
	if err != nil {
		fmt.Fprintf(env.Stderr, "modscope: %s\n", oneLine(err.Error()))
		if died(s) {
			return ExitLua
		}
		return ExitUsage
	}
	fmt.Fprintln(env.Stdout, sum)
	return ExitOK
}

// Summary says what ExportDefinitions wrote.
type Summary struct {
	Dir       string
	Files     []string
	Contexts  int
	Globals   int
	Functions int
	Classes   int
	StandIns  int
	Errors    int // Lua errors recorded while loading
}

func (s Summary) String() string {
	var names []string
	for _, f := range s.Files {
		names = append(names, filepath.Base(f))
	}
	msg := fmt.Sprintf("wrote %s to %s: %d globals (%d functions, %d classes) from %d context%s, %d stand-ins",
		strings.Join(names, ", "), s.Dir, s.Globals, s.Functions, s.Classes, s.Contexts, plural(s.Contexts), s.StandIns)
	if s.Errors > 0 {
		msg += fmt.Sprintf("\nnote: %d Lua error%s while loading: the definitions describe what did load (modscope run lists the errors)",
			s.Errors, plural(s.Errors))
	}
	return msg
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ExportDefinitions describes the API of every live context of d and the
// stand-ins of stub mode (inspector/annotate), and writes the LuaLS
// definition files and .luarc.json into dir. folder names the game folder
// in the files' headers. The window's "Export LuaLS definitions…" calls it
// too.
func ExportDefinitions(d engine.Driver, folder, dir string) (Summary, error) {
	rep := d.Report()
	set := annotate.Set{Folder: folder, Model: rep.Model}
	sum := Summary{Errors: len(rep.Errors)}
	for _, c := range d.Contexts() {
		if c.State == engine.StateUnloaded {
			continue
		}
		r := d.Do(engine.Command{Op: "api", Args: []any{c.Name}})
		if !r.OK {
			return sum, fmt.Errorf("annotate: %s", r.Error)
		}
		if r.API == nil {
			return sum, fmt.Errorf("annotate: context %s: the engine answered no API", c.Name)
		}
		set.Contexts = append(set.Contexts, *r.API)
	}
	for _, st := range rep.Stubs {
		set.StandIns = append(set.StandIns, standIn(st))
	}
	files, err := annotate.Write(set, dir)
	if err != nil {
		return sum, err
	}
	sum.Dir, sum.Files, sum.Contexts, sum.StandIns = dir, files, len(set.Contexts), len(set.StandIns)
	seen := map[string]bool{}
	for _, a := range set.Contexts {
		for _, g := range a.Globals {
			if seen[g.Name] {
				continue
			}
			seen[g.Name] = true
			sum.Globals++
			switch g.Kind {
			case annotate.KindFunction:
				sum.Functions++
			case annotate.KindClass:
				sum.Classes++
			}
		}
	}
	return sum, nil
}
