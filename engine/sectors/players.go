package sectors

import (
	"fmt"
	"strings"

	"modscope/engine"
)

// Do implements engine.Model: join, jump, leave, event and reload.
func (m *Model) Do(cmd engine.Command) (engine.Result, bool) {
	step := cmd.String()
	switch cmd.Op {
	case "join":
		return m.join(cmd, step), true
	case "jump":
		return m.jump(cmd, step), true
	case "leave":
		return m.leave(cmd, step), true
	case "event":
		return m.event(cmd, step), true
	case "reload":
		return m.reload(step), true
	}
	return engine.Result{}, false
}

func (m *Model) needStarted(op string) error {
	if !m.started {
		return fmt.Errorf("%s: the server has not started yet; run the load first (run, or step through %q and %q)", op, StepServer, StepStarted)
	}
	return nil
}

func (m *Model) player(id string) *player {
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
		return engine.Failed("join: player %s has already joined (%s)", id, where)
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

// login adds a player to the game and tells the server.
func (m *Model) login(p *player, step string) error {
	m.mu.Lock()
	m.players = append(m.players, p)
	m.mu.Unlock()
	return m.fire(m.server, step, "player_logged_in", map[string]any{"player_id": p.id})
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
		return engine.Failed("jump: no player %q has joined (join %s first)", cmd.Arg(0), cmd.Arg(0))
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
// then into sector, loading it if nobody is there.
func (m *Model) moveTo(p *player, sector, step string) error {
	if p.sector != "" {
		if err := m.removeFrom(p, step); err != nil {
			return err
		}
	}
	x := m.sectors[sector]
	if x == nil {
		var err error
		if x, err = m.loadSector(sector, step); err != nil {
			return err
		}
	}
	m.mu.Lock()
	x.players = append(x.players, p.id)
	p.sector = sector
	m.mu.Unlock()
	return m.fire(x, step, "sector_player_added", map[string]any{"player_id": p.id, "sector_id": sector})
}

// removeFrom takes p out of its sector: sector_player_removed, then the
// sector unloads when it is empty.
func (m *Model) removeFrom(p *player, step string) error {
	x := m.sectors[p.sector]
	if x == nil {
		p.sector = ""
		return nil
	}
	m.mu.Lock()
	for i, id := range x.players {
		if id == p.id {
			x.players = append(x.players[:i:i], x.players[i+1:]...)
			break
		}
	}
	p.sector = ""
	empty := len(x.players) == 0
	m.mu.Unlock()
	err := m.fire(x, step, "sector_player_removed", map[string]any{"player_id": p.id, "sector_id": x.id})
	if empty {
		m.unload(x)
	}
	return err
}

func (m *Model) leave(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) != 1 {
		return engine.Failed("usage: leave PLAYER")
	}
	p := m.player(strings.TrimSpace(cmd.Arg(0)))
	if p == nil {
		return engine.Failed("leave: no player %q has joined", cmd.Arg(0))
	}
	err := m.removeFrom(p, step)
	m.mu.Lock()
	for i, q := range m.players {
		if q == p {
			m.players = append(m.players[:i:i], m.players[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
	if err != nil {
		return engine.Failed("leave: %v", err)
	}
	return engine.Result{OK: true}
}

// event fires NAME with a fields table into server, one sector, or all.
func (m *Model) event(cmd engine.Command, step string) engine.Result {
	if len(cmd.Args) < 2 || len(cmd.Args) > 3 {
		return engine.Failed("usage: event server|sector:<id>|all NAME [FIELDS]")
	}
	target, name := strings.TrimSpace(cmd.Arg(0)), strings.TrimSpace(cmd.Arg(1))
	if name == "" {
		return engine.Failed("event: the event name is empty")
	}
	var fields map[string]any
	if len(cmd.Args) == 3 {
		f, ok := cmd.Args[2].(map[string]any)
		if !ok {
			return engine.Failed("event: the fields must be a JSON object, like {\"player_id\":\"p1\"}, not %s", engine.FormatArg(cmd.Args[2]))
		}
		fields = f
	}
	var targets []*lctx
	m.mu.Lock()
	switch target {
	case "all":
		if m.server != nil {
			targets = append(targets, m.server)
		}
		targets = append(targets, m.sortedSectors()...)
	case "server":
		if m.server != nil {
			targets = append(targets, m.server)
		}
	default:
		if id, err := sectorID(target); err == nil && m.sectors[id] != nil {
			targets = append(targets, m.sectors[id])
		}
	}
	live := []string{}
	if m.server != nil {
		live = append(live, "server")
	}
	for _, x := range m.sortedSectors() {
		live = append(live, x.c.Name)
	}
	m.mu.Unlock()
	if len(targets) == 0 {
		why := "a sector context exists while a player is in the sector"
		if m.server == nil {
			why = "the server context is created by the first step (run first)"
		}
		return engine.Failed("event: no context %q is loaded (live contexts: %s); %s", target, strings.Join(orNone(live), ", "), why)
	}
	for _, x := range targets {
		if err := m.fire(x, step, name, fields); err != nil {
			return engine.Failed("event: %s: %v", x.c.Name, err)
		}
	}
	return engine.Result{OK: true}
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"none"}
	}
	return s
}

// reload restarts the server with the files as they are now (see doc.go).
func (m *Model) reload(step string) engine.Result {
	pending := make([]*player, 0, len(m.players))
	for _, p := range m.players {
		pending = append(pending, &player{id: p.id, sector: p.sector})
	}
	for _, p := range m.players {
		if p.sector != "" {
			m.removeFrom(p, step) // errors are recorded in the sector
		}
	}
	m.mu.Lock()
	m.players = nil
	srv := m.server
	m.server = nil
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
	m.steps = []string{StepServer, StepStarted}
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
