package scripts

import (
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// RunStep implements engine.Model: attaches the step's scripts in order.
// A pair already attached is attached again, which BMS treats as a reload.
func (m *Model) RunStep() engine.StepOutcome {
	if m.next >= len(m.steps) {
		return engine.StepOutcome{Error: "every step has run"}
	}
	st := m.steps[m.next]
	m.next++
	var out engine.StepOutcome
	for _, a := range st.attach {
		if _, err := m.attach(a, st.name); err != nil && out.Error == "" {
			out.Error = err.Error()
		}
	}
	return out
}

// Contexts implements engine.Model, in the order of each context's first
// resident (so the scene's order shows).
func (m *Model) Contexts() []*engine.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	xs := m.orderedLocked()
	out := make([]*engine.Context, len(xs))
	for i, x := range xs {
		out[i] = x.c
	}
	return out
}

// orderedLocked lists live contexts by the attach order of their first
// resident (mu held). The slice is the model's: iterate it under mu only.
func (m *Model) orderedLocked() []*sctx {
	if m.reorder {
		first := func(x *sctx) uint64 {
			if len(x.residents) == 0 {
				return ^uint64(0)
			}
			return m.seq[x.residents[0]]
		}
		sort.SliceStable(m.order, func(i, j int) bool {
			fi, fj := first(m.order[i]), first(m.order[j])
			if fi != fj {
				return fi < fj
			}
			return m.order[i].c.Name < m.order[j].c.Name
		})
		m.reorder = false
	}
	return m.order
}

// addOrderLocked appends a new context to the display order (mu held).
func (m *Model) addOrderLocked(x *sctx) {
	if n := len(m.order); n > 0 {
		if last := m.order[n-1]; len(last.residents) == 0 || m.seq[last.residents[0]] > m.seq[x.residents[0]] {
			m.reorder = true
		}
	}
	m.order = append(m.order, x)
}

func (m *Model) ordered() []*sctx {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*sctx(nil), m.orderedLocked()...)
}

// Close implements engine.Model: every context is closed, no callback runs.
func (m *Model) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, x := range m.byName {
		x.c.Close()
		delete(m.byName, name)
	}
	m.where = map[Key]*sctx{}
	m.attached = nil
	m.order = nil
	m.unplaced = map[Key]string{}
}

// WatchPaths lists the scene's scripts and every script attached since,
// relative to the game folder and slash separated, as `edit FILE` takes
// them: the window watches them and sends `edit FILE` when one changes.
func (m *Model) WatchPaths() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, a := range m.scene.Attachments() {
		add(a.Script)
	}
	for _, a := range m.attached {
		add(a.Script)
	}
	for a := range m.unplaced {
		add(a.Script)
	}
	sort.Strings(out)
	return out
}

// maxCallRows bounds the call log rows Registries returns (the newest).
const maxCallRows = 1000

// Registries implements engine.RegistryProvider, as plain rows:
//
//   - attachments: entity, entity_name, script, context, status (resident,
//     or why the pair holds no context);
//   - callbacks: register_callback registrations per attachment: attachment,
//     name, where, context;
//   - lifecycle: one row per live context: context, state, residents,
//     calls, and reason when a failed first load keeps it loading;
//   - calls: the newest callback deliveries of every context: context, seq
//     (per context), callback, attachment, via (registered, global, not
//     defined), ok, result, error, step;
//   - policy: the policy and its rules, with a note that changing it live is
//     modscope's own.
func (m *Model) Registries() map[string][]map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	ent := func(row map[string]any, a Key) {
		row["entity"] = nil
		if a.HasEntity {
			row["entity"] = a.Entity
			if n := m.names[a.Entity]; n != "" {
				row["entity_name"] = n
			}
		}
	}
	atts := []map[string]any{}
	for _, a := range m.attachOrderLocked() {
		row := map[string]any{"script": a.Script, "context": "", "status": "resident"}
		ent(row, a)
		if x := m.where[a]; x != nil {
			row["context"] = x.c.Name
		} else {
			row["status"] = m.unplaced[a]
		}
		atts = append(atts, row)
	}
	cbs := []map[string]any{}
	m.cbMu.Lock()
	for _, k := range m.cbOrder {
		cb := m.cbs[k]
		if cb == nil {
			continue
		}
		cbs = append(cbs, map[string]any{"attachment": k.a.Label(), "name": k.name, "where": cb.Where, "context": cb.x.c.Name})
	}
	m.cbMu.Unlock()
	life := []map[string]any{}
	type logged struct {
		ctx string
		e   CallEntry
	}
	var calls []logged
	for _, x := range m.orderedLocked() {
		row := map[string]any{"context": x.c.Name, "state": x.c.State(), "residents": labels(x.residents)}
		x.logMu.Lock()
		row["calls"] = x.callSeq
		if x.stuck != "" {
			row["reason"] = x.stuck
		}
		for _, e := range x.calls {
			calls = append(calls, logged{x.c.Name, e})
		}
		x.logMu.Unlock()
		life = append(life, row)
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].e.global < calls[j].e.global })
	if len(calls) > maxCallRows {
		calls = calls[len(calls)-maxCallRows:]
	}
	callRows := make([]map[string]any, 0, len(calls))
	for _, l := range calls {
		row := map[string]any{"context": l.ctx, "seq": l.e.Seq, "callback": l.e.Callback, "attachment": l.e.Attachment,
			"via": l.e.Via, "ok": l.e.OK, "step": l.e.Step}
		if l.e.Result != "" {
			row["result"] = l.e.Result
		}
		if l.e.Error != "" {
			row["error"] = l.e.Error
		}
		callRows = append(callRows, row)
	}
	pol := []map[string]any{{"policy": m.policy.String(), "rules": append([]string(nil), m.policy.Rules...),
		"note": "changing the policy live is modscope's own: BMS fixes it when the app is built"}}
	return map[string][]map[string]any{"attachments": atts, "callbacks": cbs, "lifecycle": life, "calls": callRows, "policy": pol}
}

// attachOrderLocked lists every attached pair (with or without a context)
// in attach order (mu held).
func (m *Model) attachOrderLocked() []Key {
	out := append([]Key(nil), m.attached...)
	for a := range m.unplaced {
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return m.seq[out[i]] < m.seq[out[j]] })
	return out
}

// ---- lifecycle (bevy_mod_scripting_core/src/pipeline) ----

// attach handles a ScriptAttachedEvent for a, as BMS's
// ScriptPipelineEvent::process_attachment (pipeline/start.rs) does:
//
//   - no context under a's key: create it (loading) and load a into it;
//   - a loaded context: a becomes a resident (if it is not one already) and
//     the context is reloaded for a — a join, or a re-attach, is a reload;
//   - a context in any other state (stuck loading): a is ignored;
//   - no rule of the policy matches a: a is loaded into a context of its
//     own, on_script_loaded is called, and the context is dropped.
//
// It returns a note for the person when a was ignored or dropped.
func (m *Model) attach(a Key, step string) (string, error) {
	m.mu.Lock()
	if _, ok := m.seq[a]; !ok {
		m.nextSeq++
		m.seq[a] = m.nextSeq
	}
	k, ok := m.policy.KeyFor(a)
	pol := m.policy
	if !ok {
		m.mu.Unlock()
		return m.loadUnmatched(a, pol, step)
	}
	x := m.byName[k.Name()]
	if x == nil {
		delete(m.unplaced, a)
		m.mu.Unlock()
		return "", m.create(k, a, step)
	}
	if st := x.c.State(); st != engine.StateActive {
		why := fmt.Sprintf("ignored: context %s is %s", x.c.Name, st)
		m.unplaced[a] = why
		m.mu.Unlock()
		note := fmt.Sprintf("%s is ignored: its context %s is %s, and BMS drops attachments for a context that is not loaded (pipeline/start.rs, process_attachment)", a.Label(), x.c.Name, st)
		if r := x.reason(); r != "" {
			note += "; " + r
		}
		if err := x.c.Do(func(o *engine.Lua) { o.SetStep(step); o.Print("warn", note) }); err != nil {
			return note, fmt.Errorf("attach %s: context %s: %w", a.Label(), x.c.Name, err)
		}
		return note, nil
	}
	delete(m.unplaced, a)
	joined := m.where[a] == nil
	if joined {
		x.residents = append(x.residents, a)
		m.attached = append(m.attached, a)
		m.where[a] = x
	}
	m.mu.Unlock()
	if joined {
		x.c.AddResident(a.Label())
	}
	if err := x.c.Do(func(o *engine.Lua) {
		o.SetStep(step)
		m.reloadAttachment(x, a)
	}); err != nil {
		return "", fmt.Errorf("attach %s: context %s: %w", a.Label(), x.c.Name, err)
	}
	return "", nil
}

// create makes the context for key k with a as its first resident, loads
// a into it, and only then registers it (byName, where, attached): a
// context whose first job could not run (unloaded meanwhile) is closed and
// never seen with no owner access; a is then listed as unplaced.
func (m *Model) create(k Key, a Key, step string) error {
	c, err := m.h.NewContext(k.Name(), k.Name())
	if err != nil {
		return err
	}
	x := &sctx{c: c, key: k, residents: []Key{a}}
	c.SetResidents(labels(x.residents))
	if err := c.Do(func(o *engine.Lua) {
		x.o = o
		o.SetStep(step)
		x.registerFn = m.newRegisterFn(x)
		m.load(x, a, true, lua.LNil)
	}); err != nil {
		c.Close()
		m.mu.Lock()
		m.unplaced[a] = fmt.Sprintf("no context: context %s: %v", c.Name, err) // listed, not resident
		m.mu.Unlock()
		return fmt.Errorf("attach %s: context %s: %w", a.Label(), c.Name, err)
	}
	m.mu.Lock()
	m.byName[c.Name] = x
	m.addOrderLocked(x)
	m.attached = append(m.attached, a)
	m.where[a] = x
	m.mu.Unlock()
	return nil
}

// loadUnmatched loads a pair no rule of the policy matches, as BMS does:
// the load runs (its insert of the Loading state fails with a warning, but
// the machine is queued anyway), on_script_loaded is called, and then
// ContextAssigned cannot store the context ("no context policy matched"):
// the context is dropped.
func (m *Model) loadUnmatched(a Key, pol Policy, step string) (string, error) {
	name := "unmatched:" + a.Name()
	c, err := m.h.NewContext(name, name)
	if err != nil {
		return "", err
	}
	x := &sctx{c: c, key: a, residents: []Key{a}}
	c.SetResidents(labels(x.residents))
	note := fmt.Sprintf("policy %s gives %s no context (no rule matches it): BMS loads it, calls on_script_loaded, then drops the context with \"no context policy matched\"; callbacks never reach it", pol, a.Label())
	derr := c.Do(func(o *engine.Lua) {
		x.o = o
		o.SetStep(step)
		x.registerFn = m.newRegisterFn(x)
		m.load(x, a, true, lua.LNil)
		o.Print("warn", note)
	})
	c.SetState(engine.StateUnloading)
	m.forgetCallbacks(x)
	m.h.Retire(c)
	c.Close()
	m.mu.Lock()
	m.unplaced[a] = "no context: no rule of the policy matches it"
	m.mu.Unlock()
	if derr != nil {
		return note, fmt.Errorf("attach %s: context %s: %w", a.Label(), name, derr)
	}
	return note, nil
}

// load runs BMS's load of a into x (owner goroutine): P::load/P::reload
// (bevy_mod_scripting_lua lib.rs, load_lua_content_into_context) — the
// context initializers, the pre-handling initializers and the file, with a
// as the current attachment — then, as ContextAssigned's observers do
// (pipeline/hooks.rs), on_script_loaded and, for a reload,
// on_script_reloaded(saved). A failure stops there (ProcessInterrupted):
// a new context stays loading; a reloaded one is marked active again.
func (m *Model) load(x *sctx, a Key, isNew bool, saved lua.LValue) bool {
	prev := x.cur
	x.cur = &a
	ok, why := m.contextInit(x, a)
	if !ok {
		why = "context initializer: " + why
	} else if ok, why = m.preHandling(x, a); !ok {
		why = "pre-handling initializer: " + why
	} else if fr, _ := x.o.ExecFile(a.Script, nil); !fr.OK {
		ok, why = false, fr.Error
	}
	x.cur = prev
	if !ok {
		if isNew {
			reason := fmt.Sprintf("stuck loading: the first load of %s failed (%s). BMS leaves the context loading: on_script_loaded is not called, and scripts that would join this context are ignored until it is recreated (reset, or change the policy)", a.Label(), firstLineOf(why))
			x.logMu.Lock()
			x.stuck = reason
			x.logMu.Unlock()
			x.o.Print("warn", reason)
			return false
		}
		x.o.Print("warn", fmt.Sprintf("reloading %s failed (%s): BMS marks the context loaded again without calling on_script_loaded or on_script_reloaded", a.Label(), firstLineOf(why)))
		x.c.SetState(engine.StateActive)
		return false
	}
	m.lifecycle(x, a, "on_script_loaded")
	if !isNew {
		m.lifecycle(x, a, "on_script_reloaded", saved)
	}
	x.c.SetState(engine.StateActive)
	return true
}

// reloadAttachment reloads a in x as BMS's ReloadingInitialized machine
// does (owner goroutine): on_script_unloaded for a — its result, after the
// script-value round trip, is the reload state — then load (initializers,
// pre-handling, the file, on_script_loaded, on_script_reloaded(state)).
func (m *Model) reloadAttachment(x *sctx, a Key) {
	x.c.SetState(engine.StateReloading)
	r := m.lifecycle(x, a, "on_script_unloaded")
	saved := lua.LValue(lua.LNil)
	if r.err == "" {
		saved = r.value
	}
	m.load(x, a, false, saved)
}

// reason is why x is stuck loading ("" if it is not).
func (x *sctx) reason() string {
	x.logMu.Lock()
	defer x.logMu.Unlock()
	return x.stuck
}

// detach handles a ScriptDetachedEvent as process_detachment and
// UnloadingInitialized do: only a loaded context is touched; it is marked
// unloading, on_script_unloaded runs for a, then a stops being a resident
// (the context goes back to loaded) or, being the last, the context is
// removed. It returns a note when BMS would do nothing.
func (m *Model) detach(a Key, step string) (string, error) {
	m.mu.Lock()
	x := m.where[a]
	if x == nil {
		why, had := m.unplaced[a]
		delete(m.unplaced, a)
		delete(m.seq, a)
		m.mu.Unlock()
		if had {
			return fmt.Sprintf("%s held no context (%s): nothing to unload", a.Label(), why), nil
		}
		return "", fmt.Errorf("%s is not attached", a.Label())
	}
	if st := x.c.State(); st != engine.StateActive {
		m.mu.Unlock()
		return fmt.Sprintf("%s stays: its context %s is %s, and BMS only unloads from a loaded context (pipeline/start.rs, process_detachment)", a.Label(), x.c.Name, st), nil
	}
	last := len(x.residents) == 1
	m.mu.Unlock()
	x.c.SetState(engine.StateUnloading)
	derr := x.c.Do(func(o *engine.Lua) {
		o.SetStep(step)
		m.lifecycle(x, a, "on_script_unloaded")
	})
	m.mu.Lock()
	if x.residents[0] == a {
		m.reorder = true
	}
	x.residents = without(x.residents, a)
	m.attached = without(m.attached, a)
	delete(m.where, a)
	delete(m.seq, a)
	res := labels(x.residents)
	m.mu.Unlock()
	x.c.SetResidents(res)
	if last {
		m.unload(x)
	} else {
		x.c.SetState(engine.StateActive)
	}
	if derr != nil { // unloaded meanwhile: on_script_unloaded did not run
		return "", fmt.Errorf("detach %s: context %s: %w", a.Label(), x.c.Name, derr)
	}
	return "", nil
}

// unload retires and closes a context (state unloading already set).
func (m *Model) unload(x *sctx) {
	m.forgetCallbacks(x)
	m.h.Retire(x.c)
	m.mu.Lock()
	if m.byName[x.c.Name] == x {
		delete(m.byName, x.c.Name)
	}
	for i, y := range m.order {
		if y == x {
			m.order = append(m.order[:i], m.order[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
	x.c.Close()
}

func labels(ks []Key) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Label()
	}
	return out
}

func without(ks []Key, a Key) []Key {
	out := make([]Key, 0, len(ks))
	for _, k := range ks {
		if k != a {
			out = append(out, k)
		}
	}
	return out
}
