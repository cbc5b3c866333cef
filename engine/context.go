package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"
	"modscope/engine/record"
	"modscope/inspector"
)

// ErrClosed is returned when a command reaches a context that was unloaded.
var ErrClosed = errors.New("context is unloaded")

// ErrNestedDo is wrapped by the error Do returns when it is called on the
// context's own goroutine while one of its jobs runs (see Do).
var ErrNestedDo = errors.New("nested Do on the owner goroutine")

// Context is one isolated Lua state, as seen from any goroutine: a handle.
// One goroutine owns the state; every use of it goes through Do, which runs
// a function on that goroutine and hands it the owner-only access (Lua).
// The handle's own methods (Do, Close, State, SetState, Residents,
// SetResidents, AddResident, Game) are safe from any goroutine; its exported
// fields are fixed at creation.
type Context struct {
	Name  string
	Model string
	Key   string

	// emit, if set, receives records as they happen (mostly on the owner
	// goroutine): the session's event stream, set by Host.NewContext
	// before the context is returned; read-only afterwards.
	emit func(Event)

	game *Game

	jobs   chan func()
	closed chan struct{}
	once   sync.Once

	mu        sync.Mutex // guards state and residents for readers on other goroutines
	state     string
	residents []string

	owner  *Lua        // handed to the jobs Do runs; touched only by them
	busy   atomic.Bool // a job of Do is running on the owner goroutine
	ownerG uint64      // the owner goroutine's id, set before the first job
}

// Lua is a context's owner-only access: the Lua state and everything
// recorded about it (globals and their provenance, files, errors, output,
// handlers, stand-ins). Do hands it to the function it runs on the owner
// goroutine; only code running there may use it: that function, the Lua
// callbacks it registers (they capture it) and a model's owner-side state
// set from there. Never hand it to another goroutine: they use the handle.
// The handle's fields and goroutine-safe methods are reachable through the
// embedded Context.
type Lua struct {
	*Context

	L           *lua.LState
	globals     *globalsTable
	step        string
	file        string
	depth       int // host calls in progress (nested ones reuse the deadline)
	watchdogOff bool
	watch       *watchdog // the deadline of the innermost call with its own
	resumes     int       // coroutine resumes in progress, nested (MaxResumeNesting)
	quiet       bool      // records are not emitted (a watch's evaluation)

	// LockNewGlobals makes creating a global an error while the global
	// Loading is not true (autorun).
	LockNewGlobals bool
	// StrictReads makes reading an undefined global an error while Loading
	// is not true (autorun in strict mode).
	StrictReads bool
	// Resolve maps a require name to a file relative to the game folder.
	Resolve func(name string) (string, error)

	inspect map[*lua.LTable]func() // OnInspect hooks

	files    []FileRun
	errs     []ErrorRecord
	output   []OutputLine
	outBytes int // text bytes in output; past MaxOutputBytes lines are dropped
	errsLost int // errors past MaxErrorRecords, dropped
	handlers map[string][]*Handler
	hseq     int
	stubs    map[string]*StubRecord
	stand    *stubState // stub mode: stand-ins and root causes (rootcause.go)
	changes  GlobalChanges
	queued   bool // changes is in the game's list of contexts with changes

	assigns *assignRecorder // mods' assignments, for conflicts (conflicts.go)
}

// Handler is a registered message/event handler or callback.
type Handler struct {
	Name  string
	Fn    *lua.LFunction
	Where string
	Seq   int
}

// NewContext creates a context and its sandboxed state, on its own
// goroutine. Its records go nowhere but its own lists (Host.NewContext
// makes one wired to the session's event stream).
func (g *Game) NewContext(name, model, key string) (*Context, error) {
	return g.newContext(name, model, key, nil)
}

// newContext is NewContext sending the context's records, after its
// initialisation, to emit (nil: nowhere).
func (g *Game) newContext(name, model, key string, emit func(Event)) (*Context, error) {
	c := &Context{
		Name: name, Model: model, Key: key, game: g,
		jobs:   make(chan func()),
		closed: make(chan struct{}),
		state:  StateLoading,
	}
	c.owner = &Lua{Context: c, handlers: map[string][]*Handler{}, stubs: map[string]*StubRecord{}}
	go c.loop()
	var err error
	if derr := c.Do(func(o *Lua) { err = o.init() }); derr != nil {
		err = derr
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("create context %s: %w", name, err)
	}
	c.emit = emit // before c is returned: the owner reads it in later jobs only
	return c, nil
}

func (c *Context) loop() {
	c.ownerG = goroutineID()
	o := c.owner
	// A small initial Lua stack (128 slots, 2 KiB: the least NewState
	// takes; C Lua starts with 40) that grows on demand up to
	// RegistryMaxSize, so that a thousand loaded sectors stay cheap
	// (engine/sectors benchmarks, BENCHMARKS.md).
	o.L = lua.NewState(lua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       200,
		RegistrySize:        128,
		RegistryMaxSize:     4 * 1024 * 1024,
		RegistryGrowStep:    256,
		MinimizeStackMemory: true,
	})
	defer func() {
		o.L.Close()
		o.L = nil
	}()
	for {
		select {
		case job := <-c.jobs:
			c.busy.Store(true)
			job()
			c.busy.Store(false)
		case <-c.closed:
			return
		}
	}
}

// Do runs fn on the goroutine that owns the state, with the owner access,
// and waits for it. A Go panic inside fn is recorded as an error of this
// context, never a crash. It returns ErrClosed when the context is
// unloaded.
//
// Do is not re-entrant: called on the owner goroutine inside a job of the
// same context (a Lua callback holding the handle instead of the *Lua), it
// returns an error wrapping ErrNestedDo at once, without running fn and
// without deadlocking: code already on the owner goroutine uses the *Lua it
// was handed. (Running fn in place would hide its Go panics from the
// job's recovery behind a Lua pcall and relabel the outer job's step and
// file.) Other goroutines wait their turn. (A cycle across contexts, A's
// job waiting on B's waiting on A, still blocks: contexts do not call each
// other that way.)
func (c *Context) Do(fn func(o *Lua)) error {
	if c.busy.Load() && goroutineID() == c.ownerG { // the id only while a job runs
		select {
		case <-c.closed:
			return ErrClosed
		default:
		}
		return fmt.Errorf("Do called on context %s's own goroutine: use the *engine.Lua in hand: %w", c.Name, ErrNestedDo)
	}
	done := make(chan struct{})
	job := func() {
		o := c.owner
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				o.addError(ErrorRecord{Context: c.Name, Step: o.step, File: o.file,
					Message: fmt.Sprintf("internal error: %v", r), Traceback: string(debug.Stack())})
			}
		}()
		fn(o)
		o.queueChanges()
	}
	select {
	case c.jobs <- job:
	case <-c.closed:
		return ErrClosed
	}
	<-done
	return nil
}

// goroutineID is the id of the calling goroutine, read from its stack
// header ("goroutine 12 [running]:"). Do asks only while a job runs.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	var id uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			break
		}
		id = id*10 + uint64(ch-'0')
	}
	return id
}

// Close unloads the context: its goroutine ends and its state is freed.
func (c *Context) Close() {
	c.once.Do(func() {
		c.SetState(StateUnloaded)
		close(c.closed)
	})
}

// State returns the lifecycle state (safe from any goroutine).
func (c *Context) State() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// SetState changes the lifecycle state and emits a context event.
func (c *Context) SetState(s string) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
	if c.emit != nil {
		c.emit(Event{Kind: EventContext, Context: c.Name, Text: s})
	}
}

// Residents returns the scripts living in the context (scripts model).
func (c *Context) Residents() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.residents...)
}

// SetResidents replaces the resident list.
func (c *Context) SetResidents(r []string) {
	c.mu.Lock()
	c.residents = append([]string(nil), r...)
	c.mu.Unlock()
}

// AddResident appends one resident (a context shared by thousands of
// attachments gains one without copying the list).
func (c *Context) AddResident(r string) {
	c.mu.Lock()
	c.residents = append(c.residents, r)
	c.mu.Unlock()
}

// Game returns the folder this context runs.
func (c *Context) Game() *Game { return c.game }

// ---- owner-goroutine API (Lua: only inside Do) ----

// SetStep names the step that following records belong to.
func (c *Lua) SetStep(step string) { c.step = step }

// Step returns the current step name.
func (c *Lua) Step() string { return c.step }

// SetWatchdog turns the watchdog on or off (off during ReloadLua; a hard
// ceiling still applies so that nothing hangs for ever).
func (c *Lua) SetWatchdog(on bool) { c.watchdogOff = !on }

// Globals returns the real globals table (not the tracking proxy).
func (c *Lua) Globals() *lua.LTable { return c.globals.store }

// OnInspect registers fn to run before the inspector reads t or a value
// below it (a model's lazily filled table completes itself).
func (c *Lua) OnInspect(t *lua.LTable, fn func()) {
	if c.inspect == nil {
		c.inspect = map[*lua.LTable]func(){}
	}
	c.inspect[t] = fn
}

// beforeInspect runs the OnInspect hooks of the tables on path p below root.
func (c *Lua) beforeInspect(root *lua.LTable, p inspector.Path) {
	if len(c.inspect) == 0 {
		return
	}
	for i := 0; i <= len(p); i++ {
		v, err := inspector.Resolve(root, p[:i])
		if err != nil {
			return
		}
		if t, ok := v.(*lua.LTable); ok {
			if fn := c.inspect[t]; fn != nil {
				fn()
			}
		}
	}
}

// GlobalsProxy returns the table Lua code sees as _G.
func (c *Lua) GlobalsProxy() *lua.LTable { return c.globals.proxy }

// takeChanges returns and clears what happened to globals since last asked.
func (c *Lua) takeChanges() GlobalChanges {
	ch := c.changes
	c.changes = GlobalChanges{}
	c.queued = false
	return ch
}

// queueChanges puts c in the game's list of contexts with changes to
// collect, so that a step visits those only (owner goroutine).
func (c *Lua) queueChanges() {
	if c.queued || len(c.changes.Added)+len(c.changes.Changed)+len(c.changes.Removed) == 0 {
		return
	}
	c.queued = true
	c.game.chMu.Lock()
	c.game.changed = append(c.game.changed, c.Context)
	c.game.chMu.Unlock()
}

// Provenance returns where the global name was defined and last assigned.
func (c *Lua) Provenance(name string) (Provenance, bool) {
	p, ok := c.globals.prov[name]
	if !ok {
		return Provenance{}, false
	}
	return *p, true
}

// allProvenance returns every recorded global's provenance, sorted by name.
func (c *Lua) allProvenance() []Provenance {
	out := make([]Provenance, 0, len(c.globals.prov))
	for _, p := range c.globals.prov {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Files returns the file executions so far.
func (c *Lua) Files() []FileRun { return append([]FileRun(nil), c.files...) }

// Errors returns the errors so far.
func (c *Lua) Errors() []ErrorRecord { return append([]ErrorRecord(nil), c.errs...) }

// Output returns what the context printed.
func (c *Lua) Output() []OutputLine { return append([]OutputLine(nil), c.output...) }

// stubList returns the stand-ins touched so far, sorted by name.
func (c *Lua) stubList() []StubRecord {
	out := make([]StubRecord, 0, len(c.stubs))
	for _, s := range c.stubs {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// info describes the context (owner goroutine: it counts globals).
func (c *Lua) info() ContextInfo {
	n := 0
	if c.globals != nil {
		c.globals.store.ForEach(func(k, v lua.LValue) { n++ })
	}
	return ContextInfo{Name: c.Name, Model: c.Model, Key: c.Key, State: c.State(),
		Globals: n, Residents: c.Residents(), Files: len(c.files), Errors: len(c.errs)}
}

// emitting reports whether records are sent to emit now.
func (c *Lua) emitting() bool { return c.emit != nil && !c.quiet }

func (c *Lua) addError(e ErrorRecord) {
	if e.Context == "" {
		e.Context = c.Name
	}
	if len(c.errs) >= MaxErrorRecords { // an erroring handler in an endless Msg loop
		c.errsLost++
		if c.errsLost > 1 {
			return
		}
		e = ErrorRecord{Context: c.Name, Step: e.Step, File: e.File, Line: e.Line,
			Message: fmt.Sprintf("more than %d errors in this context: further errors are not recorded", MaxErrorRecords)}
	}
	c.classify(&e) // ID and root cause (rootcause.go)
	c.errs = append(c.errs, e)
	if c.emitting() {
		c.emit(Event{Kind: EventError, Context: c.Name, Step: e.Step, Error: &e})
	}
}

// AddError records an error found by a model (a bad metadata file, a
// dependency cycle) as if Lua had raised it.
func (c *Lua) AddError(e ErrorRecord) {
	if e.Step == "" {
		e.Step = c.step
	}
	c.addError(e)
}

func (c *Lua) addOutput(level, text string) { c.addOutputAt(level, text, c.where(1)) }

// addOutputAt records output printed from where (file:line).
func (c *Lua) addOutputAt(level, text, where string) {
	if c.outBytes > MaxOutputBytes { // a print loop must not fill the heap
		return
	}
	text = limitString(text, 64<<10) // as print does; loggers call Print
	c.outBytes += len(text)
	if c.outBytes > MaxOutputBytes {
		text = fmt.Sprintf("output limit reached: more than %d MiB printed by this context; further output is dropped", MaxOutputBytes>>20)
	}
	o := OutputLine{Context: c.Name, Where: where, Level: level, Text: text}
	c.output = append(c.output, o)
	if c.emitting() {
		c.emit(Event{Kind: EventOutput, Context: c.Name, Step: c.step, Text: text, Where: o.Where, Level: level})
	}
}

// Print records a line of output as if the context printed it.
func (c *Lua) Print(level, text string) { c.addOutput(level, text) }

// where returns "file:line" of the Lua function `level` frames up, or "".
func (c *Lua) where(level int) string {
	L := c.L
	for lv := level; lv < level+6; lv++ {
		dbg, ok := L.GetStack(lv)
		if !ok {
			return ""
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return ""
		}
		if dbg.CurrentLine > 0 && dbg.Source != "" && dbg.Source != "[G]" && !strings.HasPrefix(dbg.Source, "=[modscope") {
			return fmt.Sprintf("%s:%d", dbg.Source, dbg.CurrentLine)
		}
	}
	return ""
}

// Where returns "file:line" of the innermost Lua code running (owner goroutine).
func (c *Lua) Where() string { return c.where(0) }

// ---- running code ----

// ErrorOf turns a failed call into a record.
var errPos = regexp.MustCompile(`^(.+?):(\d+): ?(?s:(.*))$`)

// timeoutCause marks a deadline set by the watchdog.
type timeoutCause struct{ limit time.Duration }

func (t timeoutCause) Error() string { return "watchdog: " + t.limit.String() }

// memoryCause marks a call cancelled by the heap watchdog.
type memoryCause struct{ used, limit uint64 }

func (m memoryCause) Error() string {
	return fmt.Sprintf("memory limit exceeded: %d MiB used, limit %d MiB (a string or table grown without end?)", m.used>>20, m.limit>>20)
}

// Call runs fn(args...) under the watchdog and returns its results, or the
// error as a record (already recorded in the context). what names the call
// for the error (a file or handler). Safe to nest: an inner call inherits the
// outer deadline.
func (c *Lua) Call(fn lua.LValue, args []lua.LValue, what string) ([]lua.LValue, *ErrorRecord) {
	L := c.L
	c.depth++
	defer func() { c.depth-- }()
	var gctx context.Context
	var cancel context.CancelCauseFunc
	if c.depth == 1 {
		base, cancelBase := context.WithCancelCause(context.Background())
		limit := c.callLimit()
		w := startWatchdog(limit, cancelBase)
		// The call's budget: what it triggers (handlers with deadlines of
		// their own, nested to any depth) ends with it (containment.md).
		budget := CallBudget(limit)
		total := time.AfterFunc(budget, func() { cancelBase(budgetCause{limit: limit, budget: budget}) })
		gctx = watchContext{base}
		cancel = func(err error) { total.Stop(); w.stop(); cancelBase(err) }
		c.game.calls.Add(1)
		c.game.budgetNs.Add(int64(budget))
		c.watch = w
		if c.game.memHit.CompareAndSwap(true, false) {
			runtime.GC() // a call stopped for memory left its garbage behind
		}
		c.game.running(c, cancelBase) // the game's watchdogs call cancelBase, nothing else of c
		L.SetContext(gctx)
		defer func() {
			c.game.running(c, nil)
			c.watch = nil
			L.RemoveContext()
			cancel(nil)
		}()
	}
	res, err := pcall(L, fn, args)
	if err == nil {
		return res, nil
	}
	rec := c.errorRecord(err, what, gctx)
	c.addError(rec)
	return nil, &rec
}

// pcall calls fn(args...) on L in protected mode and returns its results,
// or the error; L's stack is left as it was.
func pcall(L *lua.LState, fn lua.LValue, args []lua.LValue) ([]lua.LValue, error) {
	top := L.GetTop()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), lua.MultRet, nil)
	if err != nil {
		L.SetTop(top)
		return nil, err
	}
	n := L.GetTop() - top
	res := make([]lua.LValue, n)
	for i := 0; i < n; i++ {
		res[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return res, nil
}

// CallBudgetFactor bounds a top-level call (a file, an event, a handler a
// step runs) with everything it triggers: each message handler it runs has
// a deadline of its own (a looping one is stopped alone), but together they
// may not run longer than this many times the limit.
const CallBudgetFactor = 8

// CallBudget is the most a top-level call may take under limit.
func CallBudget(limit time.Duration) time.Duration { return CallBudgetFactor * limit }

// budgetCause marks a call stopped because it and what it triggered used
// its whole budget.
type budgetCause struct{ limit, budget time.Duration }

func (b budgetCause) Error() string { return "call budget: " + b.budget.String() }

// callLimit is the deadline of one file, handler or callback.
func (c *Lua) callLimit() time.Duration {
	limit := c.game.Timeout
	if c.watchdogOff {
		limit = max(12*limit, time.Minute)
	}
	return limit
}

// watchdog is a deadline that can be paused: while a handler runs under its
// own deadline, its caller's clock stops, so a message with many slow but
// finite handlers does not stop the file that sent it, and a loop sending
// messages is still stopped by its own time. Owner goroutine only; the
// timer's goroutine only cancels.
type watchdog struct {
	limit   time.Duration
	left    time.Duration
	started time.Time
	timer   *time.Timer
	cancel  context.CancelCauseFunc
}

// watchContext is a call's context: stopped by its watchdog, its Err is
// context.DeadlineExceeded (the text Lua code and tracebacks see), as a
// context with a deadline would say; stopped otherwise, context.Canceled.
type watchContext struct{ context.Context }

func (w watchContext) Err() error {
	err := w.Context.Err()
	var tc timeoutCause
	var bc budgetCause
	if err != nil && (errors.As(context.Cause(w.Context), &tc) || errors.As(context.Cause(w.Context), &bc)) {
		return context.DeadlineExceeded
	}
	return err
}

func startWatchdog(limit time.Duration, cancel context.CancelCauseFunc) *watchdog {
	w := &watchdog{limit: limit, left: limit, cancel: cancel}
	w.resume()
	return w
}

func (w *watchdog) resume() {
	w.started = time.Now()
	w.timer = time.AfterFunc(w.left, func() { w.cancel(timeoutCause{w.limit}) })
}

func (w *watchdog) pause() {
	if w.timer.Stop() {
		w.left = max(w.left-time.Since(w.started), 0)
	}
}

func (w *watchdog) stop() { w.timer.Stop() }

func (c *Lua) errorRecord(err error, what string, gctx context.Context) ErrorRecord {
	rec := ErrorRecord{Context: c.Name, Step: c.step, File: what}
	// Read the cause first: a deadline that passes while a huge message is
	// being handled must not turn an ordinary error into an "infinite loop".
	var cause error
	if gctx != nil {
		cause = context.Cause(gctx)
	}
	msg := err.Error()
	var aerr *lua.ApiError
	if errors.As(err, &aerr) {
		msg = safeString(aerr.Object)
		rec.Traceback = limitString(aerr.StackTrace, 8<<10)
	}
	// error(string.rep("x", 6e7)): cut before any regexp looks at it.
	msg = limitString(msg, 64<<10)
	if f, l, rest, ok := cutPosition(msg, what); ok {
		// the file's own name first: "Lua/x:12: evil.lua" is one file
		rec.File, rec.Line, msg = f, l, rest
	} else if m := errPos.FindStringSubmatch(msg); m != nil && !strings.ContainsAny(m[1], "\n") {
		rec.File = m[1]
		rec.Line, _ = strconv.Atoi(m[2])
		msg = m[3]
	} else if rec.Traceback != "" {
		if f, l := firstFrame(rec.Traceback); f != "" {
			rec.File, rec.Line = f, l
		}
	}
	if errors.As(cause, new(budgetCause)) && what != "" && rec.File != what {
		// stopped at any depth of the messages it sent: the call's own
		// file is the one to blame, at its innermost line on the stack
		rec.File, rec.Line = what, frameOf(rec.Traceback, what)
	}
	if cause != nil {
		var tc timeoutCause
		var mc memoryCause
		var bc budgetCause
		switch {
		case errors.As(cause, &tc):
			msg = fmt.Sprintf("stopped after %s: this looks like an infinite loop (context %s, %s:%d)", tc.limit, c.Name, rec.File, rec.Line)
		case errors.As(cause, &bc):
			msg = fmt.Sprintf("stopped after %s: the call and the messages it sent ran longer than %d times the %s limit in all: this looks like an infinite loop of messages (context %s, %s:%d)", bc.budget, CallBudgetFactor, bc.limit, c.Name, rec.File, rec.Line)
		case errors.As(cause, &mc):
			msg = fmt.Sprintf("stopped: %s (context %s, %s:%d)", mc.Error(), c.Name, rec.File, rec.Line)
		case cause != nil && !errors.Is(cause, context.Canceled):
			msg = fmt.Sprintf("stopped: %v (context %s, %s:%d)", cause, c.Name, rec.File, rec.Line)
		}
	}
	if strings.Contains(msg, "stack overflow") {
		msg += " (recursion too deep)"
	}
	rec.Message = limitString(msg, 4<<10)
	return rec
}

// cutPosition splits "file:line: message" when file is the given name
// (which may itself hold ":12:", so no pattern can tell where it ends).
func cutPosition(msg, file string) (string, int, string, bool) {
	if file == "" || !strings.HasPrefix(msg, file+":") {
		return "", 0, "", false
	}
	rest := msg[len(file)+1:]
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 || i >= len(rest) || rest[i] != ':' {
		return "", 0, "", false
	}
	line, _ := strconv.Atoi(rest[:i])
	return file, line, strings.TrimPrefix(rest[i+1:], " "), true
}

var tbFrame = regexp.MustCompile(`(?m)^\s*([^\s:\[][^:]*):(\d+):`)

// frameOf returns the line of the first frame of file in a traceback, or 0.
func frameOf(tb, file string) int {
	for _, m := range tbFrame.FindAllStringSubmatch(tb, -1) {
		if m[1] == file {
			n, _ := strconv.Atoi(m[2])
			return n
		}
	}
	return 0
}

func firstFrame(tb string) (string, int) {
	m := tbFrame.FindStringSubmatch(tb)
	if m == nil {
		return "", 0
	}
	n, _ := strconv.Atoi(m[2])
	return m[1], n
}

func limitString(s string, n int) string { return record.LimitString(s, n) }

// safeString renders an error value without running any of its metamethods.
func safeString(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return x.String()
	case lua.LBool:
		return x.String()
	case *lua.LNilType:
		return "(error object is a nil value)"
	default:
		return fmt.Sprintf("(error object is a %s value)", v.Type().String())
	}
}

// ExecFile compiles and runs the game file rel (relative, slash separated)
// with env as its environment (nil: the globals). It records the run.
func (c *Lua) ExecFile(rel string, env *lua.LTable) (FileRun, []lua.LValue) {
	return c.ExecFileArgs(rel, env, nil)
}

// ExecFileArgs is ExecFile passing args to the chunk (its `...`).
func (c *Lua) ExecFileArgs(rel string, env *lua.LTable, args []lua.LValue) (FileRun, []lua.LValue) {
	start := time.Now()
	prevFile := c.file
	c.file = rel
	defer func() { c.file = prevFile }()
	run := FileRun{Path: rel, Context: c.Name, Step: c.step, Parent: prevFile}
	if why, skip := c.game.skipReason(c.Name, rel); skip {
		// it killed the engine before: failed without running, and the
		// load goes on (containment.md)
		c.addError(ErrorRecord{Context: c.Name, Step: c.step, File: rel, Message: why})
		run.Error = why
		c.files = append(c.files, run)
		if c.emitting() {
			r := run
			c.emit(Event{Kind: EventFile, Context: c.Name, Step: c.step, File: &r})
		}
		return run, nil
	}
	if c.emitting() {
		c.emit(Event{Kind: EventFileBegin, Context: c.Name, Step: c.step, Text: rel})
	}
	fn, err := c.LoadFile(rel, env)
	var res []lua.LValue
	if err != nil {
		rec := compileErrorRecord(c, rel, err)
		c.addError(rec)
		run.Error = rec.Message
		c.noteFailedFile(rel)
	} else {
		var erec *ErrorRecord
		res, erec = c.Call(fn, args, rel)
		if erec != nil {
			run.Error = erec.Message
			c.noteFailedFile(rel)
		} else {
			run.OK = true
		}
	}
	run.Ms = msSince(start)
	c.files = append(c.files, run)
	if c.emitting() {
		r := run
		c.emit(Event{Kind: EventFile, Context: c.Name, Step: c.step, File: &r})
	}
	return run, res
}

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}

// LoadFile compiles a game file into a function with env as environment.
func (c *Lua) LoadFile(rel string, env *lua.LTable) (*lua.LFunction, error) {
	proto, err := c.game.Compile(rel)
	if err != nil {
		return nil, err
	}
	return c.function(proto, env), nil
}

// function makes a compiled chunk a function of this state, with env as
// its environment (nil: the globals).
func (c *Lua) function(proto *lua.FunctionProto, env *lua.LTable) *lua.LFunction {
	fn := c.L.NewFunctionFromProto(proto)
	if env != nil {
		fn.Env = env
	} else {
		fn.Env = c.globals.proxy
	}
	return fn
}

// LoadString compiles source text under a chunk name.
func (c *Lua) LoadString(name, src string, env *lua.LTable) (*lua.LFunction, error) {
	c.game.compiles.Add(1)
	proto, err := compileSource(name, []byte(src))
	if err != nil {
		return nil, err
	}
	return c.function(proto, env), nil
}

// RunString compiles and runs a snippet (an initializer, an eval) and
// returns its results.
func (c *Lua) RunString(name, src string) ([]lua.LValue, *ErrorRecord) {
	fn, err := c.LoadString(name, src, nil)
	if err != nil {
		rec := compileErrorRecord(c, name, err)
		c.addError(rec)
		return nil, &rec
	}
	return c.Call(fn, nil, name)
}

func compileErrorRecord(c *Lua, rel string, err error) ErrorRecord {
	rec := ErrorRecord{Context: c.Name, Step: c.step, File: rel, Message: err.Error()}
	var ce *CompileError
	if errors.As(err, &ce) {
		rec.File, rec.Line, rec.Message = ce.File, ce.Line, ce.Msg
	}
	return rec
}

// ---- handlers ----

// HandlerKey renders a message/event name (any Lua value but nil) as a key.
func HandlerKey(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber, lua.LBool:
		return x.String()
	default:
		return fmt.Sprintf("%s: %p", v.Type().String(), v)
	}
}

// AddHandler registers fn for name; where is the registering file:line.
func (c *Lua) AddHandler(name string, fn *lua.LFunction, where string) {
	c.hseq++
	c.handlers[name] = append(c.handlers[name], &Handler{Name: name, Fn: fn, Where: where, Seq: c.hseq})
}

// RemoveHandler drops fn from name's handlers; it reports whether it was there.
func (c *Lua) RemoveHandler(name string, fn *lua.LFunction) bool {
	hs := c.handlers[name]
	for i, h := range hs {
		if h.Fn == fn {
			c.handlers[name] = append(hs[:i:i], hs[i+1:]...)
			return true
		}
	}
	return false
}

// ClearHandlers drops the handlers of name, or every handler when name is "".
func (c *Lua) ClearHandlers(name string) {
	if c.assigns != nil {
		c.assigns.msgClear(name) // conflicts.go
	}
	if name == "" {
		c.handlers = map[string][]*Handler{}
		return
	}
	delete(c.handlers, name)
}

// HandlersOf returns name's handlers in registration order.
func (c *Lua) HandlersOf(name string) []*Handler {
	return append([]*Handler(nil), c.handlers[name]...)
}

// handlerCounts returns how many handlers each name has.
func (c *Lua) handlerCounts() map[string]int {
	out := map[string]int{}
	for n, hs := range c.handlers {
		if len(hs) > 0 {
			out[n] = len(hs)
		}
	}
	return out
}

// handlerInfos lists every handler, by name then order.
func (c *Lua) handlerInfos() []HandlerInfo {
	var out []HandlerInfo
	for n, hs := range c.handlers {
		for i, h := range hs {
			out = append(out, HandlerInfo{Name: n, Order: i + 1, Where: h.Where})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Order < out[j].Order
	})
	return out
}
