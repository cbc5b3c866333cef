package scripts

import (
	"fmt"
	"sort"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

func init() { engine.RegisterModel(engine.ModelScripts, New) }

// StepStatic is the last step: static scripts, attached to no entity.
const StepStatic = "Static scripts"

// Model is the scripts model: every (entity, script) attachment lives in
// the context its key selects under the current policy. The session calls
// it from one goroutine at a time; mu guards what other goroutines read
// (WatchPaths, Registries).
type Model struct {
	h     *engine.Host
	g     *engine.Game
	scene *Scene

	steps []stepDef
	next  int

	mu       sync.Mutex
	policy   Policy
	attached []Key         // attachment order
	where    map[Key]*sctx // attachment -> its context
	byName   map[string]*sctx
	names    map[int64]string // entity names from the scene
}

type stepDef struct {
	name   string
	attach []Key
}

// sctx is one live context and what the model knows about it.
type sctx struct {
	c         *engine.Context
	key       Key
	residents []Key // in attach order

	// Owner-goroutine state (touched inside c.Do only).
	cur *Key // the attachment whose file or callback is running

	cbMu      sync.Mutex
	callbacks []*callback // register_callback registrations, in order
}

// callback is one register_callback registration.
type callback struct {
	Script string // the script that registered it ("" if none was running)
	Name   string
	Where  string
	Fn     *lua.LFunction
}

// New reads scene.toml and prepares the steps; nothing runs yet.
func New(h *engine.Host) (engine.Model, error) {
	src, err := h.Game.ReadFile(SceneFile)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the scene file (a scripts game needs one): %v", SceneFile, err)
	}
	sc, err := ParseScene(string(src), h.Game.Exists)
	if err != nil {
		return nil, err
	}
	m := &Model{h: h, g: h.Game, scene: sc, policy: sc.Policy,
		where: map[Key]*sctx{}, byName: map[string]*sctx{}, names: map[int64]string{}}
	for _, e := range sc.Entities {
		m.names[e.ID] = e.Name
		st := stepDef{name: fmt.Sprintf("Entity %d", e.ID)}
		if e.Name != "" {
			st.name += " (" + e.Name + ")"
		}
		for _, s := range e.Scripts {
			st.attach = append(st.attach, Key{HasEntity: true, Entity: e.ID, Script: s})
		}
		m.steps = append(m.steps, st)
	}
	if len(sc.Static) > 0 {
		st := stepDef{name: StepStatic}
		for _, s := range sc.Static {
			st.attach = append(st.attach, Key{Script: s})
		}
		m.steps = append(m.steps, st)
	}
	if len(m.steps) == 0 {
		m.steps = []stepDef{{name: "Attach scene"}}
	}
	return m, nil
}

// Scene returns the parsed scene.
func (m *Model) Scene() *Scene { return m.scene }

// Policy returns the current policy.
func (m *Model) Policy() Policy {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.policy
}

// Steps implements engine.Model: one step per entity, in scene order, then
// the static scripts.
func (m *Model) Steps() []string {
	out := make([]string, len(m.steps))
	for i, s := range m.steps {
		out[i] = s.name
	}
	return out
}

// Next implements engine.Model.
func (m *Model) Next() int { return m.next }

// RunStep implements engine.Model: attaches the step's scripts in order.
// A pair already attached by hand is left as it is.
func (m *Model) RunStep() engine.StepOutcome {
	if m.next >= len(m.steps) {
		return engine.StepOutcome{Error: "every step has run"}
	}
	st := m.steps[m.next]
	m.next++
	var out engine.StepOutcome
	for _, a := range st.attach {
		if m.isAttached(a) {
			continue
		}
		if err := m.attach(a, st.name); err != nil && out.Error == "" {
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
// resident (mu held).
func (m *Model) orderedLocked() []*sctx {
	pos := make(map[Key]int, len(m.attached))
	for i, a := range m.attached {
		pos[a] = i
	}
	first := func(x *sctx) int {
		best := len(m.attached)
		for _, r := range x.residents {
			if p, ok := pos[r]; ok && p < best {
				best = p
			}
		}
		return best
	}
	out := make([]*sctx, 0, len(m.byName))
	for _, x := range m.byName {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool {
		fi, fj := first(out[i]), first(out[j])
		if fi != fj {
			return fi < fj
		}
		return out[i].c.Name < out[j].c.Name
	})
	return out
}

func (m *Model) ordered() []*sctx {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orderedLocked()
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
}

func (m *Model) isAttached(a Key) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.where[a] != nil
}

// WatchPaths lists the scene's scripts and every script attached since,
// relative to the game folder and slash separated, as `edit FILE` takes
// them: the window watches them and sends `edit FILE` when one changes.
func (m *Model) WatchPaths() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, a := range append(m.scene.Attachments(), m.attached...) {
		if !seen[a.Script] {
			seen[a.Script] = true
			out = append(out, a.Script)
		}
	}
	sort.Strings(out)
	return out
}

// Registries implements engine.RegistryProvider: the attachments with their
// contexts, the registered callbacks, and the policy.
func (m *Model) Registries() map[string][]map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	atts := []map[string]any{}
	for _, a := range m.attached {
		row := map[string]any{"entity": nil, "script": a.Script, "context": ""}
		if a.HasEntity {
			row["entity"] = a.Entity
			if n := m.names[a.Entity]; n != "" {
				row["entity_name"] = n
			}
		}
		if x := m.where[a]; x != nil {
			row["context"] = x.c.Name
		}
		atts = append(atts, row)
	}
	cbs := []map[string]any{}
	for _, x := range m.orderedLocked() {
		x.cbMu.Lock()
		for _, cb := range x.callbacks {
			cbs = append(cbs, map[string]any{"context": x.c.Name, "name": cb.Name, "where": cb.Where, "script": cb.Script})
		}
		x.cbMu.Unlock()
	}
	pol := []map[string]any{{"policy": m.policy.String(), "rules": append([]string(nil), m.policy.Rules...)}}
	return map[string][]map[string]any{"attachments": atts, "callbacks": cbs, "policy": pol}
}

// ---- lifecycle ----

// attach attaches a (its file must exist) to the context its key selects,
// creating the context if there is none.
func (m *Model) attach(a Key, step string) error {
	m.mu.Lock()
	if m.where[a] != nil {
		m.mu.Unlock()
		return fmt.Errorf("%s is already attached (context %s)", a.Label(), m.where[a].c.Name)
	}
	k, ok := m.policy.KeyFor(a)
	pol := m.policy
	m.mu.Unlock()
	if !ok {
		return fmt.Errorf("policy %s gives %s no context: no rule matches it", pol, a.Label())
	}
	name := k.Name()
	m.mu.Lock()
	x := m.byName[name]
	m.mu.Unlock()
	if x == nil {
		return m.create(k, a, step)
	}
	m.mu.Lock()
	x.residents = append(x.residents, a)
	m.attached = append(m.attached, a)
	m.where[a] = x
	m.mu.Unlock()
	x.c.SetResidents(labels(x.residents))
	x.c.Do(func(L *lua.LState) {
		x.c.SetStep(step)
		m.loadScript(x, a)
	})
	return nil
}

// create makes the context for key k with a as its first resident:
// loading, context initializer, the script, on_script_loaded, active.
func (m *Model) create(k Key, a Key, step string) error {
	c, err := m.h.NewContext(k.Name(), k.Name())
	if err != nil {
		return err
	}
	x := &sctx{c: c, key: k, residents: []Key{a}}
	c.SetResidents(labels(x.residents))
	m.mu.Lock()
	m.byName[c.Name] = x
	m.attached = append(m.attached, a)
	m.where[a] = x
	m.mu.Unlock()
	c.Do(func(L *lua.LState) {
		c.SetStep(step)
		m.install(x)
		m.contextInit(x)
		m.loadScript(x, a)
	})
	c.SetState(engine.StateActive)
	return nil
}

// loadScript runs a's file in x and then on_script_loaded (owner goroutine).
func (m *Model) loadScript(x *sctx, a Key) {
	m.runFile(x, a)
	m.lifecycle(x, a, "on_script_loaded", nil)
}

// runFile runs a's file with a as the current attachment.
func (m *Model) runFile(x *sctx, a Key) {
	prev := x.cur
	x.cur = &a
	defer func() { x.cur = prev }()
	x.c.DefineGlobal("attachment", attachmentTable(x.c.L, a))
	x.c.ExecFile(a.Script, nil)
}

// detach removes a from its context, calling on_script_unloaded first; the
// last resident's leaving unloads the context.
func (m *Model) detach(a Key, step string) error {
	m.mu.Lock()
	x := m.where[a]
	m.mu.Unlock()
	if x == nil {
		return fmt.Errorf("%s is not attached", a.Label())
	}
	last := len(x.residents) == 1
	if last {
		x.c.SetState(engine.StateUnloading)
	}
	x.c.Do(func(L *lua.LState) {
		x.c.SetStep(step)
		m.lifecycle(x, a, "on_script_unloaded", nil)
		if !last {
			m.dropCallbacks(x, a.Script, without(x.residents, a))
		}
	})
	m.mu.Lock()
	x.residents = without(x.residents, a)
	m.attached = without(m.attached, a)
	delete(m.where, a)
	m.mu.Unlock()
	x.c.SetResidents(labels(x.residents))
	if last {
		m.unload(x)
	}
	return nil
}

// unload retires and closes a context (state unloading already set).
func (m *Model) unload(x *sctx) {
	m.h.Retire(x.c)
	m.mu.Lock()
	if m.byName[x.c.Name] == x {
		delete(m.byName, x.c.Name)
	}
	m.mu.Unlock()
	x.c.Close()
}

// reload reloads the residents of x whose script is in scripts (nil: every
// resident): reloading, on_script_unloaded for each, the context
// initializer again, then each file again followed by
// on_script_reloaded(the value its on_script_unloaded returned).
func (m *Model) reload(x *sctx, scripts map[string]bool, step string) {
	m.mu.Lock()
	var affected []Key
	for _, r := range x.residents {
		if scripts == nil || scripts[r.Script] {
			affected = append(affected, r)
		}
	}
	m.mu.Unlock()
	if len(affected) == 0 {
		return
	}
	x.c.SetState(engine.StateReloading)
	x.c.Do(func(L *lua.LState) {
		x.c.SetStep(step)
		saved := make([]any, len(affected))
		for i, a := range affected {
			if res, ok := m.lifecycle(x, a, "on_script_unloaded", nil); ok && len(res) > 0 {
				saved[i] = engine.ToPlain(res[0], 32) // a plain value, copied
			}
		}
		m.contextInit(x)
		for i, a := range affected {
			m.runFile(x, a)
			m.lifecycle(x, a, "on_script_reloaded", []lua.LValue{engine.ToLua(L, saved[i])})
		}
	})
	x.c.SetState(engine.StateActive)
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
