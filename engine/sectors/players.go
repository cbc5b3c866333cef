package sectors

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// Do implements engine.Model: join, jump, leave, logout, event, callback,
// advance and reload.
func (m *Model) Do(cmd engine.Command) (engine.Result, bool) {
	step := cmd.String()
	switch cmd.Op {
	case "join":
		return m.join(cmd, step), true
	case "jump":
		return m.jump(cmd, step), true
	case "leave":
		return m.leave(cmd, step), true
	case "logout":
		return m.logout(cmd, step), true
	case "event":
		return m.event(cmd, step), true
	case "callback":
		return m.callback(cmd, step), true
	case "advance":
		return m.advance(cmd, step), true
	case "reload":
		return m.reload(step), true
	}
	return engine.Result{}, false
}

func (m *Model) needStarted(op string) error {
	if !m.started {
		return fmt.Errorf("%s: the server has not started yet; run the load first (run, or step through %q, %q and %q)", op, StepServer, StepGenerator, StepStarted)
	}
	return nil
}

func (m *Model) player(id string) *player {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.playerLocked(id)
}

func (m *Model) playerLocked(id string) *player {
	for _, p := range m.players {
		if p.id == id {
			return p
		}
	}
	return nil
}

// sectorID accepts "alpha" or "sector:alpha".
func sectorID(s string) (string, error) {
	id := strings.TrimPrefix(strings.TrimSpace(s), "sector:")
	if id == "" || strings.ContainsAny(id, " \t\r\n") {
		return "", fmt.Errorf("%q is not a sector id (a word such as alpha)", s)
	}
	return id, nil
}

func (m *Model) join(cmd engine.Command, step string) engine.Result {
	id := strings.TrimSpace(cmd.Arg(0))
	if id == "" || len(cmd.Args) > 2 {
		return engine.Failed("usage: join PLAYER [SECTOR]")
	}
	if err := m.needStarted("join"); err != nil {
		return engine.Failed("%v", err)
	}
	if p := m.player(id); p != nil {
		where := "in no sector"
		if p.sector != "" {
			where = "in sector " + p.sector
		}
		return engine.Failed("join: player %s is already logged in (%s); jump moves a player, logout ends its session", id, where)
	}
	sector := ""
	if len(cmd.Args) == 2 {
		s, err := sectorID(cmd.Arg(1))
		if err != nil {
			return engine.Failed("join: %v", err)
		}
		sector = s
	}
	p := &player{id: id}
	if err := m.login(p, step); err != nil {
		return engine.Failed("join: %v", err)
	}
	if sector != "" {
		if err := m.moveTo(p, sector, step); err != nil {
			return engine.Failed("join: %v", err)
		}
	}
	return engine.Result{OK: true}
}

// login adds a player to the game (Server.cpp MessageLoginRequest): the
// database gets its PlayerData, player_logged_in {player_id, player_name}
// goes on the bus, and the ticks deliver it.
func (m *Model) login(p *player, step string) error {
	m.mu.Lock()
	m.players = append(m.players, p)
	m.mu.Unlock()
	m.dbPut("players", p.id, map[string]any{"__class": "PlayerData", "id": p.id, "name": p.id, "admin": false})
	err := m.enqueue("player_logged_in", map[string]any{"player_id": p.id, "player_name": p.id}, "engine")
	m.settle(step)
	return err
}

func (m *Model) jump(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) != 2 {
		return engine.Failed("usage: jump PLAYER SECTOR")
	}
	if err := m.needStarted("jump"); err != nil {
		return engine.Failed("%v", err)
	}
	p := m.player(strings.TrimSpace(cmd.Arg(0)))
	if p == nil {
		return engine.Failed("jump: player %q is not logged in (join %s first)", cmd.Arg(0), cmd.Arg(0))
	}
	sector, err := sectorID(cmd.Arg(1))
	if err != nil {
		return engine.Failed("jump: %v", err)
	}
	if p.sector == sector {
		return engine.Result{OK: true, Result: fmt.Sprintf("%s is already in sector %s", p.id, sector)}
	}
	if err := m.moveTo(p, sector, step); err != nil {
		return engine.Failed("jump: %v", err)
	}
	return engine.Result{OK: true}
}

// moveTo takes p out of its sector (unloading it if p was the last one),
// then into sector, loading it if nobody is there (Server.cpp startSector,
// addPlayerToSector). The sector adds the player on its next update
// (Sector.cpp addPlayer: the player's entity from the "player" template,
// then sector_player_added {player_id, sector_id} on the bus).
func (m *Model) moveTo(p *player, sector, step string) error {
	if p.sector != "" {
		m.removeFrom(p)
	}
	m.mu.Lock()
	x := m.sectors[sector]
	m.mu.Unlock()
	if x == nil {
		var err error
		if x, err = m.loadSector(sector, step); err != nil {
			return err
		}
	}
	m.mu.Lock()
	x.players = append(x.players, p.id)
	p.sector = sector
	x.jobs = append(x.jobs, func(step string) { m.addPlayer(x, p.id, step) })
	m.mu.Unlock()
	m.settle(step)
	return nil
}

// addPlayer is the sector's side of a player's arrival (one of its jobs).
func (m *Model) addPlayer(x *lctx, id, step string) {
	err := x.c.Do(func(o *engine.Lua) {
		defer func() {
			if err := m.enqueue("sector_player_added", map[string]any{"player_id": id, "sector_id": x.id}, o.Name); err != nil {
				o.AddError(engine.ErrorRecord{Message: err.Error()})
			}
		}()
		L := o.L
		o.SetStep(step)
		if !m.hasTemplate(x, "player") {
			o.Print("warn", fmt.Sprintf("sector %s has no entity template \"player\" (base/sector.lua adds it in the game): player %s gets no entity", x.id, id))
			return
		}
		x.cls.need("get_scene") // templates exist only if the scene was used
		data := L.CreateTable(0, 1)
		data.RawSetString("player_id", lua.LString(id))
		if err := x.spawn(L, "player", data); err != nil {
			o.AddError(engine.ErrorRecord{Message: fmt.Sprintf("spawning player %s from the entity template \"player\": %v", id, err)})
		}
	})
	if err != nil { // unloaded before the player arrived: nothing ran, no event
		m.dropArrival(x, id)
		m.h.Lost(x.c, step, fmt.Sprintf("player %s: adding to sector %s", id, x.id), err)
	}
}

// dropArrival undoes the arrival of player id in x when x's job could not
// run (its context was closed first): the player is taken out of x and is
// in no sector (it stays logged in and can jump again), and x, empty now,
// unloads as removeFrom would. A player that moved on meanwhile, or is in
// a newer context of the same sector, is left alone.
func (m *Model) dropArrival(x *lctx, id string) {
	m.mu.Lock()
	for i, pid := range x.players {
		if pid == id {
			x.players = append(x.players[:i:i], x.players[i+1:]...)
			break
		}
	}
	cur := m.sectors[x.id]
	if p := m.playerLocked(id); p != nil && p.sector == x.id && (cur == nil || cur == x) {
		p.sector = ""
	}
	empty := cur == x && len(x.players) == 0
	m.mu.Unlock()
	if empty {
		m.unload(x)
	}
}

func (m *Model) hasTemplate(x *lctx, name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return x.templates[name] != nil
}

// removeFrom takes p out of its sector; the sector unloads when it is
// empty (the modding docs' rule; the engine sends no event for it).
func (m *Model) removeFrom(p *player) {
	m.mu.Lock()
	x := m.sectors[p.sector]
	p.sector = ""
	empty := false
	if x != nil {
		for i, id := range x.players {
			if id == p.id {
				x.players = append(x.players[:i:i], x.players[i+1:]...)
				break
			}
		}
		empty = len(x.players) == 0
	}
	m.mu.Unlock()
	if empty {
		m.unload(x)
	}
}

// leave takes a player out of its sector; the player stays logged in and
// can jump again.
func (m *Model) leave(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) != 1 {
		return engine.Failed("usage: leave PLAYER")
	}
	p := m.player(strings.TrimSpace(cmd.Arg(0)))
	if p == nil {
		return engine.Failed("leave: player %q is not logged in", cmd.Arg(0))
	}
	if p.sector == "" {
		return engine.Result{OK: true, Result: p.id + " is in no sector"}
	}
	m.removeFrom(p)
	m.settle(step)
	return engine.Result{OK: true}
}

// logout ends a player's session: it leaves its sector and the game
// (Server.cpp onDisconnect: no event is sent).
func (m *Model) logout(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) != 1 {
		return engine.Failed("usage: logout PLAYER")
	}
	p := m.player(strings.TrimSpace(cmd.Arg(0)))
	if p == nil {
		return engine.Failed("logout: player %q is not logged in", cmd.Arg(0))
	}
	if p.sector != "" {
		m.removeFrom(p)
	}
	m.mu.Lock()
	for i, q := range m.players {
		if q == p {
			m.players = append(m.players[:i:i], m.players[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
	m.settle(step)
	return engine.Result{OK: true}
}

// runMoves carries out server:move_player_to_sector calls (tick).
func (m *Model) runMoves(step string) {
	m.mu.Lock()
	moves := m.moves
	m.moves = nil
	m.mu.Unlock()
	for _, mv := range moves {
		p := m.player(mv.player)
		id, err := sectorID(mv.sector)
		if p == nil || err != nil || p.sector == id {
			continue
		}
		if p.sector != "" {
			m.removeFrom(p)
		}
		m.mu.Lock()
		x := m.sectors[id]
		m.mu.Unlock()
		if x == nil {
			if x, err = m.loadSector(id, step); err != nil {
				continue
			}
		}
		m.mu.Lock()
		x.players = append(x.players, p.id)
		p.sector = id
		pid := p.id
		x.jobs = append(x.jobs, func(step string) { m.addPlayer(x, pid, step) })
		m.mu.Unlock()
	}
}

// event puts NAME with FIELDS on the bus. The bus has no addressing: the
// next tick delivers it to every context; TARGET only says who enqueues it.
func (m *Model) event(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) < 2 || len(cmd.Args) > 3 {
		return engine.Failed("usage: event server|sector:<id>|all NAME [FIELDS]")
	}
	if err := m.needStarted("event"); err != nil {
		return engine.Failed("%v", err)
	}
	target, name := strings.TrimSpace(cmd.Arg(0)), strings.TrimSpace(cmd.Arg(1))
	if name == "" {
		return engine.Failed("event: the event name is empty")
	}
	data := map[string]any{}
	if len(cmd.Args) == 3 {
		f, ok := cmd.Args[2].(map[string]any)
		if !ok {
			return engine.Failed("event: the fields must be a JSON object, like {\"player_id\":\"p1\"}, not %s", engine.FormatArg(cmd.Args[2]))
		}
		d, err := eventDataFromPlain(f)
		if err != nil {
			return engine.Failed("event %s: %v", name, err)
		}
		data = d
	}
	from := "engine"
	if target != "all" {
		m.mu.Lock()
		var x *lctx
		if target == "server" {
			x = m.server
		} else if id, err := sectorID(target); err == nil {
			x = m.sectors[id]
		}
		live := []string{}
		for _, l := range m.listeners {
			live = append(live, l.c.Name)
		}
		m.mu.Unlock()
		if x == nil {
			return engine.Failed("event: no context %q is loaded (live contexts: %s); a sector context exists while a player is in the sector", target, strings.Join(orNone(live), ", "))
		}
		from = x.c.Name
	}
	if err := m.enqueue(name, data, from); err != nil {
		return engine.Failed("event: %v", err)
	}
	m.settle(step)
	return engine.Result{OK: true}
}

// callback fires the generator callbacks registered under NAME (on_start,
// on_galaxy_created, ..., sector_type:<type>:heuristics|create) with
// ARGS: numbers, and JSON objects of a schema's fields.
func (m *Model) callback(cmd engine.Command, step string) engine.Result {
	args := cmd.Args
	if len(args) > 0 {
		if s, ok := args[0].(string); ok && (s == "server" || s == "generator" || strings.HasPrefix(s, "sector:")) && len(args) > 1 {
			args = args[1:]
		}
	}
	if len(args) == 0 {
		return engine.Failed("usage: callback NAME [ARGS...] (NAME: a generator callback, %s)", strings.Join(m.callbackNames(), ", "))
	}
	name, ok := args[0].(string)
	if !ok || name == "" {
		return engine.Failed("callback: the callback name must be a word, not %s", engine.FormatArg(args[0]))
	}
	out, err := m.fireCallbacks(name, args[1:], step)
	if err != nil {
		return engine.Failed("callback %s: %v", name, err)
	}
	m.settle(step)
	return engine.Result{OK: true, Result: out}
}

func (m *Model) callbackNames() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, cb := range m.callbacks {
		if !seen[cb.name] && !cb.x.closed {
			seen[cb.name] = true
			out = append(out, cb.name)
		}
	}
	return orNone(out)
}

// fireCallbacks calls every live callback called name, in registration
// order, each in its own context; it returns what they returned.
func (m *Model) fireCallbacks(name string, args []any, step string) (string, error) {
	m.mu.Lock()
	var cbs []*callback
	for _, cb := range m.callbacks {
		if cb.name == name && !cb.x.closed {
			cbs = append(cbs, cb)
		}
	}
	m.mu.Unlock()
	params, known := generatorHooks[name]
	if strings.HasPrefix(name, "sector_type:") {
		known = true
		params = []string{"SystemHeuristics"}
		if strings.HasSuffix(name, ":create") {
			params = []string{"SystemHeuristics", "seed"}
		}
	}
	if !known {
		return "", fmt.Errorf("no generator callback is called %s (registered: %s)", name, strings.Join(m.callbackNames(), ", "))
	}
	if len(args) > len(params) {
		return "", fmt.Errorf("%s takes %d argument(s) (%s), not %d", name, len(params), strings.Join(params, ", "), len(args))
	}
	var results, errs []string
	for _, cb := range cbs {
		err := cb.x.c.Do(func(o *engine.Lua) {
			L := o.L
			o.SetStep(step)
			largs := make([]lua.LValue, len(params))
			for i, p := range params {
				var a any
				if i < len(args) {
					a = args[i]
				}
				if p == "SystemHeuristics" {
					largs[i] = m.heuristics(cb.x, a)
					continue
				}
				v, err := schemaArg(L, cb.x.cls, p, a)
				if err != nil {
					errs = append(errs, fmt.Sprintf("argument %d: %v", i+1, err))
					return
				}
				largs[i] = v
			}
			res, rec := o.Call(cb.fn, largs, cb.where)
			if rec != nil {
				errs = append(errs, rec.Message)
				return
			}
			if strings.HasSuffix(name, ":create") {
				if len(res) == 0 || !cb.x.cls.isA(res[0], "SectorData") {
					errs = append(errs, fmt.Sprintf("%s (%s) must return an engine.SectorData (LuaServer.cpp add_sector_type)", name, cb.where))
					return
				}
				// The generator keeps the sectors it creates in the
				// database: a player can jump to it, and its sector
				// context gets it from get_sector_data.
				sd := res[0].(*lua.LTable)
				id := lua.LVAsString(sd.RawGetString("id"))
				if id == "" {
					errs = append(errs, fmt.Sprintf("%s (%s) returned a SectorData without an id", name, cb.where))
					return
				}
				m.dbPut("sectors", id, cb.x.cls.toPlainObject(sd, 8))
				results = append(results, fmt.Sprintf("sector %s (entity %q), stored: jump PLAYER %s", id, lua.LVAsString(sd.RawGetString("entity")), id))
				return
			}
			parts := make([]string, len(res))
			for i, v := range res {
				parts[i] = lua.LVAsString(L.ToStringMeta(v))
			}
			if len(parts) > 0 {
				results = append(results, strings.Join(parts, "\t"))
			}
		})
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: context %s: %v", name, cb.x.c.Name, err))
		}
	}
	if len(errs) > 0 {
		return strings.Join(results, "\n"), fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return strings.Join(results, "\n"), nil
}

// heuristics builds a SystemHeuristics for a sector type's callbacks: a
// galaxy and a system (named from the arguments, if any), no faction, no
// sectors yet.
func (m *Model) heuristics(x *lctx, a any) lua.LValue {
	cs, L := x.cls, x.o.L
	h := cs.newObject("SystemHeuristics", nil)
	g := cs.newObject("GalaxyData", nil)
	g.RawSetString("id", lua.LString("galaxy"))
	s := cs.newObject("SystemData", nil)
	s.RawSetString("id", lua.LString("system"))
	s.RawSetString("name", lua.LString("System"))
	if f, ok := a.(map[string]any); ok {
		if n, ok := f["system"].(string); ok {
			s.RawSetString("name", lua.LString(n))
		}
	}
	h.RawSetString("galaxy", g)
	h.RawSetString("system", s)
	h.RawSetString("systems", L.CreateTable(0, 0))
	h.RawSetString("sectors", L.CreateTable(0, 0))
	return h
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"none"}
	}
	return s
}

// reload restarts the server the way a dedicated server restart would
// (see doc.go). The database stays, as the game's save does.
func (m *Model) reload(step string) engine.Result {
	m.mu.Lock()
	pending := make([]*player, 0, len(m.players))
	for _, p := range m.players {
		pending = append(pending, &player{id: p.id, sector: p.sector})
	}
	players := append([]*player(nil), m.players...)
	m.mu.Unlock()
	for _, p := range players {
		if p.sector != "" {
			m.removeFrom(p)
		}
	}
	m.mu.Lock()
	m.players = nil
	srv := m.server
	m.server = nil
	if srv != nil {
		m.dropListener(srv)
	}
	m.queue = nil
	m.moves = nil
	m.mu.Unlock()
	if srv != nil {
		srv.c.SetState(engine.StateReloading)
		m.h.Retire(srv.c)
		srv.c.Close()
	}
	m.discover()
	m.pending = pending
	m.started = false
	m.next = 0
	m.steps = []string{StepServer, StepGenerator, StepStarted}
	if len(pending) > 0 {
		m.steps = append(m.steps, StepRejoin)
	}
	return engine.Result{OK: true}
}

// rejoin brings the players back after a reload, in join order.
func (m *Model) rejoin() engine.StepOutcome {
	pending := m.pending
	m.pending = nil
	var errs []string
	for _, q := range pending {
		if m.player(q.id) != nil {
			continue // joined again by hand meanwhile
		}
		p := &player{id: q.id}
		if err := m.login(p, StepRejoin); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if q.sector != "" {
			if err := m.moveTo(p, q.sector, StepRejoin); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	out := engine.StepOutcome{}
	if len(errs) > 0 {
		out.Error = strings.Join(errs, "; ")
	}
	return out
}
