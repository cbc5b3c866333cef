package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"
	"modscope/engine/record"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Session is the one narrow interface the window and the CLI drive the
// engine through: Do takes a Command and returns a plain Result; Subscribe
// streams plain Events; Report and Contexts return plain data. It is safe
// for concurrent use (commands run one at a time); Lua never runs on the
// caller's goroutine.
type Session struct {
	Dir string
	opt Options

	mu    sync.Mutex // one command at a time
	game  *Game      // written under mu and rmu: read under either
	host  *Host
	model Model
	start time.Time

	rmu       sync.Mutex       // guards what emit collects
	rec       *record.Recorder // the report's records and the log, from the events
	info      struct{ model, folder, mode string }
	noGame    string // why no game is open (Close, a failed reset); "" while one is
	retired   map[string]*StubRecord
	listeners map[int]func(Event)
	nextL     int

	track     bool
	prev_     map[string]ctxSnap // snapshots after the command before the latest
	cur_      map[string]ctxSnap // snapshots after the latest command
	mark_     markSnaps          // the "mark" view's snapshots (reloaddiff.go)
	watches   []watch
	watchVals []WatchResult

	// what earlier games of the report (before a reset) add to its time
	// bound (containment.md)
	boundBefore time.Duration
	callsBefore int
}

// MaxMessageRecords bounds the messages a report lists: a loop sending
// messages must not fill the memory with their records. Errors are
// bounded the same.
const MaxMessageRecords = record.MaxMessageRecords

// MaxReportSectionBytes bounds the text of each part of a report (output,
// errors, messages): past it, output lines are dropped, errors lose their
// tracebacks, messages their arguments (engine/record).
const MaxReportSectionBytes = record.MaxReportSectionBytes

// Open opens a game folder and prepares its model; nothing runs until a
// step is asked for. Its error is an *OpenError: what the folder looked
// like comes with it.
func Open(dir string, opt Options) (*Session, error) {
	s := &Session{Dir: dir, opt: opt, listeners: map[int]func(Event){}, rec: record.New(opt.KeepReportOnReset)}
	if err := s.open(); err != nil {
		// detection and settings only: the folder is not walked (it may be
		// a home folder, "matches no model")
		return nil, &OpenError{Err: err, Folder: inspectDir(dir, "", "", false)}
	}
	return s, nil
}

func (s *Session) open() error {
	g, err := OpenGame(s.Dir, s.opt)
	if err != nil {
		return err
	}
	s.rmu.Lock() // Interrupt reads it while a command (a reset) runs
	s.game = g
	s.rmu.Unlock()
	s.host = &Host{Game: g, emit: s.emit, retire: func(st []StubRecord) {
		s.rmu.Lock()
		mergeStubs(s.retired, st)
		s.rmu.Unlock()
	}}
	s.rmu.Lock()
	s.info.model, s.info.folder, s.info.mode = g.Model, g.Dir, g.Mode
	s.retired = map[string]*StubRecord{}
	s.rmu.Unlock()
	s.start = time.Now()
	m, err := newModel(s.host)
	if err != nil {
		g.Close()
		return err
	}
	s.model = m
	return nil
}

// Close unloads everything.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked()
	s.rmu.Lock()
	s.noGame = "the session is closed"
	s.rmu.Unlock()
}

func (s *Session) closeLocked() {
	if s.model != nil {
		s.model.Close()
		s.model = nil
	}
	if s.game != nil {
		s.game.Close()
	}
}

// Game returns the opened folder.
func (s *Session) Game() *Game {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return s.game
}

// Subscribe registers fn for every event; it returns a function that
// unsubscribes. fn is called on engine goroutines: it must not block.
func (s *Session) Subscribe(fn func(Event)) func() {
	s.rmu.Lock()
	id := s.nextL
	s.nextL++
	s.listeners[id] = fn
	s.rmu.Unlock()
	return func() {
		s.rmu.Lock()
		delete(s.listeners, id)
		s.rmu.Unlock()
	}
}

// emit records an event and hands it to the subscribers.
func (s *Session) emit(e Event) {
	s.rmu.Lock()
	s.rec.Apply(e)
	ls := make([]func(Event), 0, len(s.listeners))
	for _, l := range s.listeners {
		ls = append(ls, l)
	}
	s.rmu.Unlock()
	for _, l := range ls {
		l(e)
	}
}

// FormatError renders an error record as one line: file:line: message.
func FormatError(e ErrorRecord) string { return record.FormatError(e) }

// Steps returns the model's step names and the index of the next one.
func (s *Session) Steps() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.model == nil {
		return nil, 0
	}
	return s.model.Steps(), s.model.Next()
}

// Do carries out one command.
func (s *Session) Do(cmd Command) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.model == nil && cmd.Op != "reset" {
		return Failed("the session is closed")
	}
	switch cmd.Op {
	case "step":
		return s.stepLocked()
	case "until":
		return s.untilLocked(cmd.Arg(0))
	case "run":
		return s.untilLocked("")
	case "reset":
		return s.resetLocked()
	case "eval":
		return s.luaReload(s.evalLocked(cmd))
	}
	if r, ok := s.viewLocked(cmd); ok {
		return r
	}
	res := s.commandLocked(cmd)
	if cmd.Op == "reload" && res.OK && !cmd.Stepwise {
		if r := s.untilLocked(""); !r.OK && res.Error == "" {
			res.OK, res.Error = false, r.Error
		}
	}
	return s.luaReload(res)
}

// luaReload runs the reload that Lua code asked for during a command
// (ReloadLua() in an eval or a message handler), as the game would before
// the next frame.
func (s *Session) luaReload(res Result) Result {
	p, ok := s.model.(ReloadRequester)
	if !ok || !p.TakeReload() {
		return res
	}
	if r := s.untilLocked(""); !r.OK && res.Error == "" {
		res.OK, res.Error = false, r.Error
	}
	return res
}

// begin starts collecting records for a step ("step") or command (its verb).
func (s *Session) begin(name, kind, text string) {
	s.emit(record.BeginEvent(name, kind, text))
}

// end finishes the step or command: timing, globals changes, the log
// entry; it returns the log entry.
func (s *Session) end(start time.Time, cmdErr string) LogEntry {
	for _, e := range s.game.TakeListErrors() { // an unreadable subfolder is said, not skipped silently
		s.rmu.Lock()
		if name, ok := s.rec.Running(); ok {
			e.Step = name
		}
		s.rmu.Unlock()
		s.emit(Event{Kind: EventError, Step: e.Step, Error: &e})
	}
	changes := s.collectChanges()
	s.afterStep()
	s.rmu.Lock()
	s.rec.SetGlobals(capNames(changes.Added), capNames(changes.Changed), capNames(changes.Removed))
	ev, ok := s.rec.EndEvent(msSince(start), cmdErr)
	s.rmu.Unlock()
	if !ok {
		return LogEntry{OK: cmdErr == "", Errors: nonEmpty(cmdErr)}
	}
	s.emit(ev)
	return *ev.Log
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// collectChanges gathers what each live context did to its globals.
func (s *Session) collectChanges() GlobalChanges {
	var all GlobalChanges
	ctxs := s.model.Contexts()
	multi := len(ctxs) > 1
	// Only contexts that changed a global are visited (a round trip to each
	// of thousands of contexts per step made large scenes quadratic).
	touched := map[*Context]bool{}
	for _, c := range s.game.takeChanged() {
		touched[c] = true
	}
	for _, c := range ctxs {
		if !touched[c] {
			continue
		}
		delete(touched, c)
		var ch GlobalChanges
		if c.Do(func(o *Lua) { ch = o.takeChanges() }) != nil {
			continue
		}
		prefix := ""
		if multi {
			prefix = c.Name + ": "
		}
		all.Added = appendUnique(all.Added, prefix, ch.Added)
		all.Changed = appendUnique(all.Changed, prefix, ch.Changed)
		all.Removed = appendUnique(all.Removed, prefix, ch.Removed)
	}
	for c := range touched { // not listed (yet): keep it for a later step
		select {
		case <-c.closed:
		default:
			s.game.chMu.Lock()
			s.game.changed = append(s.game.changed, c)
			s.game.chMu.Unlock()
		}
	}
	return all
}

// capNames bounds a list of global names for the report: a folder can
// create a hundred thousand globals with names of megabytes.
func capNames(names []string) []string {
	if len(names) > MaxMessageRecords {
		names = append(names[:MaxMessageRecords:MaxMessageRecords], fmt.Sprintf("… %d more", len(names)-MaxMessageRecords))
	}
	for i, n := range names {
		if len(n) > 1<<10 {
			names[i] = limitString(n, 1<<10)
		}
	}
	return names
}

func appendUnique(dst []string, prefix string, names []string) []string {
	seen := map[string]bool{}
	for _, n := range dst {
		seen[n] = true
	}
	for _, n := range names {
		n = prefix + n
		if !seen[n] {
			seen[n] = true
			dst = append(dst, n)
		}
	}
	return dst
}

func (s *Session) stepLocked() Result {
	steps := s.model.Steps()
	i := s.model.Next()
	if i >= len(steps) {
		return Failed("nothing left to step: every step has run (reset or reload to start again)")
	}
	start := time.Now()
	s.begin(steps[i], "step", "step")
	out := s.model.RunStep()
	lg := s.end(start, out.Error)
	if out.Fatal {
		s.rmu.Lock()
		s.rec.MarkFatal()
		s.rmu.Unlock()
	}
	return resultOf(lg)
}

func resultOf(lg LogEntry) Result {
	if lg.OK {
		return Result{OK: true}
	}
	return Result{Error: lg.Errors[0]}
}

// untilLocked runs steps until one called name ran or sent message name;
// "" runs every remaining step.
func (s *Session) untilLocked(name string) Result {
	var firstErr string
	for {
		steps := s.model.Steps()
		i := s.model.Next()
		if i >= len(steps) {
			if name != "" {
				return Failed("no step or message called %q is left to run (steps: %s)", name, strings.Join(steps, ", "))
			}
			if firstErr != "" {
				return Result{Error: firstErr}
			}
			return Result{OK: true}
		}
		r := s.stepLocked()
		if !r.OK && firstErr == "" {
			firstErr = r.Error
		}
		s.rmu.Lock()
		last, _ := s.rec.Last()
		s.rmu.Unlock()
		if name != "" && (last.Name == name || contains(last.Messages, name)) {
			if firstErr != "" {
				return Result{Error: firstErr}
			}
			return Result{OK: true}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Session) resetLocked() Result {
	s.closeLocked()
	bound, calls := s.game.bound()
	if err := s.open(); err != nil {
		s.rmu.Lock()
		s.noGame = limitString("the last reset failed: "+err.Error(), 300)
		s.rmu.Unlock()
		return Failed("reset: %v", err)
	}
	s.rmu.Lock()
	s.noGame = ""
	s.rmu.Unlock()
	if s.opt.KeepReportOnReset {
		// A headless run reports everything that ran, before a reset too
		// (the recorder keeps its records across the reset event).
		s.boundBefore += bound
		s.callsBefore += calls
	} else {
		s.boundBefore, s.callsBefore = 0, 0
	}
	s.emit(record.ResetEvent())
	return Result{OK: true}
}

// commandLocked hands a model command to the model, collecting its records.
func (s *Session) commandLocked(cmd Command) Result {
	start := time.Now()
	before := s.contextNames()
	s.begin(cmd.String(), cmd.Op, cmd.String())
	res, ok := s.model.Do(cmd)
	if !ok {
		res = Failed("%q does not apply to the %s model", cmd.Op, s.game.Model)
	}
	lg := s.end(start, res.Error)
	if res.Changes == nil {
		after := s.contextNames()
		ch := &ContextChanges{Created: minus(after, before), Removed: minus(before, after)}
		if len(ch.Created)+len(ch.Removed) > 0 {
			res.Changes = ch
		}
	}
	if res.Error == "" && !lg.OK {
		res.Error = lg.Errors[0]
	}
	res.OK = res.Error == ""
	return res
}

func (s *Session) contextNames() []string {
	var out []string
	for _, c := range s.model.Contexts() {
		out = append(out, c.Name)
	}
	return out
}

func minus(a, b []string) []string {
	set := map[string]bool{}
	for _, x := range b {
		set[x] = true
	}
	var out []string
	for _, x := range a {
		if !set[x] {
			out = append(out, x)
		}
	}
	return out
}

// Context finds a live context by name ("" picks the model's default
// context, ModelSpec.DefaultContext, or else the first one).
func (s *Session) Context(name string) (*Context, error) {
	if s.model == nil {
		return nil, errors.New("the session is closed")
	}
	ctxs := s.model.Contexts()
	if name == "" {
		if sp := s.modelSpec(); sp != nil && sp.DefaultContext != "" {
			for _, c := range ctxs {
				if c.Name == sp.DefaultContext {
					return c, nil
				}
			}
		}
		if len(ctxs) >= 1 {
			return ctxs[0], nil
		}
		return nil, errors.New("there is no context yet (step or run first)")
	}
	names := make([]string, 0, len(ctxs))
	for _, c := range ctxs {
		if c.Name == name {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return nil, fmt.Errorf("no context called %q (live contexts: %s)", name, strings.Join(names, ", "))
}

func (s *Session) evalLocked(cmd Command) Result {
	c, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("eval: %v", err)
	}
	start := time.Now()
	s.begin(cmd.String(), "eval", cmd.String())
	var out string
	var rec *ErrorRecord
	err = c.Do(func(o *Lua) {
		// Errors and globals of the eval belong to the eval, not to the
		// step that ran in this context before.
		prevStep := o.Step()
		o.SetStep(cmd.String())
		defer o.SetStep(prevStep)
		var vals []lua.LValue
		vals, rec = o.runEval(cmd.Code)
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = o.DisplayString(v)
		}
		out = strings.Join(parts, "\t")
	})
	msg := ""
	if err != nil {
		msg = err.Error()
	} else if rec != nil {
		msg = FormatError(*rec)
	}
	s.end(start, "")
	if msg != "" {
		return Result{Error: msg}
	}
	return Result{OK: true, Result: out}
}

// RunScript plays event-script lines and returns one result per line.
func (s *Session) RunScript(lines []ScriptLine) []EventResult {
	var out []EventResult
	for _, ln := range lines {
		er := EventResult{Line: ln.Line, Event: ln.Text}
		if ln.Err != nil {
			er.Error = fmt.Sprintf("line %d: %v", ln.Line, ln.Err)
		} else {
			r := s.Do(ln.Cmd)
			er.OK, er.Result, er.Error = r.OK, r.Result, r.Error
		}
		out = append(out, er)
	}
	s.rmu.Lock()
	s.rec.AddEvents(out)
	s.rmu.Unlock()
	return out
}

// Log returns the event log so far.
func (s *Session) Log() []LogEntry {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return s.rec.Log()
}

// Contexts describes every live context.
func (s *Session) Contexts() []ContextInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contextsLocked()
}

func (s *Session) contextsLocked() []ContextInfo {
	if s.model == nil {
		return nil
	}
	var out []ContextInfo
	for _, c := range s.model.Contexts() {
		var info ContextInfo
		if c.Do(func(o *Lua) { info = o.info() }) == nil {
			out = append(out, info)
		}
	}
	return out
}

// Report returns the report so far: steps, errors, contexts, handlers,
// classes and stubs as they are now.
func (s *Session) Report() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rmu.Lock()
	rr := s.rec.Records()
	r := Report{Model: s.info.model, Folder: s.info.folder, Mode: s.info.mode,
		Steps: rr.Steps, Files: rr.Files, Errors: rr.Errors, Messages: rr.Messages, Events: rr.Events, Output: rr.Output}
	s.rmu.Unlock()
	r.Ms = msSince(s.start)
	if s.game != nil {
		bound, calls := s.game.bound()
		r.BoundMs = float64((s.boundBefore + bound + BoundConstant).Milliseconds())
		r.Calls = s.callsBefore + calls
	}
	r.Contexts = s.contextsLocked()
	if r.Contexts == nil {
		r.Contexts = []ContextInfo{} // "contexts": [] rather than null (docs/report.md)
	}
	r.Handlers = map[string]int{}
	stubs := map[string]*StubRecord{}
	for k, v := range s.retired {
		cp := *v
		stubs[k] = &cp
	}
	if s.model != nil {
		for _, c := range s.model.Contexts() {
			if err := c.Do(func(o *Lua) {
				for n, k := range o.handlerCounts() {
					r.Handlers[n] += k
				}
				if len(stubs) < 2*MaxReportStubs { // a flood in many contexts: stop merging early
					mergeStubs(stubs, o.stubList())
				} else {
					r.StubsNotListed += len(o.stubList())
				}
			}); err != nil {
				continue // ErrClosed: unloaded since it was listed, its stubs retired
			}
		}
		if cc, ok := s.model.(ClassCounter); ok {
			r.Classes = cc.ClassCount()
		}
	}
	r.Stubs = make([]StubRecord, 0, len(stubs))
	for _, st := range stubs {
		r.Stubs = append(r.Stubs, *st)
	}
	sort.Slice(r.Stubs, func(i, j int) bool { return r.Stubs[i].Name < r.Stubs[j].Name })
	if len(r.Stubs) > MaxReportStubs {
		// a flood of distinct stand-in names in many contexts: the report
		// lists the first ones and says how many it left out
		r.StubsNotListed += len(r.Stubs) - MaxReportStubs
		r.Stubs = r.Stubs[:MaxReportStubs]
	}
	for i := range r.Stubs {
		r.Stubs[i].Name = limitString(r.Stubs[i].Name, 1<<10)
		r.Stubs[i].First = limitString(r.Stubs[i].First, 1<<10)
	}
	r.Stubs = NestStubs(r.Stubs)
	return r
}

// MaxReportStubs bounds the stand-ins a report lists (StubsNotListed says
// how many more there were).
const MaxReportStubs = 20000

func mergeStubs(into map[string]*StubRecord, list []StubRecord) {
	for _, st := range list {
		if have := into[st.Name]; have != nil {
			have.Calls += st.Calls
			have.Reads += st.Reads
			have.Writes += st.Writes
			have.Classes = append(have.Classes, st.Classes...)
			for _, n := range st.Arities {
				have.addArity(n)
			}
		} else {
			cp := st
			into[st.Name] = &cp
		}
	}
}

// Retire keeps a closing context's stub records for the report (models call
// it through Host before closing a context).
func (h *Host) Retire(c *Context) {
	var st []StubRecord
	if c.Do(func(o *Lua) { st = o.stubList() }) != nil {
		return
	}
	if h.retire != nil {
		h.retire(st)
	}
}
