// Package cli implements modscope's command line (CLI.md): the headless
// `run` and `globals` commands and `version`. The window is started by
// main through the function it is given, so this package never imports Fyne.
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"modscope/engine"
	"modscope/engine/models"
	"modscope/engine/remote"
)

// Version is the program version.
var Version = "0.1.0"

// Exit statuses (CLI.md).
const (
	ExitOK    = 0
	ExitLua   = 1
	ExitUsage = 2
)

// Env is what a command reads and writes, so tests can run it in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Window opens the desktop window on a folder ("" = the bundled sample).
	Window func(dir string) error
}

// usageError is bad usage or an unreadable folder: exit 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage:
  modscope                       open the window on the bundled sample game
  modscope DIR                   open the window on the game folder DIR
  modscope run DIR [flags]       load DIR as its game would, print a report, exit
  modscope globals DIR [flags]   load DIR, print one context's globals
  modscope version
flags of run and globals:
  --until NAME     stop after the step or message NAME
  --events FILE    after loading, play the event script FILE (- reads standard input)
  --json           print the report as one JSON object
  --strict         strict mode          --stubs   stub mode
  --timeout DUR    watchdog limit (default 5s)
  --context NAME   (globals) which context
  --path a.b.c     (globals) descend into a table first`

// Main runs the command line and returns the exit status. It never lets a
// Go panic reach the terminal.
func Main(args []string, env Env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "modscope: internal error: %v\n", r)
			code = ExitUsage
		}
	}()
	if len(args) == 0 {
		return report(env, env.Window(""))
	}
	switch args[0] {
	case "version", "--version", "-version":
		fmt.Fprintf(env.Stdout, "modscope %s\n", Version)
		return ExitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprintln(env.Stdout, usage)
		return ExitOK
	case "run":
		return runCmd(args[1:], env, false)
	case "globals":
		return runCmd(args[1:], env, true)
	case remote.ServeArg: // hidden: the engine child of the window and of run
		return remote.ServeMain(args[1:], env.Stdin, env.Stdout, env.Stderr)
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(env.Stderr, "modscope: unknown flag %s\n%s\n", args[0], usage)
		return ExitUsage
	}
	if len(args) > 1 {
		fmt.Fprintf(env.Stderr, "modscope: unknown command %q\n%s\n", args[0], usage)
		return ExitUsage
	}
	if st, err := os.Stat(args[0]); err != nil || !st.IsDir() {
		fmt.Fprintf(env.Stderr, "modscope: %s is not a command or a folder\n%s\n", args[0], usage)
		return ExitUsage
	}
	return report(env, env.Window(args[0]))
}

func report(env Env, err error) int {
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "modscope: %v\n", oneLine(err.Error()))
	var u usageError
	if errors.As(err, &u) {
		return ExitUsage
	}
	return ExitUsage
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

type runFlags struct {
	dir     string
	until   string
	events  string
	json    bool
	strict  bool
	stubs   bool
	timeout time.Duration
	context string
	path    string
	limit   int
	inProc  bool
}

// parseFlags accepts flags before and after the folder argument.
func parseFlags(name string, args []string, globals bool) (runFlags, error) {
	var f runFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.until, "until", "", "")
	fs.StringVar(&f.events, "events", "", "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.BoolVar(&f.strict, "strict", false, "")
	fs.BoolVar(&f.stubs, "stubs", false, "")
	fs.DurationVar(&f.timeout, "timeout", 0, "")
	fs.BoolVar(&f.inProc, "in-process", false, "")
	if globals {
		fs.StringVar(&f.context, "context", "", "")
		fs.StringVar(&f.path, "path", "", "")
		fs.IntVar(&f.limit, "limit", 200, "")
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return f, usagef("%s: %v", name, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != 1 {
		return f, usagef("%s takes one game folder (got %d arguments)", name, len(pos))
	}
	if f.strict && f.stubs {
		return f, usagef("%s: --strict and --stubs cannot both be given", name)
	}
	if f.timeout < 0 {
		return f, usagef("%s: --timeout must be positive", name)
	}
	f.dir = pos[0]
	return f, nil
}

func runCmd(args []string, env Env, globals bool) int {
	name := "run"
	if globals {
		name = "globals"
	}
	f, err := parseFlags(name, args, globals)
	if err != nil {
		fmt.Fprintf(env.Stderr, "modscope: %v\n", err)
		return ExitUsage
	}
	opt := engine.Options{Timeout: f.timeout, KeepReportOnReset: true}
	if f.strict {
		opt.Mode = engine.ModeStrict
	}
	if f.stubs {
		opt.Mode = engine.ModeStubs
	}
	var script []engine.ScriptLine
	if f.events != "" {
		var data []byte
		if f.events == "-" {
			data, err = io.ReadAll(env.Stdin)
		} else {
			data, err = os.ReadFile(f.events)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "modscope: read event script %s: %v\n", f.events, unwrap(err))
			return ExitUsage
		}
		script = engine.ParseScript(string(data))
	}
	s, err := openDriver(f, opt)
	if err != nil {
		fmt.Fprintf(env.Stderr, "modscope: %s\n", oneLine(err.Error()))
		return ExitUsage
	}
	defer s.Close()
	if f.until != "" {
		r := s.Do(engine.Command{Op: "until", Args: []any{f.until}})
		if !r.OK && strings.HasPrefix(r.Error, "no step or message called") {
			fmt.Fprintf(env.Stderr, "modscope: --until: %s\n", r.Error)
			return ExitUsage
		}
	} else {
		s.Do(engine.Command{Op: "run"})
	}
	if script != nil {
		s.RunScript(script)
	}
	rep := s.Report()
	code := ExitOK
	if len(rep.Errors) > 0 {
		code = ExitLua
	}
	for _, e := range rep.Events {
		if !e.OK {
			code = ExitLua
		}
	}
	if globals {
		if err := printGlobals(s, f, env); err != nil {
			fmt.Fprintf(env.Stderr, "modscope: %s\n", oneLine(err.Error()))
			if died(s) {
				return ExitLua // the engine died: a recorded error, not bad usage
			}
			return ExitUsage
		}
		return code
	}
	if f.json {
		enc := json.NewEncoder(env.Stdout)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(env.Stderr, "modscope: write report: %v\n", err)
			return ExitUsage
		}
		return code
	}
	WriteText(env.Stdout, rep)
	return code
}

// openDriver opens the folder in an engine child process (so that a
// folder that kills its engine is one more recorded error), or in this
// process with --in-process (for debugging) or when this program cannot
// start children (tests that did not ask for them).
func openDriver(f runFlags, opt engine.Options) (engine.Driver, error) {
	if f.inProc || !remote.Available() {
		return models.Open(f.dir, opt)
	}
	return remote.Open(f.dir, opt, remote.Options{})
}

// died tells whether the driver's engine process has died.
func died(s engine.Driver) bool {
	d, ok := s.(*remote.Driver)
	return ok && d.Died() != nil
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
