// Package control is the window's controller: it owns the engine session,
// runs every command off the UI goroutine, one at a time, and keeps plain
// state for the views. It holds no Fyne code (imports_test.go keeps it so),
// so its tests run without cgo; package ui draws what it keeps.
package control

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modscope/engine"
	"modscope/engine/models"
)

// Change says which part of the controller's state changed; listeners get
// a bit set of them, always on the UI goroutine.
type Change uint32

// The parts of the state.
const (
	ChangeSession     Change = 1 << iota // a folder was opened, closed or failed to open
	ChangeSteps                          // step list or the next step
	ChangeContexts                       // context list or a context's state
	ChangeConsole                        // console lines appended
	ChangeLog                            // the event log (history)
	ChangeBusy                           // a command started or finished, or progress
	ChangeReport                         // the report (timeline) after a command
	ChangeGlobals                        // a command ran Lua: globals may differ
	ChangeBreakpoints                    // breakpoints toggled
	ChangeWatches                        // watch expressions added or re-evaluated

	ChangeAll Change = 1<<31 - 1
)

// ConsoleLine is one line of a context's console.
type ConsoleLine struct {
	Context string
	Kind    string // "out", "error", "input", "result", "info"
	Level   string // output level: "", info, warn, error
	Where   string // file:line the line points at, if any
	Text    string
	Raw     string // an error as engine.FormatError renders it
}

// maxConsole bounds the lines kept in the console.
const maxConsole = 20000

// FlushEvery is how often bursts of engine events reach the UI.
const FlushEvery = 70 * time.Millisecond

// Controller owns the engine session: it runs every command off the UI
// goroutine, one at a time, and keeps plain state for the views. All its
// exported fields are read and written on the UI goroutine only (the one
// post runs functions on); nothing in it refers to a widget.
type Controller struct {
	post func(func()) // runs a function on the UI goroutine

	// State, owned by the UI goroutine.
	Dir         string // the opened folder (absolute); "" when none
	Model, Mode string
	Detected    []string // what model detection found
	// Folder is the folder as the engine described it when it opened
	// (or failed to): detection, settings, Lua files, and in
	// Folder.Window what the model offers the window.
	Folder      engine.FolderInfo
	OpenErr     string // why the last Open failed ("" when it did not)
	Steps       []string
	Next        int
	Contexts    []engine.ContextInfo
	Report      engine.Report
	Log         []engine.LogEntry
	Console     []ConsoleLine
	Errors      []engine.ErrorRecord // every error seen, in order
	ErrBase     int                  // Errors[ErrBase:] are the current load's (a reload starts afresh)
	Watches     []engine.WatchResult // watch expressions after the last command
	Breakpoints map[string]bool      // step name -> stop before it

	Busy      int    // commands queued or running
	BusyWhat  string // what runs now
	BusyStep  string // the step or command the engine said began
	BusyFiles int    // files finished in it
	BusyFile  string // the last file finished
	BusySince time.Time
	Status    string // one line about the last command

	// ReloadDiff is every context's globals before and after the last
	// reload (nil when a step or command ran since, or none happened);
	// ReloadWhy says what reloaded (Ctrl+R, a save, an edit on disk).
	ReloadDiff *engine.ReloadDiff
	ReloadWhy  string

	// LastChanges says which contexts the last command created, removed,
	// merged or split (nil when it changed none).
	LastChanges *engine.ContextChanges

	Gen int // increments with every (re)opened session

	listeners []func(Change)

	jobs chan func()
	quit chan struct{}
	once sync.Once

	// sess is used on the worker goroutine only; live holds it for
	// Interrupt, which is safe from any goroutine.
	sess  engine.Driver
	unsub func()
	live  atomic.Pointer[engine.Driver]

	emu       sync.Mutex
	pending   []engine.Event
	pendGen   int
	scheduled bool
	curGen    atomic.Int64 // generation as the worker sees it
	stop      atomic.Bool  // stop a run between steps
}

// OpenDriver opens a game folder with every model linked in.
var OpenDriver = func(dir string, opt engine.Options) (engine.Driver, error) {
	return models.Open(dir, opt)
}

// NewController makes a controller; post runs a function on the UI
// goroutine (fyne.Do in the app, a queue in tests).
func NewController(post func(func())) *Controller {
	c := &Controller{post: post, jobs: make(chan func(), 256), quit: make(chan struct{}),
		Breakpoints: map[string]bool{}}
	go c.worker()
	return c
}

func (c *Controller) worker() {
	for {
		select {
		case job := <-c.jobs:
			job()
		case <-c.quit:
			c.closeSession()
			return
		}
	}
}

// Close ends the session and the worker.
func (c *Controller) Close() {
	c.once.Do(func() { close(c.quit) })
}

// Done is closed once Close has been called.
func (c *Controller) Done() <-chan struct{} { return c.quit }

// Post runs fn on the UI goroutine.
func (c *Controller) Post(fn func()) { c.post(fn) }

// OnWorker runs job on the worker goroutine (after every command queued
// before it) with the session's driver, unless by then no folder is open
// or another one is. job may Post back to the UI goroutine.
func (c *Controller) OnWorker(job func(d engine.Driver)) {
	gen := c.Gen
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			return
		}
		job(c.sess)
	})
}

// OnChange registers fn for state changes (called on the UI goroutine).
func (c *Controller) OnChange(fn func(Change)) { c.listeners = append(c.listeners, fn) }

// Notify tells the listeners that the parts ch of the state changed (UI
// goroutine).
func (c *Controller) Notify(ch Change) { c.notify(ch) }

func (c *Controller) notify(ch Change) {
	for _, l := range c.listeners {
		l(ch)
	}
}

// enqueue runs job on the worker goroutine.
func (c *Controller) enqueue(job func()) {
	select {
	case c.jobs <- job:
	case <-c.quit:
	}
}

// snapshot is the session state read on the worker after a command.
type snapshot struct {
	gen              int
	steps            []string
	next             int
	ctxs             []engine.ContextInfo
	rep              engine.Report
	log              []engine.LogEntry
	watches          []engine.WatchResult
	dir, model, mode string
	partial          bool // steps and contexts only
}

func (c *Controller) take(partial bool) snapshot {
	s := c.sess
	sn := snapshot{gen: int(c.curGen.Load()), partial: partial}
	if s == nil {
		return sn
	}
	sn.steps, sn.next = s.Steps()
	sn.ctxs = s.Contexts()
	if partial {
		return sn
	}
	sn.rep = s.Report()
	sn.log = s.Log()
	sn.watches = s.Watches()
	sn.dir, sn.model, sn.mode = sn.rep.Folder, sn.rep.Model, sn.rep.Mode
	return sn
}

// apply stores a snapshot (UI goroutine).
func (c *Controller) apply(sn snapshot) Change {
	if sn.gen != c.Gen {
		return 0
	}
	c.Steps, c.Next, c.Contexts = sn.steps, sn.next, sn.ctxs
	ch := ChangeSteps | ChangeContexts
	if sn.partial {
		return ch
	}
	c.Report, c.Log = sn.rep, sn.log
	if len(sn.watches) > 0 || len(c.Watches) == 0 {
		c.Watches = sn.watches
	}
	if sn.dir != "" {
		c.Dir, c.Model, c.Mode = sn.dir, sn.model, sn.mode
	}
	return ch | ChangeReport | ChangeLog | ChangeGlobals | ChangeWatches
}

// SetStatus puts a view's own news on the status line (a file saved, an
// export written); the view redraws what shows it.
func (c *Controller) SetStatus(s string) { c.Status = s }

// ClearConsole empties the console; the view redraws it.
func (c *Controller) ClearConsole() { c.Console = nil }

// AddConsoleLine adds a line of the window's own to the console (one the
// engine did not print); the view redraws it.
func (c *Controller) AddConsoleLine(l ConsoleLine) { c.Console = append(c.Console, l) }

// HasSession tells whether a folder is open.
func (c *Controller) HasSession() bool { return c.Model != "" && c.OpenErr == "" }

// Open opens dir with opt (a zero Options detects everything); done (may be
// nil) gets the error on the UI goroutine.
func (c *Controller) Open(dir string, opt engine.Options, done func(error)) {
	if c.Busy > 0 {
		c.Stop() // whatever runs in the old folder ends now
	}
	c.begin("Opening " + filepath.Base(dir))
	c.Gen++
	gen := c.Gen
	c.Steps, c.Next, c.Contexts, c.Log, c.Console, c.Errors, c.Watches = nil, 0, nil, nil, nil, nil, nil
	c.ReloadDiff, c.ReloadWhy, c.ErrBase = nil, "", 0
	c.Report = engine.Report{}
	c.Model, c.Mode, c.OpenErr, c.Detected = "", "", "", nil
	c.Folder = engine.FolderInfo{Dir: dir}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	c.Dir = dir
	c.notify(ChangeAll)
	c.enqueue(func() {
		c.closeSession()
		c.curGen.Store(int64(gen))
		s, err := OpenDriver(dir, opt)
		if err != nil {
			fi := engine.FolderInfo{Dir: dir}
			var oe *engine.OpenError
			if errors.As(err, &oe) {
				fi = oe.Folder // the engine looked at the folder
			}
			c.post(func() {
				if gen != c.Gen {
					return
				}
				c.OpenErr = err.Error()
				c.Folder = fi
				c.Detected = fi.Detection.Evidence
				c.end("Could not open " + filepath.Base(dir))
				c.notify(ChangeAll)
				if done != nil {
					done(err)
				}
			})
			return
		}
		c.sess = s
		c.live.Store(&s)
		s.TrackDiffs(true)
		c.unsub = s.Subscribe(func(e engine.Event) { c.event(gen, e) })
		sn := c.take(false)
		fi := s.Folder()
		c.post(func() {
			if gen == c.Gen {
				c.Folder = fi
			}
			ch := c.apply(sn)
			c.end(fmt.Sprintf("Opened %s (%s model, %s mode)", filepath.Base(dir), c.Model, c.Mode))
			c.notify(ch | ChangeAll)
			if done != nil {
				done(nil)
			}
		})
	})
}

// FolderInfo asks the engine to describe the open folder afresh (its
// settings may have been edited); without a session, the description
// that came with the failed open. It does not wait for a running command
// (a driver answers Folder concurrently); done runs on the UI goroutine.
func (c *Controller) FolderInfo(done func(engine.FolderInfo)) {
	gen, last := c.Gen, c.Folder
	go func() {
		fi := last
		if d := c.live.Load(); d != nil && int(c.curGen.Load()) == gen {
			fi = (*d).Folder()
		}
		c.post(func() { done(fi) })
	}()
}

func (c *Controller) closeSession() {
	c.live.Store(nil)
	if c.sess != nil {
		c.unsub()
		c.sess.Close()
		c.sess = nil
	}
}

func (c *Controller) begin(what string) {
	c.Busy++
	c.BusyWhat = what
	c.BusyStep, c.BusyFiles, c.BusyFile = "", 0, ""
	c.BusySince = time.Now()
	c.notify(ChangeBusy)
}

func (c *Controller) end(status string) {
	if c.Busy > 0 {
		c.Busy--
	}
	if status != "" {
		c.Status = status
	}
	if c.Busy == 0 {
		c.BusyWhat, c.BusyStep, c.BusyFile, c.BusyFiles = "", "", "", 0
	}
	c.notify(ChangeBusy)
}

// event is the session listener: it runs on engine goroutines and only
// queues; the UI sees a batch at most every FlushEvery.
func (c *Controller) event(gen int, e engine.Event) {
	c.emu.Lock()
	if gen != c.pendGen {
		c.pending = c.pending[:0]
		c.pendGen = gen
	}
	c.pending = append(c.pending, e)
	schedule := !c.scheduled
	c.scheduled = true
	c.emu.Unlock()
	if schedule {
		time.AfterFunc(FlushEvery, func() { c.post(c.flush) })
	}
}

// flush applies queued engine events (UI goroutine).
func (c *Controller) flush() {
	c.emu.Lock()
	evs, gen := c.pending, c.pendGen
	c.pending = nil
	c.scheduled = false
	c.emu.Unlock()
	if gen != c.Gen || len(evs) == 0 {
		return
	}
	var ch Change
	for _, e := range evs {
		ch |= c.applyEvent(e)
	}
	if len(c.Console) > maxConsole {
		c.Console = append([]ConsoleLine(nil), c.Console[len(c.Console)-maxConsole:]...)
	}
	c.notify(ch)
}

func (c *Controller) applyEvent(e engine.Event) Change {
	switch e.Kind {
	case engine.EventStepBegin:
		c.BusyStep, c.BusyFiles, c.BusyFile = e.Step, 0, ""
		return ChangeBusy
	case engine.EventFile:
		if e.File != nil {
			c.BusyFiles++
			c.BusyFile = e.File.Path
		}
		return ChangeBusy
	case engine.EventOutput:
		c.Console = append(c.Console, ConsoleLine{Context: e.Context, Kind: "out", Level: e.Level, Where: e.Where, Text: e.Text})
		return ChangeConsole
	case engine.EventError:
		if e.Error == nil {
			return 0
		}
		er := *e.Error
		c.Errors = append(c.Errors, er)
		where := ""
		if er.File != "" && er.Line > 0 {
			where = fmt.Sprintf("%s:%d", er.File, er.Line)
		}
		text := er.Message
		if er.Step != "" {
			text = "[" + er.Step + "] " + text
		}
		c.Console = append(c.Console, ConsoleLine{Context: er.Context, Kind: "error", Level: "error", Where: where, Text: text, Raw: engine.FormatError(er)})
		return ChangeConsole
	case engine.EventContext:
		if e.Context == "" {
			return 0
		}
		for i := range c.Contexts {
			if c.Contexts[i].Name == e.Context {
				c.Contexts[i].State = e.Text
				return ChangeContexts
			}
		}
		c.Contexts = append(c.Contexts, engine.ContextInfo{Name: e.Context, Model: c.Model, State: e.Text})
		return ChangeContexts
	case engine.EventStep:
		if e.Log != nil {
			c.Log = append(c.Log, *e.Log)
			return ChangeLog
		}
	}
	return 0
}

// Do runs a command that may change the session (step, msg, eval...);
// done (may be nil) gets the result on the UI goroutine.
func (c *Controller) Do(cmd engine.Command, done func(engine.Result)) {
	if !c.HasSession() {
		if done != nil {
			done(engine.Failed("no game folder is open"))
		}
		return
	}
	label := cmd.String()
	switch cmd.Op {
	case "reload", "edit":
	default:
		c.ReloadDiff = nil // the highlights follow this command now
	}
	c.begin(label)
	gen := c.Gen
	errsBefore := len(c.Errors)
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			c.post(func() { c.end("") })
			return
		}
		res := c.sess.Do(cmd)
		sn := c.take(false)
		c.post(func() {
			c.flush()
			ch := c.apply(sn)
			if res.Changes != nil || cmd.Op != "eval" {
				c.LastChanges = res.Changes
			}
			c.end(c.statusAfter(label, res, errsBefore))
			c.notify(ch)
			if done != nil && gen == c.Gen {
				done(res)
			}
		})
	})
}

// statusAfter is the status line after a command: with errors, how many
// (they are in Problems) rather than the first as if the load had failed
// there; a fatal error is named.
func (c *Controller) statusAfter(label string, res engine.Result, errsBefore int) string {
	if res.OK || errsBefore > len(c.Errors) {
		return statusOf(label, res)
	}
	errs := c.Errors[errsBefore:]
	for _, e := range errs {
		if e.Fatal {
			return label + ": stopped by " + FirstLine(engine.FormatError(e))
		}
	}
	switch len(errs) {
	case 0:
		return statusOf(label, res)
	case 1:
		return label + ": done, 1 error — " + FirstLine(res.Error)
	}
	return fmt.Sprintf("%s: done, %d errors (Problems, Ctrl+6)", label, len(errs))
}

func statusOf(label string, res engine.Result) string {
	if res.OK {
		return label + ": ok"
	}
	return label + ": " + FirstLine(res.Error)
}

// FirstLine is s up to its first line break ("…" marks the cut).
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// View runs a read-only view command (page, diff, search, registries); it
// does not count as busy and never refreshes the state.
func (c *Controller) View(cmd engine.Command, done func(engine.Result)) {
	if !c.HasSession() {
		done(engine.Failed("no game folder is open"))
		return
	}
	gen := c.Gen
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			return
		}
		res := c.sess.Do(cmd)
		c.post(func() {
			if gen == c.Gen {
				done(res)
			}
		})
	})
}

// AddWatch adds a watch expression in a context; its value is shown now
// and refreshed after every command.
func (c *Controller) AddWatch(ctx, expr string, done func()) {
	c.View(engine.Command{Op: "watch", Args: []any{ctx}, Code: expr}, func(r engine.Result) {
		w := engine.WatchResult{Context: ctx, Expr: expr, Value: r.Result}
		if !r.OK {
			w.Error = r.Error
		}
		c.Watches = append(c.Watches, w)
		c.notify(ChangeWatches)
		if done != nil {
			done()
		}
	})
}

// ClearWatches removes every watch expression.
func (c *Controller) ClearWatches() {
	c.View(engine.Command{Op: "unwatch"}, func(engine.Result) {
		c.Watches = nil
		c.notify(ChangeWatches)
	})
}

// RunLine parses one event-script line and runs it.
func (c *Controller) RunLine(line string, done func(engine.Result)) {
	cmd, err := engine.ParseCommand(line)
	if err != nil {
		res := engine.Failed("%s: %v", strings.TrimSpace(line), err)
		c.Status = res.Error
		c.notify(ChangeBusy)
		if done != nil {
			done(res)
		}
		return
	}
	c.Do(cmd, done)
}

// Eval evaluates Lua code in a context, echoing it, its output and its
// result or error to the console.
func (c *Controller) Eval(ctx, code string, done func(engine.Result)) {
	c.Console = append(c.Console, ConsoleLine{Context: ctx, Kind: "input", Text: code})
	mark := len(c.Console)
	c.notify(ChangeConsole)
	c.Do(engine.Command{Op: "eval", Args: []any{ctx}, Code: code}, func(r engine.Result) {
		if r.OK {
			text := r.Result
			if text == "" {
				text = "(no value)"
			}
			c.Console = append(c.Console, ConsoleLine{Context: ctx, Kind: "result", Text: text})
		} else {
			seen := false
			for i := mark; i < len(c.Console); i++ {
				if c.Console[i].Kind == "error" && c.Console[i].Raw == r.Error {
					seen = true
				}
			}
			if !seen {
				where := ""
				if f, l, ok := SplitWhere(r.Error); ok {
					where = fmt.Sprintf("%s:%d", f, l)
				}
				c.Console = append(c.Console, ConsoleLine{Context: ctx, Kind: "error", Level: "error", Where: where, Text: r.Error, Raw: r.Error})
			}
		}
		c.notify(ChangeConsole)
		if done != nil {
			done(r)
		}
	})
}

// ToggleBreakpoint switches the breakpoint before a step.
func (c *Controller) ToggleBreakpoint(step string) {
	if c.Breakpoints[step] {
		delete(c.Breakpoints, step)
	} else {
		c.Breakpoints[step] = true
	}
	c.notify(ChangeBreakpoints)
}

// Stop stops a running Run all / Run to selected before its next step and
// interrupts the Lua that runs now (it ends with an error, like the
// watchdog would end it).
func (c *Controller) Stop() {
	c.stop.Store(true)
	if c.Busy > 0 {
		if d := c.live.Load(); d != nil {
			(*d).Interrupt()
		}
	}
}

// Step runs the next step.
func (c *Controller) Step(done func(engine.Result)) {
	c.ReloadDiff = nil
	if c.Next >= len(c.Steps) && len(c.Steps) > 0 {
		c.Status = "Every step has run: Reset or Reload to start again"
		c.notify(ChangeBusy)
		if done != nil {
			done(engine.Failed("%s", c.Status))
		}
		return
	}
	c.Do(engine.Command{Op: "step"}, done)
}

// RunAll runs the remaining steps, stopping before a step with a
// breakpoint (except the one it starts at).
func (c *Controller) RunAll(done func(engine.Result)) {
	c.ReloadDiff = nil
	c.runSteps(-1, "Run all", done)
}

// RunTo runs steps up to and including step index target (stopping early
// at breakpoints).
func (c *Controller) RunTo(target int, done func(engine.Result)) {
	name := ""
	if target >= 0 && target < len(c.Steps) {
		name = c.Steps[target]
	}
	c.ReloadDiff = nil
	c.runSteps(target, "Run to "+name, done)
}

func (c *Controller) runSteps(target int, label string, done func(engine.Result)) {
	if !c.HasSession() {
		if done != nil {
			done(engine.Failed("no game folder is open"))
		}
		return
	}
	bps := map[string]bool{}
	for k, v := range c.Breakpoints {
		bps[k] = v
	}
	c.begin(label)
	gen := c.Gen
	errsBefore := len(c.Errors)
	c.stop.Store(false)
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			c.post(func() { c.end("") })
			return
		}
		res := engine.Result{OK: true}
		why := ""
		for n := 0; ; n++ {
			steps, next := c.sess.Steps()
			if next >= len(steps) {
				if n == 0 {
					why = "every step has already run"
				}
				break
			}
			if target >= 0 && next > target {
				break
			}
			if n > 0 && bps[steps[next]] {
				why = "stopped at the breakpoint before " + steps[next] + " (F5 runs the rest)"
				break
			}
			if c.stop.Load() {
				why = "stopped before " + steps[next]
				break
			}
			r := c.sess.Do(engine.Command{Op: "step"})
			if !r.OK && res.OK {
				res = r
			}
			sn := c.take(true)
			c.post(func() { c.flush(); c.notify(c.apply(sn)) })
		}
		sn := c.take(false)
		c.post(func() {
			c.flush()
			ch := c.apply(sn)
			st := c.statusAfter(label, res, errsBefore)
			if why != "" {
				st = label + ": " + why
			}
			c.end(st)
			c.notify(ch)
			if done != nil && gen == c.Gen {
				done(res)
			}
		})
	})
}

// Reset starts the folder afresh.
func (c *Controller) Reset(done func(engine.Result)) {
	c.Console, c.Errors, c.ErrBase = nil, nil, 0
	c.ReloadDiff, c.ReloadWhy = nil, ""
	c.notify(ChangeConsole)
	c.Do(engine.Command{Op: "reset"}, done)
}

// Reload runs ReloadLua (all its steps, or stepwise up to a breakpoint).
func (c *Controller) Reload(done func(engine.Result)) { c.ReloadFor("Ctrl+R", done) }

// ReloadFor runs ReloadLua because of why (shown with the changes), and
// then collects every context's changes since the state before it.
func (c *Controller) ReloadFor(why string, done func(engine.Result)) {
	c.markReload()
	c.ErrBase = len(c.Errors) // the problems are the reload's from now on
	c.notify(ChangeConsole)
	finish := func(r engine.Result) {
		c.collectReload(why)
		if done != nil {
			done(r)
		}
	}
	if len(c.Breakpoints) == 0 {
		c.Do(engine.Command{Op: "reload"}, finish)
		return
	}
	c.Do(engine.Command{Op: "reload", Stepwise: true}, func(r engine.Result) {
		if !r.OK {
			finish(r)
			return
		}
		c.runSteps(-1, "Reload ("+why+")", finish)
	})
}

// EditFor runs `edit FILE` (the model reloads what holds the file) with
// the changes collected as for a reload; notApplicable is called instead
// of done when the model has no edit (then a ReloadFor is the way).
func (c *Controller) EditFor(rel, why string, done func(engine.Result)) {
	c.markReload()
	c.RunLine("edit "+engine.FormatArg(rel), func(r engine.Result) {
		if !r.OK && strings.Contains(r.Error, "does not apply") {
			c.ReloadFor(why, done)
			return
		}
		c.collectReload(why)
		if done != nil {
			done(r)
		}
	})
}

// CurrentErrors are the errors of the current load (since the folder
// opened, the last reset or the last reload).
func (c *Controller) CurrentErrors() []engine.ErrorRecord {
	if c.ErrBase > len(c.Errors) {
		c.ErrBase = 0
	}
	return c.Errors[c.ErrBase:]
}

// markReload snapshots every context as the "before" of a reload.
func (c *Controller) markReload() {
	c.ReloadDiff = nil
	if c.HasSession() {
		c.View(engine.Command{Op: "mark"}, func(engine.Result) {})
	}
}

// collectReload fetches every context's changes since markReload.
func (c *Controller) collectReload(why string) {
	if !c.HasSession() {
		return
	}
	c.View(engine.Command{Op: "since"}, func(r engine.Result) {
		if !r.OK || r.ReloadDiff == nil || !r.ReloadDiff.Marked {
			return
		}
		c.ReloadDiff, c.ReloadWhy = r.ReloadDiff, why
		c.notify(ChangeGlobals)
	})
}

// Replay plays an event script; done gets one result per line.
func (c *Controller) Replay(name, src string, done func([]engine.EventResult)) {
	if !c.HasSession() {
		return
	}
	lines := engine.ParseScript(src)
	c.begin("Replay " + name)
	gen := c.Gen
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			c.post(func() { c.end("") })
			return
		}
		out := c.sess.RunScript(lines)
		sn := c.take(false)
		c.post(func() {
			c.flush()
			ch := c.apply(sn)
			bad := 0
			for _, r := range out {
				if !r.OK {
					bad++
				}
			}
			c.end(fmt.Sprintf("Replayed %s: %d lines, %d failed", name, len(out), bad))
			c.notify(ch)
			if done != nil {
				done(out)
			}
		})
	})
}

// Script renders the history as an event script that replays it.
func (c *Controller) Script() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# modscope event script\n# folder: %s (%s model)\n", c.Dir, c.Model)
	for _, e := range c.Log {
		if e.Text == "" {
			continue
		}
		if !e.OK && len(e.Errors) > 0 {
			fmt.Fprintf(&b, "# failed: %s\n", FirstLine(e.Errors[0]))
		}
		b.WriteString(e.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// Sync waits until every command queued before it finished, then calls
// done on the UI goroutine.
func (c *Controller) Sync(done func()) {
	c.enqueue(func() { c.post(done) })
}

// ResolvePath turns a file name from an error or a provenance (relative to
// the folder, maybe with a leading "@" or "./") into a path on disk.
func (c *Controller) ResolvePath(name string) (string, bool) {
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	name = strings.TrimPrefix(name, "./")
	if name == "" || c.Dir == "" {
		return "", false
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(c.Dir, filepath.FromSlash(name))
	}
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p, true
	}
	return "", false
}

// SplitWhere splits "file:line" (also "file:line:" and "file:line: msg").
func SplitWhere(where string) (file string, line int, ok bool) {
	where = strings.TrimSpace(where)
	// the first ":<digits>" group followed by the end, ":" or a space
	for i := 1; i < len(where); i++ {
		if where[i] != ':' {
			continue
		}
		j := i + 1
		for j < len(where) && where[j] >= '0' && where[j] <= '9' {
			j++
		}
		if j == i+1 || (j < len(where) && where[j] != ':' && where[j] != ' ') {
			continue
		}
		n := 0
		fmt.Sscanf(where[i+1:j], "%d", &n)
		file = where[:i]
		if k := strings.LastIndexAny(file, " \t"); k >= 0 {
			file = file[k+1:]
		}
		if file == "" || n <= 0 {
			return "", 0, false
		}
		return file, n, true
	}
	return "", 0, false
}
