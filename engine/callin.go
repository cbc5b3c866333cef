package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// This file holds what models need to run Lua from inside Lua: a handler
// called by a Go function that Lua code called (Msg dispatching to OnMsg
// handlers), possibly inside a coroutine. Such calls run on the Lua thread
// that called in (L), under the deadline already in force.

// CallIn calls fn(args...) on L, the Lua thread running the Go function
// that calls it, and records an error like Call does; the deadline in force
// applies. Outside any Call it is Call.
func (c *Lua) CallIn(L *lua.LState, fn lua.LValue, args []lua.LValue, what string) ([]lua.LValue, *ErrorRecord) {
	if c.depth == 0 || L == nil {
		return c.Call(fn, args, what)
	}
	c.depth++
	defer func() { c.depth-- }()
	res, err := pcall(L, fn, args)
	if err == nil {
		return res, nil
	}
	rec := c.errorRecord(err, what, L.Context())
	if !budgetSpent(L.Context()) {
		// a spent budget stops every level at once: the top-level call
		// records it once, against its file (Call)
		c.addError(rec)
	}
	return nil, &rec
}

// budgetSpent tells whether ctx was stopped because its top-level call
// used its whole budget (CallBudget).
func budgetSpent(ctx context.Context) bool {
	if ctx == nil || ctx.Err() == nil {
		return false
	}
	var bc budgetCause
	return errors.As(context.Cause(ctx), &bc)
}

// CallHandler is CallIn for a message or event handler: the handler runs
// under a deadline of its own, and its caller's clock stops meanwhile (a
// handler stopped by the watchdog does not stop the code that sent the
// message; stopping the context still stops both).
func (c *Lua) CallHandler(L *lua.LState, fn lua.LValue, args []lua.LValue, what string) ([]lua.LValue, *ErrorRecord) {
	if c.depth == 0 || L == nil || c.watch == nil || L.Context() == nil {
		return c.CallIn(L, fn, args, what)
	}
	outer := L.Context()
	hctx, cancelH := context.WithCancelCause(outer)
	prev := c.watch
	prev.pause()
	hw := startWatchdog(c.callLimit(), cancelH)
	c.watch = hw
	L.SetContext(watchContext{hctx})
	defer func() {
		hw.stop()
		c.watch = prev
		L.SetContext(outer)
		cancelH(nil)
		prev.resume()
	}()
	return c.CallIn(L, fn, args, what)
}

// RecordLuaError records an error value caught inside Lua (a coroutine that
// died, say) as an error of this context; the "file:line:" prefix of a
// string value becomes the record's position. L is the thread that caught
// it (its deadline explains a watchdog stop). It returns the record.
func (c *Lua) RecordLuaError(L *lua.LState, v lua.LValue, what, traceback string) ErrorRecord {
	msg := safeString(v)
	var err error = errors.New(msg)
	if L == nil {
		L = c.L
	}
	rec := c.errorRecord(err, what, L.Context())
	if rec.Traceback == "" {
		rec.Traceback = limitString(traceback, 8<<10)
	}
	c.addError(rec)
	return rec
}

// AssignGlobalAt assigns a global on behalf of Lua code running at where
// (file:line), for provenance: a library function that defines globals for
// its caller (DefineClass) names the caller's line, not its own.
func (c *Lua) AssignGlobalAt(name string, v lua.LValue, where string) {
	prev := c.globals.store.RawGetString(name)
	c.globals.store.RawSetString(name, v)
	switch {
	case prev == lua.LNil && v != lua.LNil:
		c.changes.Added = append(c.changes.Added, name)
	case prev != lua.LNil && v == lua.LNil:
		c.changes.Removed = append(c.changes.Removed, name)
	case prev != v:
		c.changes.Changed = append(c.changes.Changed, name)
	}
	old := c.globals.prov[name]
	if old == nil {
		old = &Provenance{Name: name, Context: c.Name, DefinedAt: where, DefinedStep: c.step}
		c.globals.prov[name] = old
	}
	old.AssignedAt, old.AssignedStep = where, c.step
}

// WhereIn returns "file:line" of the innermost Lua frame on L whose source
// does not start with one of skip (a model's own library chunks), or "".
func WhereIn(L *lua.LState, skip ...string) string {
	for lv := 0; lv < 32; lv++ {
		dbg, ok := L.GetStack(lv)
		if !ok {
			return ""
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return ""
		}
		if dbg.CurrentLine <= 0 || dbg.Source == "" || dbg.Source == "[G]" || strings.HasPrefix(dbg.Source, "=[modscope") {
			continue
		}
		skipped := false
		for _, p := range skip {
			if strings.HasPrefix(dbg.Source, p) {
				skipped = true
				break
			}
		}
		if !skipped {
			return fmt.Sprintf("%s:%d", dbg.Source, dbg.CurrentLine)
		}
	}
	return ""
}

// CompileSource runs the pre-compile checks (size, nesting, binary chunks)
// and compiles src under name: what every game file goes through.
func CompileSource(name string, src []byte) (*lua.FunctionProto, error) {
	return compileSource(name, src)
}
