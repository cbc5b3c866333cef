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

// Step names.
const (
	StepServer    = "Server context"
	StepGenerator = "Generator"
	StepStarted   = "server_started"
	StepRejoin    = "Players rejoin"
)

// Model is the sectors model: one server context, one context per loaded
// sector, one event bus. The session calls it from one goroutine at a time;
// mu guards what readers on other goroutines see and what Lua code running
// on a context's goroutine touches (queue, moves, database, templates).
type Model struct {
	h *engine.Host
	g *engine.Game

	mods     []ModFolder
	warnings []string
	resolve  func(string) (string, error)

	steps   []string
	next    int
	started bool // server_started was sent

	mu        sync.Mutex
	server    *lctx
	sectors   map[string]*lctx
	listeners []*lctx     // the bus's listeners, in creation order
	queue     []busEvent  // the bus queue
	moves     []move      // server:move_player_to_sector calls to run
	ticks     int         // ticks run since the server started
	callbacks []*callback // generator callbacks
	db        dbStore     // the database (kept across reloads, as on disk)
	uuids     *uuidGen
	galaxy    string    // the generated galaxy's id ("" before the first generation)
	players   []*player // logged in, in join order
	pending   []*player // players to bring back after a reload
}

type player struct {
	id     string
	sector string // "" when in no sector
}

type move struct{ player, sector, from string }

// defaultSeed is the universe's seed (the engine refuses 0).
const defaultSeed = 1234

// New builds the model on an opened folder; nothing runs yet.
func New(h *engine.Host) (engine.Model, error) {
	m := &Model{h: h, g: h.Game, sectors: map[string]*lctx{}, db: dbStore{}, uuids: newUUIDGen(defaultSeed)}
	m.discover()
	m.steps = []string{StepServer, StepGenerator, StepStarted}
	return m, nil
}

// discover reads the mod folders and their order.
func (m *Model) discover() {
	m.mods, m.warnings = orderMods(ModFolders(m.g.FS()), settingsOf(m.g).Mods)
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
	case StepGenerator:
		if m.server == nil {
			return engine.StepOutcome{Error: "there is no server context", Fatal: true}
		}
		return m.generate()
	case StepStarted:
		if m.server == nil {
			return engine.StepOutcome{Error: "there is no server context", Fatal: true}
		}
		// Server.cpp load: enqueue server_started {seed}; the tick delivers it.
		if err := m.enqueue("server_started", map[string]any{"seed": int64(defaultSeed)}, "engine"); err != nil {
			return engine.StepOutcome{Error: err.Error()}
		}
		m.started = true
		m.settle(StepStarted)
		return engine.StepOutcome{Messages: []string{"server_started"}}
	case StepRejoin:
		return m.rejoin()
	}
	return engine.StepOutcome{Error: "unknown step " + name}
}

// entries lists the mods' entry files called file (server.lua, sector.lua)
// that exist, in mod order, with their module names (base.sector).
func (m *Model) entries(file string) (files, modules []string) {
	for _, md := range m.mods {
		if p := path.Join(md.Dir, file); m.g.Exists(p) {
			files = append(files, p)
			modules = append(modules, md.Name+"."+strings.TrimSuffix(file, ".lua"))
		}
	}
	return files, modules
}

// newListener creates a context, installs the engine API in it and adds it
// to the bus (Lua.cpp: each Lua state's EventHandler is a bus listener).
func (m *Model) newListener(name, key, id string) (*lctx, error) {
	c, err := m.h.NewContext(name, key)
	if err != nil {
		return nil, err
	}
	x := &lctx{c: c, id: id, templates: map[string]*template{}, handled: map[string]int{}}
	if err := c.Do(func(o *engine.Lua) { x.o = o; m.install(x) }); err != nil {
		c.Close()
		return nil, fmt.Errorf("set up context %s: %w", name, err)
	}
	m.mu.Lock()
	m.listeners = append(m.listeners, x)
	m.mu.Unlock()
	return x, nil
}

// startServer creates the server context and runs base/server.lua in it
// (Server.cpp load: importModule("base", "server.lua")), then the other
// mods' server.lua.
func (m *Model) startServer() engine.StepOutcome {
	x, err := m.newListener("server", "server", "")
	if err != nil {
		return engine.StepOutcome{Error: err.Error(), Fatal: true}
	}
	m.mu.Lock()
	m.server = x
	m.ticks = 0
	m.mu.Unlock()
	c := x.c
	files, _ := m.entries("server.lua")
	if err := c.Do(func(o *engine.Lua) {
		o.SetStep(StepServer)
		o.RecordAssignments(modRefs(m.mods)) // conflicts (conflicts.go)
		for _, w := range m.warnings {
			o.Print("warn", w)
		}
		for _, f := range files {
			o.ExecFile(f, nil)
		}
	}); err != nil {
		return engine.StepOutcome{Error: "server context: " + err.Error(), Fatal: true}
	}
	c.SetState(engine.StateActive)
	return engine.StepOutcome{}
}

// generate runs the generator's callbacks as Generator::generate does on
// a new save (on_start(seed), on_galaxy_created, on_end(galaxy)), or
// on_skipped(galaxy) when the galaxy was generated before (a reload).
func (m *Model) generate() engine.StepOutcome {
	m.mu.Lock()
	first := m.galaxy == ""
	if first {
		m.galaxy = m.uuids.next()
	}
	galaxy := m.galaxy
	m.mu.Unlock()
	g := map[string]any{"id": galaxy, "name": "Galaxy", "seed": float64(hashSeed(galaxy))}
	var errs []string
	hooks := []string{"on_skipped"}
	if first {
		hooks = []string{"on_start", "on_galaxy_created", "on_end"}
	}
	for _, h := range hooks {
		args := []any{g}
		if h == "on_start" {
			args = []any{float64(defaultSeed)}
		}
		if _, err := m.fireCallbacks(h, args, StepGenerator); err != nil {
			errs = append(errs, err.Error())
		}
	}
	out := engine.StepOutcome{Messages: hooks}
	if len(errs) > 0 {
		out.Error = strings.Join(errs, "; ")
	}
	return out
}

// loadSector creates sector id's context and runs base/sector.lua in it
// as the module base.sector (Sector.cpp load: require("base.sector")), then
// the other mods' sector.lua.
func (m *Model) loadSector(id, step string) (*lctx, error) {
	x, err := m.newListener("sector:"+id, id, id)
	if err != nil {
		return nil, err
	}
	c := x.c
	files, modules := m.entries("sector.lua")
	if err := c.Do(func(o *engine.Lua) {
		L := o.L
		o.SetStep(step)
		o.RecordAssignments(modRefs(m.mods)) // conflicts (conflicts.go)
		loaded := packageLoaded(o)
		for i, f := range files {
			run, res := o.ExecFile(f, nil)
			if run.OK && loaded != nil {
				var v lua.LValue = lua.LTrue
				if len(res) > 0 && res[0] != lua.LNil {
					v = res[0]
				}
				loaded.RawSetString(modules[i], v)
			}
		}
		// Sector.cpp load: the sector's own entity, from the template its
		// SectorData names (a sector made by a sector type). The sectors
		// modscope makes up name none.
		if sd, ok := m.sectorData(x).(*lua.LTable); ok {
			if ent := lua.LVAsString(sd.RawGetString("entity")); ent != "" {
				x.cls.need("get_scene")
				if err := x.spawn(L, ent, L.CreateTable(0, 0)); err != nil {
					o.AddError(engine.ErrorRecord{Message: fmt.Sprintf("sector %s: creating its entity from the template %q (SectorData.entity): %v", id, ent, err)})
				}
			}
		}
	}); err != nil {
		return nil, fmt.Errorf("loading sector %s: %w", id, err)
	}
	c.SetState(engine.StateActive)
	m.mu.Lock()
	m.sectors[id] = x
	m.mu.Unlock()
	return x, nil
}

func packageLoaded(c *engine.Lua) *lua.LTable {
	if pkg, ok := c.Globals().RawGetString("package").(*lua.LTable); ok {
		if loaded, ok := pkg.RawGetString("loaded").(*lua.LTable); ok {
			return loaded
		}
	}
	return nil
}

// unload closes a sector context whose last player left: it stops being
// a listener of the bus.
func (m *Model) unload(x *lctx) {
	x.c.SetState(engine.StateUnloading)
	m.h.Retire(x.c)
	m.mu.Lock()
	delete(m.sectors, x.id)
	m.dropListener(x)
	m.mu.Unlock()
	x.c.Close()
}

// dropListener removes x from the bus (mu held).
func (m *Model) dropListener(x *lctx) {
	x.closed = true
	cbs := m.callbacks[:0]
	for _, cb := range m.callbacks {
		if cb.x != x {
			cbs = append(cbs, cb)
		}
	}
	m.callbacks = cbs
	for i, l := range m.listeners {
		if l == x {
			m.listeners = append(m.listeners[:i:i], m.listeners[i+1:]...)
			break
		}
	}
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
	m.listeners = nil
	m.queue = nil
}

// Registries implements engine.RegistryProvider: players, sectors, mods,
// the entity templates of the live sectors, the generator's callbacks and
// the events waiting on the bus.
func (m *Model) Registries() map[string][]map[string]any {
	queue := m.queuedRows()
	m.mu.Lock()
	defer m.mu.Unlock()
	players := []map[string]any{}
	for _, p := range m.players {
		players = append(players, map[string]any{"player": p.id, "sector": p.sector})
	}
	sectors := []map[string]any{}
	templates := []map[string]any{}
	for _, x := range m.sortedSectors() {
		sectors = append(sectors, map[string]any{"sector": x.id, "context": x.c.Name,
			"players": append([]string{}, x.players...), "state": x.c.State(), "templates": len(x.tmplOrder)})
		for _, n := range x.tmplOrder {
			templates = append(templates, map[string]any{"context": x.c.Name, "template": n, "where": x.templates[n].where})
		}
	}
	callbacks := []map[string]any{}
	for _, cb := range m.callbacks {
		if cb.x.closed {
			continue
		}
		callbacks = append(callbacks, map[string]any{"callback": cb.name, "context": cb.x.c.Name, "where": cb.where})
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
	return map[string][]map[string]any{"players": players, "sectors": sectors, "mods": mods,
		"templates": templates, "callbacks": callbacks, "queue": queue}
}
