package remote

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"modscope/engine"
)

// Options tune the engine child.
type Options struct {
	// MemoryLimit is the child's OS memory limit in bytes (0:
	// DefaultMemoryLimit).
	MemoryLimit uint64
	// Env is added to the child's environment.
	Env []string
	// Executable is the program to start ("": this program, which must
	// route ServeArg to ServeMain, as cli.Main does).
	Executable string
	// Recover restarts a dead engine at once and goes on, as after a Lua
	// error: the load is replayed up to the file that killed it, that file
	// fails without running (with the death as its error) and the command
	// runs again, so the next file runs; a death outside any file fails
	// its command only. At most MaxRecoveries deaths are recovered from.
	Recover bool
}

// MaxRecoveries bounds the restarts of a Recover driver: every recovery
// replays the load so far, so each costs at most the time the run took.
const MaxRecoveries = 16

// Death says how the engine process died and what it was running.
type Death struct {
	// Err is the whole message, e.g. `engine process died (exit status 2:
	// fatal error: stack overflow) while running Lua/Big.lua in step
	// "Game Lua"`.
	Err string
	// Status is the exit status or signal with the reason the process
	// gave ("signal: killed", "exit status 2: fatal error: ...").
	Status string
	// What was running: the file (innermost), its context, the step or
	// command, and the command the parent had sent.
	File, Context, Step, Command string
	// LogIndex is how many entries of the event log completed before the
	// death: Restart(LogIndex) replays up to, not including, the fatal
	// event.
	LogIndex int
	// Stderr is the beginning and end of the process's standard error.
	Stderr string
}

func (d *Death) Error() string { return d.Err }

// errClosed is what calls say after Close (as engine.Session says).
var errClosed = errors.New("the session is closed")

var servable bool

// ServeIfChild makes a test binary able to be an engine child: call it
// first in TestMain. In the engine child it serves and exits; in the test
// itself it returns, and Available reports true from then on.
func ServeIfChild() {
	if os.Getenv(envChild) != "" && len(os.Args) > 1 && os.Args[1] == ServeArg {
		os.Exit(ServeMain(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	servable = true
}

// Available tells whether this program can start engine children: a
// program whose main routes ServeArg to ServeMain (every program built on
// cli.Main), or a test binary whose TestMain called ServeIfChild; never an
// engine child itself.
func Available() bool {
	return os.Getenv(envChild) == "" && (servable || !isTestBinary())
}

// isTestBinary tells a test binary by the flags package testing registers
// (importing testing would link it into the shipped engine).
func isTestBinary() bool { return flag.Lookup("test.v") != nil }

// Driver is an engine.Driver whose session runs in a child process. It is
// safe for concurrent use; commands run one at a time in the child, as
// they do in an engine.Session.
type Driver struct {
	dir string
	opt engine.Options
	ro  Options

	rmu sync.Mutex // one Restart or Close at a time

	mu        sync.Mutex
	proc      *child
	death     *Death
	closed    bool
	listeners map[int]func(engine.Event)
	nextL     int
	sh        *shadow
	track     bool
	watches   []engine.Command // watch and unwatch commands, to replay
	steps     []string
	next      int
	watchVals []engine.WatchResult
	folder    *engine.FolderInfo // as last answered
	inflight  string             // the command the parent sent last and waits for
	callSeq   uint64             // counts commands sent, for Interrupt's escalation

	recoveries int                  // deaths recovered from (Recover)
	replaying  bool                 // Restart replays: no recovery inside it
	deaths     []engine.ErrorRecord // recovered deaths outside any file
	allEvents  []engine.EventResult // every event-script result, across restarts
	since      time.Time            // when the current child started
	lostTime   time.Duration        // time spent in children that died (Recover)
}

// InterruptGrace is how long a command may go on after Interrupt before
// the child is killed (a Go call that ignores the interrupt): the engine
// then dies as any other death, with this said as the reason.
var InterruptGrace = 15 * time.Second

var _ engine.Driver = (*Driver)(nil)

// Open starts an engine child and opens dir in it with every model. An
// error opening the folder is the engine's own, word for word.
func Open(dir string, opt engine.Options, ro Options) (*Driver, error) {
	if !Available() {
		return nil, errors.New("engine process: this program cannot start one (tests: call remote.ServeIfChild in TestMain)")
	}
	if ro.MemoryLimit == 0 && opt.MemoryLimit > 0 {
		// room above the engine's heap watchdog, so that it cancels a
		// runaway call before the OS limit ends the process
		ro.MemoryLimit = max(DefaultMemoryLimit, opt.MemoryLimit+opt.MemoryLimit/3)
	}
	d := &Driver{dir: dir, opt: opt, ro: ro, listeners: map[int]func(engine.Event){}}
	c, info, err := d.start()
	if err != nil {
		return nil, err
	}
	d.proc, d.sh, d.since = c, newShadow(info, opt.KeepReportOnReset), time.Now()
	return d, nil
}

// start starts a child and opens the folder in it.
func (d *Driver) start() (*child, openInfo, error) {
	c, err := startChild(d.ro, d.onEvent, d.onExit)
	if err != nil {
		return nil, openInfo{}, err
	}
	d.mu.Lock()
	opt := d.opt
	opt.Skip = append([]engine.SkippedFile(nil), d.opt.Skip...)
	d.mu.Unlock()
	m, err := c.call(request{Method: mOpen, Dir: d.dir, Opt: &opt}, 0)
	var info openInfo
	switch {
	case err != nil:
		err = fmt.Errorf("%v while opening %s", err, d.dir)
	case m.Err != "":
		err = errors.New(m.Err)
		var fi engine.FolderInfo
		if len(m.Data) > 0 && json.Unmarshal(m.Data, &fi) == nil {
			err = &engine.OpenError{Err: err, Folder: fi}
		}
	default:
		if jerr := json.Unmarshal(m.Data, &info); jerr != nil {
			err = fmt.Errorf("engine: open %s: bad answer: %v", d.dir, jerr)
		}
	}
	if err != nil {
		c.close()
		return nil, openInfo{}, err
	}
	return c, info, nil
}

// onEvent follows and hands on an event of child c (stale children's
// events are dropped).
func (d *Driver) onEvent(c *child, m reply) {
	d.mu.Lock()
	if c != d.proc || d.sh == nil {
		d.mu.Unlock()
		return
	}
	d.sh.apply(*m.Event)
	ls := d.listenersLocked()
	d.mu.Unlock()
	for _, l := range ls {
		l(*m.Event)
	}
}

func (d *Driver) listenersLocked() []func(engine.Event) {
	ls := make([]func(engine.Event), 0, len(d.listeners))
	for _, l := range d.listeners {
		ls = append(ls, l)
	}
	return ls
}

// onExit records the death of the current child (not one closed on
// purpose) before its pending calls are failed.
func (d *Driver) onExit(c *child, status error) {
	if c.closing.Load() {
		return
	}
	d.mu.Lock()
	if c != d.proc || d.sh == nil || d.death != nil {
		d.mu.Unlock()
		return
	}
	file, ctx, step := d.sh.running()
	dt := &Death{Status: status.Error(), File: file, Context: ctx, Step: step, Command: d.inflight,
		LogIndex: d.sh.rec.LogLen(), Stderr: c.stderr.String()}
	dt.Err = fmt.Sprintf("engine process died (%s) %s", dt.Status, where(file, step, d.inflight))
	evs := d.sh.died(dt)
	d.death = dt
	ls := d.listenersLocked()
	d.mu.Unlock()
	for _, e := range evs {
		for _, l := range ls {
			l(e)
		}
	}
}

// Died returns how the engine process died, or nil while it runs.
func (d *Driver) Died() *Death {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.death
}

// call sends a request to the live child; it fails fast when the child
// has died or the driver is closed.
func (d *Driver) call(req request, what string) (json.RawMessage, error) {
	d.mu.Lock()
	c, dt, closed := d.proc, d.death, d.closed
	if what != "" && !closed && dt == nil {
		d.inflight = what
		d.callSeq++
	}
	d.mu.Unlock()
	switch {
	case closed:
		return nil, errClosed
	case dt != nil:
		return nil, dt
	}
	m, err := c.call(req, 0)
	if what != "" {
		d.mu.Lock()
		d.inflight = ""
		d.mu.Unlock()
	}
	if err != nil {
		var g *goneError
		if errors.As(err, &g) {
			if dt := d.Died(); dt != nil {
				return nil, dt
			}
			d.mu.Lock()
			closed := d.closed
			d.mu.Unlock()
			if closed {
				return nil, errClosed
			}
		}
		return nil, err
	}
	if m.Err != "" {
		return nil, errors.New(m.Err)
	}
	return m.Data, nil
}

// get calls and decodes the answer into out.
func (d *Driver) get(req request, out any) error {
	raw, err := d.call(req, "")
	if err != nil {
		return err
	}
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("engine: bad answer to %s: %v", req.Method, err)
	}
	return nil
}

// Do carries out one command in the child. A reset of a dead engine
// restarts it clean (Restart(0)): it starts the folder afresh, as a reset
// does.
func (d *Driver) Do(cmd engine.Command) engine.Result {
	if cmd.Op == "reset" && d.Died() != nil {
		if err := d.Restart(0); err != nil {
			return engine.Result{Error: err.Error()}
		}
		return engine.Result{OK: true}
	}
	raw, err := d.call(request{Method: mDo, Cmd: &cmd}, cmd.String())
	for err != nil {
		again, fail := d.recoverFrom(err)
		if !again {
			return engine.Result{Error: fail}
		}
		raw, err = d.call(request{Method: mDo, Cmd: &cmd}, cmd.String())
	}
	var r engine.Result
	if err := json.Unmarshal(raw, &r); err != nil {
		return engine.Failed("engine: bad answer to %s: %v", cmd.Op, err)
	}
	switch cmd.Op {
	case "watch", "unwatch":
		d.mu.Lock()
		if cmd.Op == "unwatch" {
			d.watches = nil
		}
		d.watches = append(d.watches, cmd)
		d.mu.Unlock()
	}
	return r
}

// RunScript plays event-script lines one at a time, so that a death ends
// exactly the line that was running and the lines after it fail fast.
// The results are recorded here, where the script is played, when it
// ends (a reset inside it keeps the lines before it, as in a session).
func (d *Driver) RunScript(lines []engine.ScriptLine) []engine.EventResult {
	out := make([]engine.EventResult, 0, len(lines))
	for _, ln := range lines {
		out = append(out, d.runLine(ln))
	}
	d.mu.Lock()
	d.sh.rec.AddEvents(out)
	if d.ro.Recover { // kept across restarts only where a death is recovered from
		d.allEvents = append(d.allEvents, out...)
	}
	d.mu.Unlock()
	return out
}

func (d *Driver) runLine(ln engine.ScriptLine) engine.EventResult {
	what := ln.Text
	if ln.Err == nil {
		what = ln.Cmd.String()
	}
	lines := []engine.ScriptLine{ln}
	var res []engine.EventResult
	raw, err := d.call(request{Method: mScript, Lines: toWireLines(lines)}, what)
	for err != nil {
		again, fail := d.recoverFrom(err)
		if !again {
			err = errors.New(fail)
			break
		}
		raw, err = d.call(request{Method: mScript, Lines: toWireLines(lines)}, what)
	}
	if err == nil {
		if jerr := json.Unmarshal(raw, &res); jerr != nil || len(res) != 1 {
			err = fmt.Errorf("engine: bad answer to a script line (%d results, %v)", len(res), jerr)
		}
	}
	if err != nil {
		return engine.EventResult{Line: ln.Line, Event: ln.Text, Error: err.Error()}
	}
	return res[0]
}

// recoverFrom handles a failed call. Without Recover, or when err is not
// a death, or after MaxRecoveries, it returns the error to give. With
// Recover it restarts the engine, replaying up to the fatal event; when a
// file killed it, that file is skipped from now on and the call is to be
// made again (again is true); otherwise the call fails with the death.
func (d *Driver) recoverFrom(err error) (again bool, fail string) {
	var dt *Death
	if !d.ro.Recover || !errors.As(err, &dt) {
		return false, err.Error()
	}
	d.mu.Lock()
	if d.replaying {
		d.mu.Unlock()
		return false, err.Error() // Restart says how the replay failed
	}
	if d.closed || d.recoveries >= MaxRecoveries {
		n := d.recoveries
		d.mu.Unlock()
		return false, fmt.Sprintf("%s (not restarted: %d deaths recovered from already)", dt.Err, n)
	}
	d.recoveries++
	d.lostTime += time.Since(d.since) // the report's bound covers the dead attempts too
	skip := dt.File != ""
	for _, s := range d.opt.Skip {
		if s.File == dt.File && s.Context == dt.Context {
			skip = false // it died again on a file it skips: do not loop
		}
	}
	if skip {
		d.opt.Skip = append(d.opt.Skip, engine.SkippedFile{Context: dt.Context, File: dt.File, Reason: dt.Err})
	} else {
		d.deaths = append(d.deaths, engine.ErrorRecord{Context: dt.Context, Step: dt.Step, File: dt.File, Message: dt.Err})
	}
	d.mu.Unlock()
	if rerr := d.Restart(-1); rerr != nil {
		return false, fmt.Sprintf("%s (%v)", dt.Err, rerr)
	}
	if !skip {
		return false, dt.Err
	}
	return true, ""
}

// Subscribe registers fn for every event. fn is called on the goroutine
// reading the child, in order, before the answer of the command that
// caused the event: it must not block, nor call the driver.
func (d *Driver) Subscribe(fn func(engine.Event)) (unsubscribe func()) {
	d.mu.Lock()
	id := d.nextL
	d.nextL++
	d.listeners[id] = fn
	d.mu.Unlock()
	return func() {
		d.mu.Lock()
		delete(d.listeners, id)
		d.mu.Unlock()
	}
}

// Steps returns the step names and the next one's index (as last known,
// once the child has died).
func (d *Driver) Steps() ([]string, int) {
	var si stepsInfo
	if err := d.get(request{Method: mSteps}, &si); err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.closed && d.death == nil {
			return nil, 0
		}
		return append([]string(nil), d.steps...), d.next
	}
	d.mu.Lock()
	d.steps, d.next = si.Names, si.Next
	d.mu.Unlock()
	return si.Names, si.Next
}

// Contexts describes every live context; once the child has died, the
// contexts as last known, every one unloaded.
func (d *Driver) Contexts() []engine.ContextInfo {
	var out []engine.ContextInfo
	if err := d.get(request{Method: mContexts}, &out); err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.closed && d.death == nil {
			return nil
		}
		return d.sh.contexts(true)
	}
	d.mu.Lock()
	d.sh.setContexts(out)
	d.mu.Unlock()
	return out
}

// Report returns the child's report; once the child has died, the report
// as far as the parent knows it, with the death as a recorded error.
func (d *Driver) Report() engine.Report {
	var r engine.Report
	if err := d.get(request{Method: mReport}, &r); err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.sh.report(d.death != nil || !d.closed)
	}
	d.mu.Lock()
	d.sh.setReport(r)
	r.Events = d.sh.events() // the scripts were played here
	if d.recoveries > 0 {
		// the engine was restarted: what it cannot know, the driver adds
		r.Events = append([]engine.EventResult{}, d.allEvents...)
		r.Errors = append(r.Errors, d.deaths...)
		r.BoundMs += float64(d.lostTime.Milliseconds())
	}
	d.mu.Unlock()
	return r
}

// Log returns the event log so far.
func (d *Driver) Log() []engine.LogEntry {
	var out []engine.LogEntry
	if err := d.get(request{Method: mLog}, &out); err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.sh.logCopy()
	}
	return out
}

// Watches returns the watch expressions' values after the latest step.
func (d *Driver) Watches() []engine.WatchResult {
	var out []engine.WatchResult
	if err := d.get(request{Method: mWatches}, &out); err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		return append([]engine.WatchResult(nil), d.watchVals...)
	}
	d.mu.Lock()
	d.watchVals = out
	d.mu.Unlock()
	return out
}

// Folder describes the open folder as the child's engine reads it; once
// the child has died, as last known, with Error saying why.
func (d *Driver) Folder() engine.FolderInfo {
	var fi engine.FolderInfo
	if err := d.get(request{Method: mFolder}, &fi); err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.folder != nil {
			fi = *d.folder
		} else {
			fi = engine.FolderInfo{Dir: d.dir}
		}
		fi.Error = err.Error()
		return fi
	}
	d.mu.Lock()
	d.folder = &fi
	d.mu.Unlock()
	return fi
}

// TrackDiffs turns snapshots after every step on or off (kept across
// restarts).
func (d *Driver) TrackDiffs(on bool) {
	d.mu.Lock()
	d.track = on
	d.mu.Unlock()
	// a dead or closed child has nothing to track; Restart applies it
	d.call(request{Method: mTrack, On: on}, "") //nolint:errcheck
}

// Interrupt stops whatever Lua runs now in the child. If the command that
// runs does not end within InterruptGrace (Go code that ignores the
// interrupt), the child is killed: the engine dies, saying so.
func (d *Driver) Interrupt() {
	d.mu.Lock()
	c, seq, busy := d.proc, d.callSeq, d.inflight != ""
	d.mu.Unlock()
	if _, err := d.call(request{Method: mInterrupt}, ""); err != nil || !busy {
		return // nothing runs in a dead or closed child, nor in an idle one
	}
	grace := InterruptGrace
	go func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		d.mu.Lock()
		stuck := d.proc == c && d.callSeq == seq && d.inflight != "" && !d.closed
		d.mu.Unlock()
		if stuck {
			c.killWith(fmt.Sprintf("killed: the command went on %s after an interrupt", grace))
		}
	}()
}

// Close closes the session and ends the child.
func (d *Driver) Close() {
	d.rmu.Lock()
	defer d.rmu.Unlock()
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	c := d.proc
	d.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// Restart ends the child (if it still runs), starts a new one on the same
// folder and replays the first replayUpTo entries of the event log as it
// was (a negative replayUpTo: up to the fatal event, Died().LogIndex; 0:
// a clean start). Watches and TrackDiffs are set again. Subscribers get
// a reset event, then the replay's events. It fails when the new child
// cannot open the folder or dies again while replaying; the driver is
// then dead with that death.
func (d *Driver) Restart(replayUpTo int) error {
	d.rmu.Lock()
	defer d.rmu.Unlock()
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return errClosed
	}
	log := d.sh.logCopy()
	if d.death != nil {
		log = log[:min(d.death.LogIndex, len(log))]
	}
	if replayUpTo < 0 || replayUpTo > len(log) {
		replayUpTo = len(log)
	}
	old, track := d.proc, d.track
	watches := append([]engine.Command(nil), d.watches...)
	info := d.sh.info()
	d.mu.Unlock()

	old.close()
	c, _, err := d.start()
	if err != nil {
		d.mu.Lock()
		if d.death == nil {
			d.death = &Death{Err: "engine process could not restart: " + err.Error(), Status: err.Error(), LogIndex: len(log)}
		}
		d.mu.Unlock()
		return fmt.Errorf("restart engine: %w", err)
	}
	reset := engine.Event{Kind: engine.EventContext, Text: "reset"}
	d.mu.Lock()
	d.proc, d.death, d.since = c, nil, time.Now()
	d.sh = newShadow(info, d.opt.KeepReportOnReset)
	d.steps, d.next, d.watchVals = nil, 0, nil
	ls := d.listenersLocked()
	d.mu.Unlock()
	for _, l := range ls {
		l(reset)
	}
	d.mu.Lock()
	d.replaying = true
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.replaying = false
		d.mu.Unlock()
	}()
	if track {
		d.TrackDiffs(true)
	}
	for _, e := range log[:replayUpTo] {
		cmd, ok := replayCommand(e)
		if !ok {
			continue
		}
		d.Do(cmd) // a replayed command fails as it failed before
		if dt := d.Died(); dt != nil {
			return fmt.Errorf("restart engine: replaying %q: %s", e.Text, dt.Err)
		}
	}
	for _, w := range watches {
		d.Do(w)
	}
	if dt := d.Died(); dt != nil {
		return fmt.Errorf("restart engine: setting the watches again: %s", dt.Err)
	}
	return nil
}

// replayCommand is the command that replays a log entry: its event-script
// line, except that a reload replays stepwise (its steps are entries of
// their own).
func replayCommand(e engine.LogEntry) (engine.Command, bool) {
	if strings.TrimSpace(e.Text) == "" {
		return engine.Command{}, false
	}
	cmd, err := engine.ParseCommand(e.Text)
	if err != nil {
		return engine.Command{}, false
	}
	if cmd.Op == "reload" && !cmd.Stepwise {
		cmd = engine.Command{Op: "reload", Stepwise: true}
	}
	return cmd, true
}

// Pid is the process id of the engine child now (0 when there is none).
func (d *Driver) Pid() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.proc == nil || d.proc.cmd.Process == nil {
		return 0
	}
	return d.proc.cmd.Process.Pid
}
