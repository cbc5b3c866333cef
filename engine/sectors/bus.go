package sectors

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// The one event bus of the game (temporary-escape src/Engine/Utils/EventBus.cpp):
// every Lua state (the server's and each loaded sector's) is a listener with
// its own handlers; enqueue puts an event on the one queue; the server's tick
// (Server.cpp tick: pollEvents, then updateSectors) takes the whole queue and
// delivers each event, in queue order, to every listener in the order the
// listeners were created. Events enqueued while a tick delivers wait for the
// next tick.

const (
	// maxQueued bounds the bus queue: an enqueue beyond it is a Lua error
	// (a handler that enqueues two events per event would grow it for ever).
	maxQueued = 10000
	// settleTicks bounds the ticks a command runs to let the bus go quiet.
	settleTicks = 100
	// tickMs is the engine's tick length (Config.hpp tickLengthUs = 50000us).
	tickMs = 50
	// maxAdvanceTicks bounds one advance (10 minutes of game time).
	maxAdvanceTicks = 12000
	// maxDeliveryRecords bounds the message records of one event: the
	// first deliveries are listed one by one, the rest in one record.
	maxDeliveryRecords = 6
)

// moreContexts is the context of the message record that stands for an
// event's deliveries past the first maxDeliveryRecords (its target says
// how many contexts and which; docs/sectors.md).
const moreContexts = "*"

// busEvent is one queued event: a name and the engine's EventData, a flat
// map of nil, int64, float64 and string values.
type busEvent struct {
	name string
	data map[string]any
	from string // who enqueued it: a context name or "engine"
}

// eventDataFromLua checks a Lua value against the engine's EventData
// (EventBus.hpp: unordered_map<string, variant<nullptr_t, int64_t, double,
// string>>) and copies it out.
func eventDataFromLua(v lua.LValue) (map[string]any, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("the event data must be a table of fields ({} for none), not a %s", v.Type())
	}
	out := map[string]any{}
	var err error
	t.ForEach(func(k, val lua.LValue) {
		if err != nil {
			return
		}
		ks, ok := k.(lua.LString)
		if !ok {
			err = fmt.Errorf("key %s is a %s: event data is a map with string keys (EventBus.hpp EventData)", k.String(), k.Type())
			return
		}
		switch x := val.(type) {
		case lua.LNumber:
			out[string(ks)] = numberValue(float64(x))
		case lua.LString:
			out[string(ks)] = string(x)
		default:
			err = fieldTypeError(string(ks), x.Type().String())
		}
	})
	return out, err
}

// eventDataFromPlain checks the fields of a command (decoded JSON).
func eventDataFromPlain(fields map[string]any) (map[string]any, error) {
	out := map[string]any{}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch x := fields[k].(type) {
		case nil:
			out[k] = nil
		case float64:
			out[k] = numberValue(x)
		case int64, string:
			out[k] = x
		case int:
			out[k] = int64(x)
		case bool:
			return nil, fieldTypeError(k, "boolean")
		case map[string]any:
			return nil, fieldTypeError(k, "table (a JSON object)")
		case []any:
			return nil, fieldTypeError(k, "table (a JSON array)")
		default:
			return nil, fieldTypeError(k, fmt.Sprintf("%T", x))
		}
	}
	return out, nil
}

func fieldTypeError(key, typ string) error {
	return fmt.Errorf("field %q is a %s: event data is a flat map of nil, integers, numbers and strings (EventBus.hpp EventDataValue); encode anything else as a string", key, typ)
}

// numberValue is int64 for whole numbers that fit, float64 otherwise (the
// engine keeps Lua integers as int64_t and floats as double).
func numberValue(f float64) any {
	if f == math.Trunc(f) && !math.IsInf(f, 0) && f >= -9.2e18 && f <= 9.2e18 {
		return int64(f)
	}
	return f
}

// eventDataToLua builds a fresh table of the fields (sol::as_table(data) in
// Lua.cpp: each handler gets its own table). nil fields are absent.
func eventDataToLua(L *lua.LState, data map[string]any) *lua.LTable {
	t := L.CreateTable(0, len(data))
	for k, v := range data {
		switch x := v.(type) {
		case int64:
			t.RawSetString(k, lua.LNumber(x))
		case float64:
			t.RawSetString(k, lua.LNumber(x))
		case string:
			t.RawSetString(k, lua.LString(x))
		}
	}
	return t
}

// renderData renders event data for the report, as JSON with sorted keys.
func renderData(data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return "{}"
	}
	s := string(b)
	if len(s) > 2048 {
		s = s[:2048] + "…"
	}
	return s
}

// enqueue puts an event on the bus (any goroutine; mu guards the queue).
func (m *Model) enqueue(name string, data map[string]any, from string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.queue) >= maxQueued {
		return fmt.Errorf("the event queue is full (%d events wait for the next tick): does a handler enqueue more events than it handles?", len(m.queue))
	}
	m.queue = append(m.queue, busEvent{name: name, data: data, from: from})
	return nil
}

// busy reports whether a tick would do something: events queued, sector
// work pending, or a move a script asked for.
func (m *Model) busy() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.queue) > 0 || len(m.moves) > 0 {
		return true
	}
	for _, x := range m.listeners {
		if len(x.jobs) > 0 {
			return true
		}
	}
	return false
}

// tick runs one server tick: deliver the queued events to every listener,
// then run the sectors' pending work (session goroutine).
func (m *Model) tick(step string) {
	m.mu.Lock()
	m.ticks++
	batch := m.queue
	m.queue = nil
	m.mu.Unlock()
	for _, ev := range batch {
		m.mu.Lock()
		listeners := append([]*lctx(nil), m.listeners...)
		m.mu.Unlock()
		args := []string{renderData(ev.data)} // one rendering for all its records
		from := "from " + ev.from
		type delivery struct {
			x         *lctx
			n, failed int
			ms        float64
			listed    bool
		}
		var ds []delivery
		for _, x := range listeners {
			n, failed, ms, ok := m.deliver(x, ev, step)
			if ok {
				ds = append(ds, delivery{x: x, n: n, failed: failed, ms: ms})
			}
		}
		handled := len(ds) > 0
		// Which deliveries get a record of their own: the enqueuing
		// context, the context the event's sector_id names, the contexts
		// whose handlers raised errors, then the rest in creation order.
		listed := 0
		list := func(pick func(d *delivery) bool) {
			for i := range ds {
				if listed == maxDeliveryRecords {
					return
				}
				if d := &ds[i]; !d.listed && pick(d) {
					d.listed = true
					listed++
				}
			}
		}
		named := ""
		if id, ok := ev.data["sector_id"].(string); ok {
			named = "sector:" + id
		}
		list(func(d *delivery) bool { return d.x.c.Name == ev.from })
		list(func(d *delivery) bool { return named != "" && d.x.c.Name == named })
		list(func(d *delivery) bool { return d.failed > 0 })
		list(func(*delivery) bool { return true })
		var more struct {
			contexts, handlers, failed int
			ms                         float64
			first, last                string
		}
		for _, d := range ds {
			if d.listed {
				// In delivery (creation) order.
				m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: d.x.c.Name, Step: step,
					Message: &engine.MessageRecord{Name: ev.name, Context: d.x.c.Name, Args: args,
						Handlers: d.n, Failed: d.failed, Ms: d.ms, Target: from}})
				continue
			}
			if more.contexts == 0 {
				more.first = d.x.c.Name
			}
			more.contexts++
			more.handlers += d.n
			more.failed += d.failed
			more.ms += d.ms
			more.last = d.x.c.Name
		}
		if more.contexts > 0 {
			// The deliveries not listed: one record for all of them, so
			// that the records grow with the events, not with events
			// times live sectors.
			span := more.first
			if more.contexts > 1 {
				span = "first " + more.first + ", last " + more.last + " in load order"
			}
			failed := ""
			if more.failed > 0 {
				failed = fmt.Sprintf("; %d failed handler(s)", more.failed)
			}
			m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: moreContexts, Step: step,
				Message: &engine.MessageRecord{Name: ev.name, Context: moreContexts, Args: args,
					Handlers: more.handlers, Failed: more.failed, Ms: more.ms,
					Contexts: more.contexts, First: more.first, Last: more.last,
					Target: fmt.Sprintf("%s; delivered to %d more contexts (%s)%s", from, more.contexts, span, failed)}})
		}
		if !handled {
			// Nobody handles it: one record, in the server (the bus's home).
			where := ""
			if m.server != nil {
				where = m.server.c.Name
			}
			m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: where, Step: step,
				Message: &engine.MessageRecord{Name: ev.name, Context: where, Args: args,
					Target: from + "; no context handles it"}})
		}
	}
	m.runMoves(step)
	m.mu.Lock()
	listeners := append([]*lctx(nil), m.listeners...)
	m.mu.Unlock()
	for _, x := range listeners {
		if x.id == "" || x.closed {
			continue
		}
		m.mu.Lock()
		jobs := x.jobs
		x.jobs = nil
		m.mu.Unlock()
		for _, job := range jobs {
			job(step)
		}
	}
}

// deliver calls x's handlers of ev.name in registration order, each with
// its own table of the fields (EventBus::Listener::push). A failing handler
// is recorded and the next one runs. A context without a handler for the
// event runs nothing (an event no context handles is recorded once, by
// tick); ok reports whether handlers ran, n how many, ms their time.
func (m *Model) deliver(x *lctx, ev busEvent, step string) (n, failed int, ms float64, ok bool) {
	m.mu.Lock()
	n = x.handled[ev.name]
	m.mu.Unlock()
	if n == 0 {
		return 0, 0, 0, false // nothing runs and nothing is recorded
	}
	start := time.Now()
	if err := x.c.Do(func(o *engine.Lua) {
		L := o.L
		o.SetStep(step)
		hs := o.HandlersOf(ev.name)
		n = len(hs)
		for _, h := range hs {
			if _, e := o.Call(h.Fn, []lua.LValue{eventDataToLua(L, ev.data)}, h.Where); e != nil {
				failed++
			}
		}
	}); err != nil {
		return 0, 0, 0, false // the context closed meanwhile: nothing was delivered
	}
	return n, failed, float64(time.Since(start).Microseconds()) / 1000, true
}

// settle runs ticks until the bus is quiet, at most settleTicks; what is
// still queued then waits for the next command or advance.
func (m *Model) settle(step string) {
	for i := 0; i < settleTicks; i++ {
		if !m.busy() {
			return
		}
		m.tick(step)
	}
	if m.busy() && m.server != nil {
		m.mu.Lock()
		n := len(m.queue)
		m.mu.Unlock()
		note := fmt.Sprintf("the event bus is still busy after %d ticks (%d events queued): handlers enqueue events on every tick; they are delivered by the next command or advance", settleTicks, n)
		if err := m.server.c.Do(func(o *engine.Lua) { o.Print("warn", note) }); err != nil {
			m.h.Lost(m.server.c, step, note, err)
		}
	}
}

// advance runs the ticks of ms milliseconds of game time (at least one).
func (m *Model) advance(cmd engine.Command, step string) engine.Result {
	ms, err := cmd.Number(0)
	if err != nil || ms < 0 || math.IsNaN(ms) || math.IsInf(ms, 0) {
		return engine.Failed("usage: advance MS (milliseconds of game time, ticks of %d ms)", tickMs)
	}
	if err := m.needStarted("advance"); err != nil {
		return engine.Failed("%v", err)
	}
	n := int(math.Ceil(ms / tickMs))
	if n < 1 {
		n = 1
	}
	if n > maxAdvanceTicks {
		return engine.Failed("advance: %g ms is %d ticks; at most %d ticks (%d ms) at a time", ms, n, maxAdvanceTicks, maxAdvanceTicks*tickMs)
	}
	ran := 0
	for ; ran < n; ran++ {
		if !m.busy() {
			break // nothing left to do: the remaining ticks are empty
		}
		m.tick(step)
	}
	m.mu.Lock()
	left := len(m.queue)
	m.mu.Unlock()
	msg := fmt.Sprintf("%d tick(s) of %d ms", n, tickMs)
	if left > 0 {
		msg += fmt.Sprintf("; %d event(s) still queued", left)
	}
	return engine.Result{OK: true, Result: msg}
}

// queued lists the waiting events, for the inspector.
func (m *Model) queuedRows() []map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	rows := []map[string]any{}
	for i, ev := range m.queue {
		rows = append(rows, map[string]any{"order": i + 1, "event": ev.name, "fields": renderData(ev.data), "from": ev.from})
	}
	return rows
}

// eventName reads an event name argument (a string; numbers as Lua's
// tostring, as the engine's std::string conversion does).
func eventName(L *lua.LState, i int) string {
	switch v := L.Get(i).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	default:
		L.ArgError(i, "event name (a string) expected, got "+v.Type().String())
		return ""
	}
}
