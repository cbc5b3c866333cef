package scripts

import (
	"fmt"
	"sync"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// StepStatic is the last step: static scripts, attached to no entity.
const StepStatic = "Static scripts"

// stepEmptyScene is the one step of a scene that attaches no script.
const stepEmptyScene = "Attach scene"

// Model is the scripts model: every (entity, script) attachment lives in
// the context its key selects under the current policy. The session calls
// it from one goroutine at a time; mu guards what other goroutines read
// (WatchPaths, Registries).
type Model struct {
	h     *engine.Host
	g     *engine.Game
	scene *Scene

	steps     []stepDef
	stepNames []string
	next      int

	mu       sync.Mutex
	policy   Policy
	attached []Key         // residents of a context, in attach order
	where    map[Key]*sctx // attachment -> its context
	byName   map[string]*sctx
	order    []*sctx          // live contexts by their first resident's attach order
	reorder  bool             // order needs sorting again
	names    map[int64]string // entity names from the scene
	seq      map[Key]uint64   // attach order of every attached pair
	nextSeq  uint64
	// Attached pairs that hold no context: no rule of the policy matches
	// them (BMS loads, calls and drops them), or their context was not
	// loaded when they came (BMS ignores them). A policy change tries them
	// again.
	unplaced map[Key]string // -> why

	cbMu    sync.Mutex
	cbs     map[cbKey]*callback // register_callback registrations
	cbOrder []cbKey

	callSeq atomic.Int64 // orders call logs across contexts
}

type stepDef struct {
	name   string
	attach []Key
}

// sctx is one live context and what the model knows about it.
type sctx struct {
	c         *engine.Context
	o         *engine.Lua // c's owner access, set in the Do that creates c: owner goroutine only
	key       Key
	residents []Key // in attach order (guarded by Model.mu)

	// Owner-goroutine state (touched inside c.Do only).
	cur        *Key // the attachment whose file or callback is running
	registerFn *lua.LFunction

	cbKeys []cbKey // registrations whose function lives here (Model.cbMu)

	logMu   sync.Mutex
	calls   []CallEntry
	callSeq int
	stuck   string // why the first load failed: the context stays loading
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
		where: map[Key]*sctx{}, byName: map[string]*sctx{}, names: map[int64]string{},
		seq: map[Key]uint64{}, unplaced: map[Key]string{}, cbs: map[cbKey]*callback{}}
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
		m.steps = []stepDef{{name: stepEmptyScene}}
	}
	for _, st := range m.steps {
		m.stepNames = append(m.stepNames, st.name)
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
// the static scripts. The slice is shared: callers must not change it (the
// session asks every step; a copy would make a large scene quadratic).
func (m *Model) Steps() []string { return m.stepNames }

// Next implements engine.Model.
func (m *Model) Next() int { return m.next }
