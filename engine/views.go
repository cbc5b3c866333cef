package engine

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"modscope/inspector"
)

// Registries are a context's registries for the inspector: handlers with
// the file:line that registered them, the contexts, and the model's own
// rows (classes, threads, players, attachments...).
type Registries struct {
	Context  string                      `json:"context"`
	Handlers []HandlerInfo               `json:"handlers"`
	Contexts []ContextInfo               `json:"contexts"`
	Model    map[string][]map[string]any `json:"model,omitempty"`
}

// WatchResult is one watch expression's value after the latest step.
type WatchResult struct {
	Context string `json:"context"`
	Expr    string `json:"expr"`
	Value   string `json:"value,omitempty"`
	Error   string `json:"error,omitempty"`
}

type watch struct{ ctx, expr string }

// ctxSnap is a snapshot of one context's globals after a command, with the
// context it was taken of: a context recreated under the same name (a
// reset, a sector loaded again, a policy regrouping) is another Lua state,
// whose tables and functions never share an identity with the old one's.
type ctxSnap struct {
	ctx  *Context
	snap inspector.Snap
}

// identitySnap snapshots c's globals for "changed since the last step"
// (identities compared: the same state before and after).
func identitySnap(c *Context) (inspector.Snap, bool) {
	var sn inspector.Snap
	err := c.Do(func(o *Lua) { sn = inspector.Snapshot(o.Globals(), inspector.SnapOptions{Identity: true}) })
	return sn, err == nil
}

// TrackDiffs turns on snapshots after every step, for "changed since the
// last step" views (the window turns it on; headless runs do without).
func (s *Session) TrackDiffs(on bool) {
	s.rmu.Lock()
	s.track = on
	s.rmu.Unlock()
}

// Interrupt stops whatever Lua is running now (safe from any goroutine,
// while a command is running).
func (s *Session) Interrupt() {
	s.rmu.Lock() // not mu: a command holds it while it runs
	g := s.game
	s.rmu.Unlock()
	if g != nil {
		g.Interrupt()
	}
}

// Watches returns the watch expressions' values after the latest step.
func (s *Session) Watches() []WatchResult {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return append([]WatchResult(nil), s.watchVals...)
}

// afterStep takes snapshots and evaluates watches (called by end).
func (s *Session) afterStep() {
	s.rmu.Lock()
	track := s.track
	watches := append([]watch(nil), s.watches...)
	s.rmu.Unlock()
	if track {
		snaps := map[string]ctxSnap{}
		for _, c := range s.model.Contexts() {
			if sn, ok := identitySnap(c); ok {
				snaps[c.Name] = ctxSnap{ctx: c, snap: sn}
			}
		}
		s.rmu.Lock()
		if s.cur_ == nil {
			s.cur_ = map[string]ctxSnap{}
		}
		s.prev_ = s.cur_
		s.cur_ = snaps
		s.rmu.Unlock()
	}
	if len(watches) > 0 {
		vals := make([]WatchResult, 0, len(watches))
		for _, w := range watches {
			vals = append(vals, s.evalWatch(w))
		}
		s.rmu.Lock()
		s.watchVals = vals
		s.rmu.Unlock()
	}
}

func (s *Session) evalWatch(w watch) WatchResult {
	r := WatchResult{Context: w.ctx, Expr: w.expr}
	c, err := s.Context(w.ctx)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	err = c.Do(func(o *Lua) {
		vals, err := o.evalQuiet("return " + w.expr)
		if err != nil {
			r.Error = err.Error()
			return
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = o.DisplayString(v)
		}
		r.Value = strings.Join(parts, "\t")
	})
	if err != nil {
		r.Error = fmt.Sprintf("watch %s: %v", c.Name, err)
	}
	return r
}

// viewLocked answers the inspector's view commands.
func (s *Session) viewLocked(cmd Command) (Result, bool) {
	switch cmd.Op {
	case "page":
		return s.pageView(cmd), true
	case "diff":
		return s.diffView(cmd), true
	case "search":
		return s.searchView(cmd), true
	case "registries":
		return s.registriesView(cmd), true
	case "provenance":
		return s.provenanceView(cmd), true
	case "conflicts": // conflicts.go
		return s.conflictsView(cmd), true
	case "api":
		return s.apiView(cmd), true
	case "mark": // reloaddiff.go
		return s.markView(), true
	case "since":
		return s.sinceView(), true
	case "watch":
		if cmd.Code == "" && len(cmd.Args) > 1 {
			cmd.Code = cmd.Arg(1)
		}
		if strings.TrimSpace(cmd.Code) == "" {
			return Failed("usage: watch CONTEXT EXPRESSION"), true
		}
		s.rmu.Lock()
		s.watches = append(s.watches, watch{ctx: cmd.Arg(0), expr: cmd.Code})
		s.rmu.Unlock()
		w := s.evalWatch(watch{ctx: cmd.Arg(0), expr: cmd.Code})
		return Result{OK: w.Error == "", Error: w.Error, Result: w.Value}, true
	case "unwatch":
		s.rmu.Lock()
		s.watches = nil
		s.watchVals = nil
		s.rmu.Unlock()
		return Result{OK: true}, true
	}
	return Result{}, false
}

func (s *Session) pageView(cmd Command) Result {
	c, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("page: %v", err)
	}
	var res inspector.PageResult
	var perr error
	if err := c.Do(func(o *Lua) {
		root := o.Globals()
		var p inspector.Path
		switch {
		case cmd.Path == "":
			p = inspector.Path{}
		case strings.ContainsAny(cmd.Path, "[<"):
			p, perr = inspector.ParsePath(cmd.Path)
		default:
			p, perr = inspector.ParseDotted(root, cmd.Path)
		}
		if perr != nil {
			return
		}
		o.beforeInspect(root, p)
		res, perr = inspector.Page(root, p, cmd.Offset, cmd.Limit)
		if perr != nil || len(p) != 0 {
			return
		}
		for i := range res.Nodes {
			if pv, ok := o.Provenance(res.Nodes[i].Key); ok {
				res.Nodes[i].Provenance = &inspector.Provenance{DefinedAt: pv.DefinedAt, AssignedAt: pv.AssignedAt,
					DefinedStep: pv.DefinedStep, AssignedStep: pv.AssignedStep, Context: pv.Context}
			}
		}
	}); err != nil {
		return Failed("page %s: %v", c.Name, err)
	}
	if perr != nil {
		return Failed("page %s %s: %v", c.Name, cmd.Path, perr)
	}
	return Result{OK: true, Page: &res}
}

func (s *Session) snapOf(c *Context) (inspector.Snap, error) {
	var sn inspector.Snap
	err := c.Do(func(o *Lua) { sn = inspector.Snapshot(o.Globals(), inspector.SnapOptions{}) })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return sn, nil
}

func (s *Session) diffView(cmd Command) Result {
	a, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("diff: %v", err)
	}
	if len(cmd.Args) >= 2 {
		b, err := s.Context(cmd.Arg(1))
		if err != nil {
			return Failed("diff: %v", err)
		}
		sa, err := s.snapOf(a)
		if err != nil {
			return Failed("diff: %v", err)
		}
		sb, err := s.snapOf(b)
		if err != nil {
			return Failed("diff: %v", err)
		}
		d := inspector.Diff(sa, sb)
		return Result{OK: true, Diff: &d}
	}
	s.rmu.Lock()
	if !s.track {
		s.track = true
	}
	prevCS, okPrev := s.prev_[a.Name]
	curCS, okCur := s.cur_[a.Name]
	s.rmu.Unlock()
	if !okCur {
		d := inspector.Diff(inspector.Snap{}, inspector.Snap{})
		return Result{OK: true, Diff: &d}
	}
	if curCS.ctx != a {
		// the latest snapshot is of an older context of that name: take
		// the live one's now, and compare it with its built-ins
		sn, ok := identitySnap(a)
		if !ok {
			return Failed("diff: context %s is unloaded", a.Name)
		}
		curCS, okPrev = ctxSnap{ctx: a, snap: sn}, false
	}
	if okPrev && prevCS.ctx != curCS.ctx {
		// recreated under the same name since the step before: its old
		// snapshot says nothing about this state
		okPrev = false
	}
	prev, cur := prevCS.snap, curCS.snap
	if !okPrev {
		// A context new in the latest step: compare with its built-ins.
		prev = inspector.Snap{}
		var known map[string]bool
		if err := a.Do(func(o *Lua) {
			known = map[string]bool{}
			for n := range o.globals.prov {
				known[n] = true
			}
		}); err != nil {
			return Failed("diff %s: %v", a.Name, err)
		}
		for k, v := range cur {
			if !known[k] {
				prev[k] = v
			}
		}
	}
	d := inspector.Diff(prev, cur)
	return Result{OK: true, Diff: &d}
}

func (s *Session) searchView(cmd Command) Result {
	c, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("search: %v", err)
	}
	q := cmd.Arg(1)
	if q == "" {
		return Failed("usage: search CONTEXT TEXT")
	}
	var res inspector.SearchResult
	if err := c.Do(func(o *Lua) {
		res = inspector.Search(o.Globals(), q, inspector.SearchOptions{Names: true, Values: true, Limit: max(cmd.Limit, 0)})
	}); err != nil {
		return Failed("search %s: %v", c.Name, err)
	}
	return Result{OK: true, Search: &res}
}

func (s *Session) registriesView(cmd Command) Result {
	c, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("registries: %v", err)
	}
	r := Registries{Context: c.Name}
	if err := c.Do(func(o *Lua) { r.Handlers = o.handlerInfos() }); err != nil {
		return Failed("registries %s: %v", c.Name, err)
	}
	r.Contexts = s.contextsLocked()
	if rp, ok := s.model.(RegistryProvider); ok {
		r.Model = rp.Registries()
	}
	return Result{OK: true, Registries: &r}
}

func (s *Session) provenanceView(cmd Command) Result {
	c, err := s.Context(cmd.Arg(0))
	if err != nil {
		return Failed("provenance: %v", err)
	}
	name := cmd.Arg(1)
	var p Provenance
	var ok bool
	var all []Provenance
	if err := c.Do(func(o *Lua) {
		if name == "" {
			all = o.allProvenance()
		} else {
			p, ok = o.Provenance(name)
		}
	}); err != nil {
		return Failed("provenance %s: %v", c.Name, err)
	}
	if name == "" {
		if len(all) == 0 {
			all = nil // as it arrives from an engine child
		}
		return Result{OK: true, AllProvenance: all}
	}
	if !ok {
		return Failed("provenance: %s has no global %q defined by game code", c.Name, name)
	}
	return Result{OK: true, Provenance: &p}
}

// runEval compiles and runs an eval's code. Code that does not compile as
// a statement but does as an expression runs as `return <code>`, as an
// interactive console would; only the outcome that counts is recorded (a
// compile error of the first attempt is never reported). Owner goroutine
// only.
func (c *Lua) runEval(code string) ([]lua.LValue, *ErrorRecord) {
	fn, err := c.LoadString("eval", code, nil)
	if err != nil && !strings.HasPrefix(strings.TrimSpace(code), "return") {
		if fn2, err2 := c.LoadString("eval", "return "+code, nil); err2 == nil {
			fn, err = fn2, nil
		}
	}
	if err != nil {
		rec := compileErrorRecord(c, "eval", err)
		c.addError(rec)
		return nil, &rec
	}
	return c.Call(fn, nil, "eval")
}

// evalQuiet runs code in the context without recording errors (watches,
// tooltips). Owner goroutine only.
func (c *Lua) evalQuiet(code string) ([]lua.LValue, error) {
	fn, err := c.LoadString("watch", code, nil)
	if err != nil {
		return nil, err
	}
	n := len(c.errs)
	quiet := c.quiet
	c.quiet = true // a watch's failure is its own value, never a recorded error
	vals, rec := c.Call(fn, nil, "watch")
	c.quiet = quiet
	if rec != nil {
		c.errs = c.errs[:n]
		return nil, fmt.Errorf("%s", FormatError(*rec))
	}
	return vals, nil
}
