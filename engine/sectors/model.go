package sectors

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

func init() { engine.RegisterModel(engine.ModelSectors, New) }

// Step names.
const (
	StepServer  = "Server context"
	StepStarted = "server_started"
	StepRejoin  = "Players rejoin"
)

// Model is the sectors model: one server context, one context per loaded
// sector. The session calls it from one goroutine at a time; mu guards the
// maps for readers anyway.
type Model struct {
	h *engine.Host
	g *engine.Game

	mods     []engine.SectorMod
	warnings []string
	resolve  func(string) (string, error)

	steps   []string
	next    int
	started bool // server_started was sent

	mu      sync.Mutex
	server  *lctx
	sectors map[string]*lctx
	players []*player // in join order
	pending []*player // players to bring back after a reload
}

type player struct {
	id     string
	sector string // "" when in no sector
}

// New builds the model on an opened folder; nothing runs yet.
func New(h *engine.Host) (engine.Model, error) {
	m := &Model{h: h, g: h.Game, sectors: map[string]*lctx{}}
	m.discover()
	m.steps = []string{StepServer, StepStarted}
	return m, nil
}

// discover reads the mod folders and their order.
func (m *Model) discover() {
	m.mods, m.warnings = orderMods(engine.SectorMods(m.g.Dir), m.g.Settings.Sectors.Mods)
	if len(m.mods) == 0 {
		m.warnings = append(m.warnings, "no mod folder (<mod>/ or assets/<mod>/ with manifest.xml and server.lua or sector.lua) was found: nothing to run")
	}
	for _, md := range m.mods {
		if _, err := readManifest(m.g, md); err != nil {
			m.warnings = append(m.warnings, fmt.Sprintf("mod %s: manifest.xml: %v", md.Name, err))
		}
	}
	m.resolve = resolver(m.g, m.mods)
}

// Steps implements engine.Model.
func (m *Model) Steps() []string { return append([]string(nil), m.steps...) }

// Next implements engine.Model.
func (m *Model) Next() int { return m.next }

// RunStep implements engine.Model.
func (m *Model) RunStep() engine.StepOutcome {
	if m.next >= len(m.steps) {
		return engine.StepOutcome{Error: "every step has run"}
	}
	name := m.steps[m.next]
	m.next++
	switch name {
	case StepServer:
		return m.startServer()
	case StepStarted:
		if m.server == nil {
			return engine.StepOutcome{Error: "there is no server context", Fatal: true}
		}
		if err := m.fire(m.server, StepStarted, "server_started", nil); err != nil {
			return engine.StepOutcome{Error: err.Error()}
		}
		m.started = true
		return engine.StepOutcome{Messages: []string{"server_started"}}
	case StepRejoin:
		return m.rejoin()
	}
	return engine.StepOutcome{Error: "unknown step " + name}
}

// entries lists the mods' entry files called file (server.lua, sector.lua)
// that exist, in mod order.
func (m *Model) entries(file string) []string {
	var out []string
	for _, md := range m.mods {
		if p := path.Join(md.Dir, file); m.g.Exists(p) {
			out = append(out, p)
		}
	}
	return out
}

// startServer creates the server context and runs every server.lua.
func (m *Model) startServer() engine.StepOutcome {
	c, err := m.h.NewContext("server", "server")
	if err != nil {
		return engine.StepOutcome{Error: err.Error(), Fatal: true}
	}
	x := &lctx{c: c}
	m.mu.Lock()
	m.server = x
	m.mu.Unlock()
	files := m.entries("server.lua")
	c.Do(func(L *lua.LState) {
		c.SetStep(StepServer)
		for _, w := range m.warnings {
			c.Print("warn", w)
		}
		m.install(x)
		for _, f := range files {
			c.ExecFile(f, nil)
		}
		m.drain(x)
	})
	c.SetState(engine.StateActive)
	return engine.StepOutcome{}
}

// loadSector creates sector id's context and runs every sector.lua in it.
func (m *Model) loadSector(id, step string) (*lctx, error) {
	c, err := m.h.NewContext("sector:"+id, id)
	if err != nil {
		return nil, err
	}
	x := &lctx{c: c, id: id}
	files := m.entries("sector.lua")
	c.Do(func(L *lua.LState) {
		c.SetStep(step)
		m.install(x)
		for _, f := range files {
			c.ExecFile(f, nil)
		}
		m.drain(x)
	})
	c.SetState(engine.StateActive)
	m.mu.Lock()
	m.sectors[id] = x
	m.mu.Unlock()
	return x, nil
}

// unload closes a sector context whose last player left.
func (m *Model) unload(x *lctx) {
	x.c.SetState(engine.StateUnloading)
	m.h.Retire(x.c)
	m.mu.Lock()
	delete(m.sectors, x.id)
	m.mu.Unlock()
	x.c.Close()
}

// Contexts implements engine.Model: the server, then the sectors by id.
func (m *Model) Contexts() []*engine.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*engine.Context
	if m.server != nil {
		out = append(out, m.server.c)
	}
	for _, x := range m.sortedSectors() {
		out = append(out, x.c)
	}
	return out
}

// sortedSectors lists the live sectors by id (mu held).
func (m *Model) sortedSectors() []*lctx {
	out := make([]*lctx, 0, len(m.sectors))
	for _, x := range m.sectors {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Close implements engine.Model: every context is closed, no event sent.
func (m *Model) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, x := range m.sectors {
		x.c.Close()
		delete(m.sectors, id)
	}
	if m.server != nil {
		m.server.c.Close()
		m.server = nil
	}
}

// Registries implements engine.RegistryProvider.
func (m *Model) Registries() map[string][]map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	players := []map[string]any{}
	for _, p := range m.players {
		players = append(players, map[string]any{"player": p.id, "sector": p.sector})
	}
	sectors := []map[string]any{}
	for _, x := range m.sortedSectors() {
		sectors = append(sectors, map[string]any{"sector": x.id, "context": x.c.Name,
			"players": append([]string{}, x.players...), "state": x.c.State()})
	}
	mods := []map[string]any{}
	for i, md := range m.mods {
		row := map[string]any{"mod": md.Name, "dir": md.Dir, "order": i + 1,
			"server": m.g.Exists(path.Join(md.Dir, "server.lua")),
			"sector": m.g.Exists(path.Join(md.Dir, "sector.lua"))}
		if mf, err := readManifest(m.g, md); err == nil {
			row["title"], row["version"], row["author"] = strings.TrimSpace(mf.Name), strings.TrimSpace(mf.Version), strings.TrimSpace(mf.Author)
		}
		mods = append(mods, row)
	}
	return map[string][]map[string]any{"players": players, "sectors": sectors, "mods": mods}
}
