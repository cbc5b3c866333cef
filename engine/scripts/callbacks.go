package scripts

import (
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// Chunk names of the initializer snippets, so errors and provenance point
// at the scene file.
const (
	chunkContextInit = "scene.toml[initializers.context]"
	chunkPreHandling = "scene.toml[initializers.pre_handling]"
)

// Call routes, as the call log names them.
const (
	ViaRegistered = "registered" // a register_callback registration for the attachment
	ViaGlobal     = "global"     // the context's global function of that name
	ViaNone       = "not defined"
)

// maxCallLog is how many calls a context's log keeps (the oldest go).
const maxCallLog = 500

// CallEntry is one callback delivered to one attachment in a context.
type CallEntry struct {
	Seq        int     `json:"seq"`
	Step       string  `json:"step,omitempty"`
	Callback   string  `json:"callback"`
	Attachment string  `json:"attachment"`
	Via        string  `json:"via"`
	OK         bool    `json:"ok"`
	Result     string  `json:"result,omitempty"`
	Error      string  `json:"error,omitempty"`
	Ms         float64 `json:"ms"`

	global int64 // order across contexts
}

// cbKey is what BMS keys a register_callback registration by: the
// attachment that was current when it ran, and the callback's name
// (callbacks.rs: HashMap<(ScriptAttachment, String), ...>).
type cbKey struct {
	a    Key
	name string
}

// callback is one register_callback registration.
type callback struct {
	key   cbKey
	Where string
	Fn    *lua.LFunction
	x     *sctx // the context whose Lua state holds Fn
}

// newRegisterFn makes x's register_callback(name, fn) (owner goroutine):
// the registration is keyed by the current attachment; with none current
// (an eval) it fails as BMS's does.
func (m *Model) newRegisterFn(x *sctx) *lua.LFunction {
	return x.o.L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		fn := L.CheckFunction(2)
		if x.cur == nil {
			L.RaiseError("Cannot register callback, missing script attachment context.")
		}
		m.register(x, *x.cur, name, fn, x.o.Where())
		return 0
	})
}

// register records a registration, replacing the attachment's earlier one
// of the same name.
func (m *Model) register(x *sctx, a Key, name string, fn *lua.LFunction, where string) {
	k := cbKey{a, name}
	m.cbMu.Lock()
	defer m.cbMu.Unlock()
	if old := m.cbs[k]; old != nil {
		if old.x == x {
			x.o.RemoveHandler(name, old.Fn)
		} else {
			x.cbKeys = append(x.cbKeys, k)
		}
		old.Fn, old.Where, old.x = fn, where, x
	} else {
		m.cbs[k] = &callback{key: k, Where: where, Fn: fn, x: x}
		m.cbOrder = append(m.cbOrder, k)
		x.cbKeys = append(x.cbKeys, k)
	}
	x.o.AddHandler(name, fn, where)
}

// registered finds a's registration of name in x.
func (m *Model) registered(x *sctx, a Key, name string) *callback {
	m.cbMu.Lock()
	defer m.cbMu.Unlock()
	if cb := m.cbs[cbKey{a, name}]; cb != nil && cb.x == x {
		return cb
	}
	return nil
}

// forgetCallbacks drops the registrations whose function lives in x, which
// is closing. BMS keeps them (and would call into the dropped Lua state);
// modscope forgets them, since their Lua state is gone.
func (m *Model) forgetCallbacks(x *sctx) {
	m.cbMu.Lock()
	defer m.cbMu.Unlock()
	gone := false
	for _, k := range x.cbKeys {
		if cb := m.cbs[k]; cb != nil && cb.x == x {
			delete(m.cbs, k)
			gone = true
		}
	}
	x.cbKeys = nil
	if gone {
		kept := m.cbOrder[:0]
		for _, k := range m.cbOrder {
			if m.cbs[k] != nil {
				kept = append(kept, k)
			}
		}
		m.cbOrder = kept
	}
}

// preHandling runs BMS's pre-handling initializers for a: the built-in one
// (entity, script_asset), then the scene's snippet; false when the snippet
// failed (the callback or load then fails too).
func (m *Model) preHandling(x *sctx, a Key) (bool, string) {
	m.preHandlingGlobals(x, a)
	if strings.TrimSpace(m.scene.PreHandling) == "" {
		return true, ""
	}
	return m.runSnippet(x, chunkPreHandling, m.scene.PreHandling, a)
}

// contextInit runs BMS's context initializers for a: the built-in ones
// (world, register_callback, types), then the scene's snippet.
func (m *Model) contextInit(x *sctx, a Key) (bool, string) {
	m.contextGlobals(x)
	if strings.TrimSpace(m.scene.InitContext) == "" {
		return true, ""
	}
	return m.runSnippet(x, chunkContextInit, m.scene.InitContext, a)
}

// callResult is what one delivery did.
type callResult struct {
	value lua.LValue // the first result, after BMS's script-value round trip
	via   string
	err   string
}

// call delivers callback name to attachment a in x as BMS's handler does
// (handler.rs, ScriptingHandler::handle; lua_handler): a registration for
// (a, name) wins; otherwise the pre-handling initializers run and then the
// context's global function of that name, if there is one (they run even
// when there is none). The result goes through the script-value round
// trip. Every delivery is logged; command callbacks and lifecycle
// callbacks that ran are also emitted as messages (owner goroutine).
func (m *Model) call(x *sctx, a Key, name string, args []lua.LValue, lifecycle bool) callResult {
	c := x.o
	start := time.Now()
	prev := x.cur
	x.cur = &a
	defer func() { x.cur = prev }()
	out := callResult{value: lua.LNil, via: ViaNone}
	var fn *lua.LFunction
	what := a.Script
	if cb := m.registered(x, a, name); cb != nil {
		out.via, fn, what = ViaRegistered, cb.Fn, cb.Where
	}
	if ok, why := m.preHandling(x, a); !ok {
		out.err = "pre-handling initializer failed: " + why
	} else {
		if fn == nil {
			if g, isFn := c.GetGlobal(name).(*lua.LFunction); isFn {
				out.via, fn = ViaGlobal, g
			}
		}
		if fn != nil {
			res, rec := c.Call(fn, args, what)
			switch {
			case rec != nil:
				out.err = rec.Message
			case len(res) > 0:
				v, err := throughScriptValue(c.L, res[0])
				if err != nil {
					out.err = fmt.Sprintf("%s returned a value BMS cannot convert: %v", name, err)
					c.AddError(engine.ErrorRecord{Context: c.Name, File: a.Script, Message: out.err})
				} else {
					out.value = v
				}
			}
		}
	}
	ms := msSince(start)
	handled := 0
	if out.via != ViaNone {
		handled = 1
	}
	result := ""
	if out.value != lua.LNil {
		result = engine.FormatArg(engine.ToPlain(out.value, 8))
	}
	x.log(m.callSeq.Add(1), CallEntry{Step: c.Step(), Callback: name, Attachment: a.Label(), Via: out.via,
		OK: out.err == "", Result: result, Error: firstLineOf(out.err), Ms: ms})
	if handled > 0 || !lifecycle {
		strs := make([]string, 0, len(args))
		for _, v := range args {
			strs = append(strs, engine.FormatArg(engine.ToPlain(v, 8)))
		}
		m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: c.Name, Message: &engine.MessageRecord{
			Name: name, Context: c.Name, Target: a.Label(), Args: strs, Handlers: handled, Ms: ms}})
	}
	return out
}

// lifecycle calls one of BMS's core callbacks for a in x.
func (m *Model) lifecycle(x *sctx, a Key, name string, args ...lua.LValue) callResult {
	return m.call(x, a, name, args, true)
}

// log appends to x's call log (any goroutine).
func (x *sctx) log(global int64, e CallEntry) {
	e.global = global
	x.logMu.Lock()
	defer x.logMu.Unlock()
	x.callSeq++
	e.Seq = x.callSeq
	if len(x.calls) >= maxCallLog {
		n := copy(x.calls, x.calls[1:])
		x.calls = x.calls[:n]
	}
	x.calls = append(x.calls, e)
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }
