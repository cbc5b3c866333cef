package sectors

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// maxQueued bounds the events drained in a row from one context's queue.
const maxQueued = 10000

// lctx is one live context of the model: the server or a sector.
type lctx struct {
	c       *engine.Context
	id      string   // sector id; "" for the server
	players []string // players inside the sector, in arrival order
	queue   []queued // bus:enqueue'd events (owner goroutine only)
}

type queued struct {
	name   string
	fields lua.LValue
}

// install gives a fresh context the sectors API: the require resolver and
// the engine module (owner goroutine).
func (m *Model) install(x *lctx) {
	c, L := x.c, x.c.L
	c.Resolve = m.resolve

	bus := L.CreateTable(0, 3)
	// self returns the index of the first real argument, so that both
	// bus:add_handler(...) and bus.add_handler(...) work.
	self := func(L *lua.LState, t *lua.LTable) int {
		if L.Get(1) == t {
			return 2
		}
		return 1
	}
	eventName := func(L *lua.LState, i int) string {
		v := L.Get(i)
		if v == lua.LNil {
			L.ArgError(i, "event name expected")
		}
		return engine.HandlerKey(v)
	}
	bus.RawSetString("add_handler", L.NewFunction(func(L *lua.LState) int {
		i := self(L, bus)
		name := eventName(L, i)
		fn := L.CheckFunction(i + 1)
		c.AddHandler(name, fn, c.Where())
		return 0
	}))
	bus.RawSetString("remove_handler", L.NewFunction(func(L *lua.LState) int {
		i := self(L, bus)
		name := eventName(L, i)
		fn := L.CheckFunction(i + 1)
		L.Push(lua.LBool(c.RemoveHandler(name, fn)))
		return 1
	}))
	bus.RawSetString("enqueue", L.NewFunction(func(L *lua.LState) int {
		i := self(L, bus)
		name := eventName(L, i)
		fields := L.Get(i + 1)
		if fields == lua.LNil {
			fields = L.CreateTable(0, 0)
		}
		if len(x.queue) >= maxQueued {
			L.RaiseError("bus:enqueue: the event queue is full (%d events waiting)", len(x.queue))
		}
		x.queue = append(x.queue, queued{name: name, fields: fields})
		return 0
	}))

	mod := L.CreateTable(0, 2)
	mod.RawSetString("get_event_bus", L.NewFunction(func(L *lua.LState) int {
		L.Push(bus)
		return 1
	}))
	mod.RawSetString("create_logger", L.NewFunction(func(L *lua.LState) int {
		name := L.OptString(self(L, mod), "lua")
		logger := L.CreateTable(0, 3)
		for _, level := range []string{"info", "warn", "error"} {
			level := level
			logger.RawSetString(level, L.NewFunction(func(L *lua.LState) int {
				var parts []string
				for i := self(L, logger); i <= L.GetTop(); i++ {
					parts = append(parts, L.ToStringMeta(L.Get(i)).String())
				}
				c.Print(level, "["+name+"] "+strings.Join(parts, "\t"))
				return 0
			}))
		}
		L.Push(logger)
		return 1
	}))
	c.ModuleTable("engine", mod) // stub mode: every other field is a stand-in

	if pkg, ok := c.Globals().RawGetString("package").(*lua.LTable); ok {
		if loaded, ok := pkg.RawGetString("loaded").(*lua.LTable); ok {
			loaded.RawSetString("engine", mod)
		}
	}
}

// dispatch calls name's handlers in registration order with fields and
// records the dispatch (owner goroutine).
func (m *Model) dispatch(x *lctx, name string, fields lua.LValue) {
	start := time.Now()
	args := []string{renderFields(fields)}
	n := x.c.Dispatch(name, []lua.LValue{fields})
	ms := float64(time.Since(start).Microseconds()) / 1000
	m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: x.c.Name, Step: x.c.Step(),
		Message: &engine.MessageRecord{Name: name, Context: x.c.Name, Args: args, Handlers: n, Ms: ms}})
}

// drain dispatches queued events in order, including those the handlers
// enqueue meanwhile (owner goroutine).
func (m *Model) drain(x *lctx) {
	for n := 0; len(x.queue) > 0; n++ {
		if n >= maxQueued {
			x.c.AddError(engine.ErrorRecord{Message: fmt.Sprintf(
				"event queue: %d events were dispatched in a row and %d more are waiting (a handler that enqueues events for ever?); the rest of the queue is dropped",
				n, len(x.queue))})
			x.queue = nil
			return
		}
		q := x.queue[0]
		x.queue[0] = queued{}
		x.queue = x.queue[1:]
		m.dispatch(x, q.name, q.fields)
	}
	x.queue = nil
}

// fire sends an event with plain fields into a context, then delivers what
// its handlers enqueued (session goroutine).
func (m *Model) fire(x *lctx, step, name string, fields map[string]any) error {
	return x.c.Do(func(L *lua.LState) {
		x.c.SetStep(step)
		m.dispatch(x, name, engine.ToLua(L, fields))
		m.drain(x)
	})
}

// renderFields renders an event's fields for the report, as JSON.
func renderFields(v lua.LValue) string {
	b, err := json.Marshal(engine.ToPlain(v, 6))
	if err != nil {
		return v.Type().String()
	}
	s := string(b)
	if len(s) > 2048 {
		s = s[:2048] + "…"
	}
	return s
}
