// Package cli implements modscope's command line (docs/cli.md): the headless
// `run`, `globals` and `annotate` commands, `version`, and the bundled
// samples (--sample). The window is started by main through the function it
// is given, so this package never imports Fyne.
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modscope/assets"
	"modscope/engine"
	"modscope/engine/remote"
)

// Exit statuses (docs/cli.md).
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
  modscope                          open the window on the bundled autorun sample
  modscope DIR                      open the window on the game folder DIR
  modscope run DIR [flags]          load DIR as its game would, print a report, exit
  modscope globals DIR [flags]      load DIR, print one context's globals
  modscope annotate DIR -o OUT      load DIR, write LuaLS definitions of its API to OUT
  modscope conflicts DIR [--json]   load DIR, print the mod conflicts (who overwrites whom)
  modscope version
instead of DIR, --sample NAME loads a bundled sample (autorun, sectors, scripts)
flags of run, globals and annotate:
  --until NAME     stop after the step or message NAME
  --events FILE    after loading, play the event script FILE (- reads standard input)
  --strict         strict mode          --stubs   stub mode (the default)
  --timeout DUR    watchdog limit (default 5s)
  --in-process     run the folder's Lua inside modscope, not in a child process
  --json           (run, globals) print the report or the globals as JSON
  --context NAME   (globals) which context
  --path a.b.c     (globals) descend into a table first
  --limit N        (globals) at most N entries (default 200)
  -o DIR           (annotate) the folder to write (created if missing)
exit status: 0 clean, 1 Lua errors were recorded, 2 bad usage or unreadable folder
the full reference is docs/cli.md in modscope's source`

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
	case "annotate":
		return annotateCmd(args[1:], env)
	case "conflicts": // conflicts.go
		return conflictsCmd(args[1:], env)
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
	sample  string // --sample NAME: a bundled sample instead of dir
	out     string // annotate -o
}

// flagSet declares the flags of command name (run, globals, annotate)
// into f.
func flagSet(name string, f *runFlags, globals bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.until, "until", "", "")
	fs.StringVar(&f.events, "events", "", "")
	if name != "annotate" {
		fs.BoolVar(&f.json, "json", false, "")
	} else {
		fs.StringVar(&f.out, "o", "", "")
	}
	fs.StringVar(&f.sample, "sample", "", "")
	fs.BoolVar(&f.strict, "strict", false, "")
	fs.BoolVar(&f.stubs, "stubs", false, "")
	fs.DurationVar(&f.timeout, "timeout", 0, "")
	fs.BoolVar(&f.inProc, "in-process", false, "")
	if globals {
		fs.StringVar(&f.context, "context", "", "")
		fs.StringVar(&f.path, "path", "", "")
		fs.IntVar(&f.limit, "limit", 200, "")
	}
	return fs
}

// parseFlags accepts flags before and after the folder argument.
func parseFlags(name string, args []string, globals bool) (runFlags, error) {
	annotate := name == "annotate"
	var f runFlags
	fs := flagSet(name, &f, globals)
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
	switch {
	case f.sample != "" && len(pos) != 0:
		return f, usagef("%s: give a game folder or --sample NAME, not both", name)
	case f.sample == "" && len(pos) != 1:
		return f, usagef("%s takes one game folder (got %d arguments)", name, len(pos))
	}
	if f.sample != "" {
		if _, err := assets.Sample(f.sample); err != nil {
			return f, usagef("%s: --sample: %v", name, err)
		}
	}
	if annotate && f.out == "" {
		return f, usagef("annotate: -o OUT (the folder to write) is required")
	}
	if f.strict && f.stubs {
		return f, usagef("%s: --strict and --stubs cannot both be given", name)
	}
	if f.timeout < 0 {
		return f, usagef("%s: --timeout must be positive", name)
	}
	if len(pos) == 1 {
		f.dir = pos[0]
	}
	return f, nil
}

func runCmd(args []string, env Env, globals bool) int {
	name := "run"
	if globals {
		name = "globals"
	}
	f, s, done, ok := parseAndLoad(name, args, globals, env)
	if !ok {
		return ExitUsage
	}
	defer done()
	rep := s.Report()
	if f.sample != "" {
		rep.Folder = samplePrefix + f.sample
	}
	code := statusOf(rep)
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

// samplePrefix names a bundled sample in a report's folder field.
const samplePrefix = "sample:"

// statusOf is the exit status a report calls for: 1 when any Lua error
// was recorded or any event-script line failed.
func statusOf(rep engine.Report) int {
	if len(rep.Errors) > 0 {
		return ExitLua
	}
	for _, e := range rep.Events {
		if !e.OK {
			return ExitLua
		}
	}
	return ExitOK
}

// parseAndLoad parses a command's flags and loads the folder they name
// (load). A usage error or a failed load is reported on standard error and
// ok is false (exit 2).
func parseAndLoad(name string, args []string, globals bool, env Env) (f runFlags, s engine.Driver, done func(), ok bool) {
	f, err := parseFlags(name, args, globals)
	if err != nil {
		fmt.Fprintf(env.Stderr, "modscope: %v\n", err)
		return f, nil, nil, false
	}
	s, done, ok = load(f, env)
	return f, s, done, ok
}

// load opens the folder (or the bundled sample) that f names, runs it to
// the end or to --until, and plays --events. It reports its own failures
// on standard error (ok false: exit 2). done closes the engine and removes
// the sample's temporary copy.
func load(f runFlags, env Env) (s engine.Driver, done func(), ok bool) {
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
		var err error
		if f.events == "-" {
			data, err = io.ReadAll(io.LimitReader(env.Stdin, engine.MaxScriptBytes+1))
			if err == nil && len(data) > engine.MaxScriptBytes {
				err = fmt.Errorf("larger than the %d MiB limit", engine.MaxScriptBytes>>20)
			}
		} else {
			// a regular file of bounded size: a FIFO would block for
			// ever, /dev/zero would never end (docs/containment.md)
			data, err = engine.ReadRegularFile(f.events, engine.MaxScriptBytes)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "modscope: read event script %s: %v\n", f.events, unwrap(err))
			return nil, nil, false
		}
		script = engine.ParseScript(string(data))
	}
	cleanup := func() {}
	if f.sample != "" {
		tmp, err := os.MkdirTemp("", "modscope-sample-")
		if err != nil {
			fmt.Fprintf(env.Stderr, "modscope: --sample %s: %v\n", f.sample, err)
			return nil, nil, false
		}
		cleanup = func() {
			if err := os.RemoveAll(tmp); err != nil {
				fmt.Fprintf(env.Stderr, "modscope: remove the sample's copy: %v\n", err)
			}
		}
		f.dir = filepath.Join(tmp, f.sample)
		if err := assets.ExtractSample(f.sample, f.dir); err != nil {
			fmt.Fprintf(env.Stderr, "modscope: %s\n", oneLine(err.Error()))
			cleanup()
			return nil, nil, false
		}
	}
	s, err := openDriver(f, opt)
	if err != nil {
		fmt.Fprintf(env.Stderr, "modscope: %s\n", oneLine(err.Error()))
		cleanup()
		return nil, nil, false
	}
	done = func() {
		s.Close()
		cleanup()
	}
	if f.until != "" {
		r := s.Do(engine.Command{Op: "until", Args: []any{f.until}})
		if !r.OK && strings.HasPrefix(r.Error, "no step or message called") {
			fmt.Fprintf(env.Stderr, "modscope: --until: %s\n", r.Error)
			done()
			return nil, nil, false
		}
	} else {
		s.Do(engine.Command{Op: "run"})
	}
	if script != nil {
		s.RunScript(script)
	}
	return s, done, true
}

// openDriver opens the folder in an engine child process (so that a
// folder that kills its engine is one more recorded error), or in this
// process with --in-process (for debugging) or when this program cannot
// start children (tests that did not ask for them).
func openDriver(f runFlags, opt engine.Options) (engine.Driver, error) {
	// a death fails its file; the load goes on
	return remote.OpenDriver(f.dir, opt, remote.Options{Recover: true}, f.inProc)
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
