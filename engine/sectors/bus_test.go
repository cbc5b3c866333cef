package sectors_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"modscope/engine"
)

// Rules of the engine as it really runs (docs/sectors.md), on the
// testdata/bus fixture.

func strict(t *testing.T) *engine.Session {
	return open(t, "testdata/bus", engine.Options{Mode: engine.ModeStrict})
}

func TestOneBusDeliversOnTheTickToEveryContext(t *testing.T) {
	s := strict(t)
	if got := eval(t, s, "server", "return table.concat(trace, ',')"); got != "started:1234" {
		t.Fatalf("after the load: %q", got)
	}
	mustDo(t, s, "join p1 alpha")
	// player_logged_in {player_id, player_name}; then the sector adds the
	// player on its update: sector_player_added {player_id, sector_id}
	// reaches the server too, and what the sector enqueues reaches it on
	// the next tick.
	if got := eval(t, s, "server", "return table.concat(trace, ',')"); got != "started:1234,login:p1/p1,added:p1@alpha,from_sector:alpha:2" {
		t.Fatalf("server trace %q", got)
	}
	if got := eval(t, s, "sector:alpha", "return table.concat(strace, ',')"); got != "spawn:p1,added:p1@alpha" {
		t.Fatalf("alpha trace %q", got)
	}
	// A second sector is a listener too: it sees alpha's events, alpha sees its.
	mustDo(t, s, "join p2 beta")
	if got := eval(t, s, "sector:alpha", "return strace[#strace]"); got != "added:p2@beta" {
		t.Fatalf("alpha did not see beta's event: %q", got)
	}
}

func TestEnqueueWaitsForTheNextTick(t *testing.T) {
	s := strict(t)
	mustDo(t, s, `eval server trace = {} require("engine").get_event_bus():enqueue("ping", {n = 1})`)
	if got := eval(t, s, "server", "return #trace"); got != "0" {
		t.Fatalf("delivered before a tick: %q", got)
	}
	// one tick delivers ping; pong was enqueued during it and waits.
	if r := mustDo(t, s, "advance 50"); !strings.Contains(r.Result, "1 tick(s)") {
		t.Fatalf("advance: %+v", r)
	}
	mustDo(t, s, "advance 10") // any time is at least one tick
	if got := eval(t, s, "server", "return table.concat(trace, ',')"); got != "ping:1,pong:1" {
		t.Fatalf("trace %q", got)
	}
	if r := do(t, s, "advance -1"); r.OK {
		t.Fatal("advance -1 succeeded")
	}
	if r := do(t, s, "advance 100000000"); r.OK || !strings.Contains(r.Error, "at most") {
		t.Fatalf("huge advance: %+v", r)
	}
}

func TestEventDataIsAFlatMapOfEngineValues(t *testing.T) {
	s := strict(t)
	cases := []struct {
		name, code, want string
	}{
		{"table field", `bus:enqueue("x", {t = {}})`, `field "t" is a table`},
		{"boolean field", `bus:enqueue("x", {b = true})`, `field "b" is a boolean`},
		{"function field", `bus:enqueue("x", {f = print})`, `field "f" is a function`},
		{"number key", `bus:enqueue("x", {1, 2})`, `key 1 is a number`},
		{"no data", `bus:enqueue("x")`, `must be a table of fields`},
		{"dot call", `bus.enqueue("x", {})`, `with a colon`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, `eval server local bus = require("engine").get_event_bus() `+tc.code)
			if r.OK || !strings.Contains(r.Error, tc.want) {
				t.Fatalf("%s: %+v, want error %q", tc.code, r, tc.want)
			}
		})
	}
	// From the person: the same rule for JSON fields.
	for line, want := range map[string]string{
		`event all x {"t": {"a": 1}}`: `field "t" is a table`,
		`event all x {"b": true}`:     `field "b" is a boolean`,
		`event all x {"l": [1]}`:      `field "l" is a table`,
	} {
		if r := do(t, s, line); r.OK || !strings.Contains(r.Error, want) {
			t.Fatalf("%s: %+v", line, r)
		}
	}
	// Valid data: integers stay integers, nil fields are absent, every
	// handler gets its own table.
	mustDo(t, s, `event server mutate {"n": 1, "gone": null}`)
	if got := eval(t, s, "server", "return trace[#trace]"); got != "mutate:1" {
		t.Fatalf("second handler saw %q", got)
	}
	var args []string
	for _, m := range s.Report().Messages {
		if m.Name == "mutate" {
			args = append(args, m.Context+" "+strings.Join(m.Args, " "))
		}
	}
	if !slices.Equal(args, []string{`server {"gone":null,"n":1}`}) {
		t.Fatalf("messages %q", args)
	}
}

func TestFailingHandlerAndRunawayQueue(t *testing.T) {
	s := strict(t)
	if r := do(t, s, "event all boom"); r.OK || !strings.Contains(r.Error, "first handler fails") {
		t.Fatalf("boom: %+v", r)
	}
	if got := eval(t, s, "server", "return trace[#trace]"); got != "second ran" {
		t.Fatalf("after boom: %q", got)
	}
	found := false
	for _, e := range s.Report().Errors {
		if strings.Contains(e.Message, "first handler fails") && e.Context == "server" {
			found = true
		}
	}
	if !found {
		t.Fatal("the failing handler's error was not recorded")
	}
	// A handler that enqueues itself: the command stops after a bounded
	// number of ticks and says so; the event stays queued.
	mustDo(t, s, "event server forever")
	var warned bool
	for _, o := range s.Report().Output {
		if strings.Contains(o.Text, "still busy after 100 ticks") {
			warned = true
		}
	}
	if !warned {
		t.Fatal("no warning about the busy bus")
	}
	r := s.Do(engine.Command{Op: "registries", Args: []any{"server"}})
	reg := r.Registries
	if q := reg.Model["queue"]; len(q) != 1 || q[0]["event"] != "forever" {
		t.Fatalf("queue %v", q)
	}
}

func TestLeaveKeepsThePlayerLoggedIn(t *testing.T) {
	s := strict(t)
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "leave p1")
	if got := contextNames(s); !slices.Equal(got, []string{"server=active"}) {
		t.Fatalf("after leave: %v", got)
	}
	mustDo(t, s, "jump p1 alpha") // no new join
	if got := contextNames(s); !slices.Equal(got, []string{"server=active", "sector:alpha=active"}) {
		t.Fatalf("after jump: %v", got)
	}
	if r := do(t, s, "join p1"); r.OK || !strings.Contains(r.Error, "already logged in") {
		t.Fatalf("join again: %+v", r)
	}
	mustDo(t, s, "logout p1")
	if got := contextNames(s); !slices.Equal(got, []string{"server=active"}) {
		t.Fatalf("after logout: %v", got)
	}
	if r := do(t, s, "jump p1 alpha"); r.OK || !strings.Contains(r.Error, "not logged in") {
		t.Fatalf("jump after logout: %+v", r)
	}
	mustDo(t, s, "join p1 beta")
	// One login per join: p1 logged in twice, never on a jump.
	if got := eval(t, s, "server", "local n = 0 for _, s in ipairs(trace) do if string.sub(s, 1, 6) == 'login:' then n = n + 1 end end return n"); got != "2" {
		t.Fatalf("logins %q", got)
	}
}

// A sector whose context is closed before its update adds an arriving
// player spawns nothing and sends no sector_player_added: the arrival is
// undone (the player is in no sector) and a warning says so.
func TestArrivalInAClosedSectorIsUndone(t *testing.T) {
	s := strict(t)
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "join p2 beta")
	c, err := s.Context("sector:alpha")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var warns []string
	defer s.Subscribe(func(e engine.Event) {
		if e.Kind == engine.EventOutput && e.Level == "warn" {
			mu.Lock()
			warns = append(warns, e.Text)
			mu.Unlock()
		}
	})()
	c.Close() // as if unloaded behind the model's back
	mustDo(t, s, "jump p2 alpha")
	mu.Lock()
	got := strings.Join(warns, "\n")
	mu.Unlock()
	if !strings.Contains(got, "player p2: adding to sector alpha: context sector:alpha: context is unloaded") {
		t.Fatalf("warnings %q", got)
	}
	if r := mustDo(t, s, "leave p2"); !strings.Contains(r.Result, "p2 is in no sector") {
		t.Fatalf("leave p2: %+v: the player should be in no sector", r)
	}
	if got := eval(t, s, "server", "for _, s in ipairs(trace) do if string.find(s, 'p2', 1, true) and string.find(s, 'alpha', 1, true) then return s end end return 'none'"); got != "none" {
		t.Fatalf("the server saw p2 arrive in alpha: %q", got)
	}
}

func TestEngineLibrariesAndRequirePath(t *testing.T) {
	for _, mode := range []string{engine.ModeStrict, engine.ModeStubs} {
		s := open(t, "testdata/bus", engine.Options{Mode: mode})
		cases := []struct{ code, want string }{
			{"return type(string), type(table), type(math), type(debug), type(package), type(globals)", "table\ttable\ttable\ttable\ttable\ttable"},
			{"return pcall(function() return os.time() end)", "false\teval:1: os.time: the game's Lua has no os library (Lua.cpp opens only base, package, string, debug, math and table)"},
			{"return pcall(function() return coroutine.wrap end)", "false\teval:1: coroutine.wrap: the game's Lua has no coroutine library (Lua.cpp opens only base, package, string, debug, math and table)"},
			{"return require('base.lib.mod').name", "lib.mod"},
			{"return package.path", "assets/?.lua"},
		}
		for _, tc := range cases {
			if got := eval(t, s, "server", tc.code); got != tc.want {
				t.Fatalf("%s: %s = %q, want %q", mode, tc.code, got, tc.want)
			}
		}
		// No ?/init.lua entry in the engine's package.path.
		r := do(t, s, "eval server return require('base.lib.pkg')")
		if r.OK || !strings.Contains(r.Error, "no file assets/base/lib/pkg.lua") {
			t.Fatalf("%s: require of a folder: %+v", mode, r)
		}
	}
	s := strict(t)
	if r := do(t, s, "eval server return os.time()"); r.OK {
		t.Fatal("os.time works in strict mode")
	}
}

func TestEngineAPI(t *testing.T) {
	s := strict(t)
	mustDo(t, s, "join p1 alpha")
	cases := []struct{ name, ctx, code, want string }{
		{"radians and degrees", "server", "local e = require('engine') return string.format('%.4f %.1f', e.radians(180), e.degrees(math.pi))", "3.1416 180.0"},
		{"uuid", "server", "local u = require('engine').uuid() return #u, u:sub(15, 15), u ~= require('engine').uuid()", "36\t4\ttrue"},
		{"vectors", "server", "local e = require('engine') local v = e.Vector3.new(1, 2, 3) + e.Vector3.new(1, 1, 1) return tostring(v), v.z, v:distance(e.Vector3.new(2, 3, 4))", "[2, 3, 4]\t4\t0"},
		{"usertypes refuse unknown fields", "server", "local ok, e = pcall(function() require('engine').SectorData.new().nope = 1 end) return ok, e:match('has no property') ~= nil", "false\ttrue"},
		{"mt19937 is deterministic", "server", "local e = require('engine') return e.MT19937.new(5):rand_seed() == e.MT19937.new(5):rand_seed()", "true"},
		{"random circle positions", "server", "local e = require('engine') return #e.random_circle_positions(e.MT19937.new(1), 100, 5, 1)", "5"},
		{"logger levels", "server", "local l = require('engine').create_logger('t') l:debug('d') l:info('i') l:warn('w') l:error('e') return 'ok'", "ok"},
		{"get_scene only in sectors", "server", "return pcall(require('engine').get_scene)", "false\teval:1: Trying to access scene from a non-sector script (engine.get_scene works in sector contexts only)"},
		{"no get_sector_data in the server", "server", "return require('engine').get_sector_data", "nil"},
		{"sector data", "sector:alpha", "local d = require('engine').get_sector_data() return d.id, d.name", "alpha\talpha"},
		{"database keeps players", "sector:alpha", "return require('engine').get_database().players:get('p1').name", "p1"},
		{"database update", "server", "local e = require('engine') local db = e.get_database() db.factions:update('f', function(f) f = f or e.FactionData.new() f.name = 'F' return f end) return db.factions:get('f').name", "F"},
		{"database shared by contexts", "sector:alpha", "return require('engine').get_database().factions:find('f').name", "F"},
		{"templates create entities", "sector:alpha", "local e = require('engine').get_scene():create_entity_template('rock', {size = 3}) return e.script.instance.size", "3"},
		{"first template wins", "sector:alpha", "return pcall(function() return require('engine').get_scene():create_entity_template('rock', {size = 1}).script.instance.size end)", "true\t1"},
		{"unknown template", "sector:alpha", "local ok, e = pcall(function() return require('engine').get_scene():create_entity_template('nope', {}) end) return e:match('No such entity template') ~= nil", "true"},
		{"template must return a table", "sector:alpha", "local ok, e = pcall(function() return require('engine').get_scene():create_entity_template('bad', {}) end) return e:match('needs its instance table') ~= nil", "true"},
		// Classes and Entity's methods are built on first use, each on its own.
		{"entity methods on first use", "sector:alpha", "local e = require('engine').get_scene():create_entity() local t = e:add_component_transform() t:translate(require('engine').Vector3.new(1, 2, 3)) return e:has_component_transform(), e:has_component_label(), e:get_component_transform() == t, tostring(e.transform.position), e.add_component_label == e.add_component_label", "true\tfalse\ttrue\t[1, 2, 3]\ttrue"},
		{"unknown entity method", "sector:alpha", "return require('engine').get_scene():create_entity().add_component_nope", "nil"},
		{"component class by name", "sector:alpha", "local e = require('engine') return e.ComponentLabel.new('x').label, e.ComponentRigidBody.new().mass, tostring(e.ComponentRigidBody.new().linear_velocity)", "x\t0\t[0, 0, 0]"},
		{"schema fields of lazy classes", "sector:alpha", "local e = require('engine') local d = e.get_sector_data() return tostring(d.pos), getmetatable(d.pos) == getmetatable(e.Vector2.new()), tostring(e.Vector2.new(1, 2) + e.Vector2.new(1, 1))", "[0, 0]\ttrue\t[2, 3]"},
		{"every class listed", "server", "local e = require('engine') local n = 0 for _, c in ipairs({'Vector4', 'Color4', 'Matrix4', 'PlayerData', 'ComponentGrid', 'Entity', 'Scene'}) do if type(e[c]) == 'table' then n = n + 1 end end return n", "7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "eval "+tc.ctx+" "+tc.code)
			if !r.OK || r.Result != tc.want {
				t.Fatalf("%s = %q (%s), want %q", tc.code, r.Result, r.Error, tc.want)
			}
		})
	}
	var levels []string
	for _, o := range s.Report().Output {
		if strings.HasPrefix(o.Text, "[t] ") {
			levels = append(levels, o.Level)
		}
	}
	if !slices.Equal(levels, []string{"debug", "info", "warn", "error"}) {
		t.Fatalf("logger levels %v", levels)
	}
	// The inspector lists the live sectors' templates with where they were added.
	reg := s.Do(engine.Command{Op: "registries", Args: []any{"server"}}).Registries
	var tmpl []string
	for _, row := range reg.Model["templates"] {
		tmpl = append(tmpl, fmt.Sprint(row["context"], " ", row["template"], " ", row["where"]))
	}
	want := []string{"sector:alpha player assets/base/sector.lua:7", "sector:alpha rock assets/base/sector.lua:12", "sector:alpha bad assets/base/sector.lua:17"}
	if !slices.Equal(tmpl, want) {
		t.Fatalf("templates %q", tmpl)
	}
}

func TestGeneratorCallbacks(t *testing.T) {
	s := strict(t)
	if got := eval(t, s, "server", "return table.concat(gen_calls, ',')"); got != "start:1234,end:Galaxy" {
		t.Fatalf("generator at load: %q", got)
	}
	mustDo(t, s, "callback on_start 42")
	mustDo(t, s, `callback on_end {"name": "Milky"}`)
	if got := eval(t, s, "server", "return table.concat(gen_calls, ',')"); got != "start:1234,end:Galaxy,start:42,end:Milky" {
		t.Fatalf("fired: %q", got)
	}
	// A sector type's sector is stored: a player can go there, and the
	// sector creates its entity from the template its data names.
	if r := mustDo(t, s, "callback sector_type:field:create {} 7"); !strings.Contains(r.Result, `sector field-7 (entity "rock")`) {
		t.Fatalf("sector type create: %+v", r)
	}
	mustDo(t, s, "join p1 field-7")
	if got := eval(t, s, "sector:field-7", "local d = require('engine').get_sector_data() return d.entity, strace[1], strace[2]"); got != "rock\trock\tspawn:p1" {
		t.Fatalf("sector of a sector type: %q", got)
	}
	for line, want := range map[string]string{
		"callback nope":                              "no generator callback is called nope",
		`callback on_end {"nope": 1}`:                `GalaxyData has no field "nope"`,
		"callback on_start 1 2":                      "takes 1 argument",
		"callback sector_type:field:heuristics {} 3": "takes 1 argument",
	} {
		if r := do(t, s, line); r.OK || !strings.Contains(r.Error, want) {
			t.Fatalf("%s: %+v, want %q", line, r, want)
		}
	}
	reg := s.Do(engine.Command{Op: "registries", Args: []any{"server"}}).Registries
	var names []string
	for _, row := range reg.Model["callbacks"] {
		names = append(names, fmt.Sprint(row["callback"]))
	}
	if !slices.Equal(names, []string{"on_start", "on_end", "on_skipped", "sector_type:field:heuristics", "sector_type:field:create"}) {
		t.Fatalf("callbacks %v", names)
	}
	// A reload restarts the server on the same save: the generator skips.
	mustDo(t, s, "reload")
	if got := eval(t, s, "server", "return table.concat(gen_calls, ',')"); got != "skipped" {
		t.Fatalf("after reload: %q", got)
	}
}

func TestRequiredFilesAreInTheLoadOrder(t *testing.T) {
	// The shape of the shipped base mod (server.lua and sector.lua require
	// modules): every required file runs in its context, once per
	// context, and is a file of the load order, listed before the file that
	// required it (it finishes first).
	s := strict(t)
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "eval server return require('base.lib.mod')") // cached: no new run
	var files []string
	for _, st := range s.Report().Steps {
		for _, f := range st.Files {
			files = append(files, st.Name+"|"+f.Context+"|"+f.Path)
		}
	}
	want := []string{
		"Server context|server|assets/base/lib/mod.lua",
		"Server context|server|assets/base/server.lua",
		"join p1 alpha|sector:alpha|assets/base/lib/mod.lua",
		"join p1 alpha|sector:alpha|assets/base/sector.lua",
	}
	if !slices.Equal(files, want) {
		t.Fatalf("load order\n%s\nwant\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}
	if got := eval(t, s, "sector:alpha", "return package.loaded['base.sector'] ~= nil, package.loaded['base.lib.mod'].name"); got != "true\tlib.mod" {
		t.Fatalf("package.loaded %q", got)
	}
}

func TestServerMovesPlayersAndHandlersComeAndGo(t *testing.T) {
	s := strict(t)
	mustDo(t, s, "join p1 alpha")
	// server:move_player_to_sector runs on the next tick.
	mustDo(t, s, `eval server require("engine").get_server():move_player_to_sector("p1", "beta")`)
	mustDo(t, s, "advance 50")
	if got := contextNames(s); !slices.Equal(got, []string{"server=active", "sector:beta=active"}) {
		t.Fatalf("after the move: %v", got)
	}
	if r := do(t, s, `eval server require("engine").get_server():move_player_to_sector("ghost", "beta")`); r.OK || !strings.Contains(r.Error, "Can not move player id: 'ghost' to sector: 'beta', player is not logged in") {
		t.Fatalf("move of a ghost: %+v", r)
	}
	// remove_handler drops one registration; it returns nothing.
	mustDo(t, s, `eval server local b = require("engine").get_event_bus()
hits = {}
f1 = function(e) hits[#hits+1] = "f1" end
f2 = function(e) hits[#hits+1] = "f2:" .. e.k end
b:add_handler("x", f1) b:add_handler("x", f2)
removed = b:remove_handler("x", f1)`)
	mustDo(t, s, `event beta x {"k": "v"}`)
	if got := eval(t, s, "server", "return removed, table.concat(hits, ',')"); got != "nil\tf2:v" {
		t.Fatalf("after remove_handler: %q", got)
	}
	// TARGET names who enqueued the event; a context that is not loaded is an error.
	var from []string
	for _, m := range s.Report().Messages {
		if m.Name == "x" {
			from = append(from, m.Context+" "+m.Target)
		}
	}
	if !slices.Equal(from, []string{"server from sector:beta"}) {
		t.Fatalf("x deliveries %q", from)
	}
	if r := do(t, s, "event sector:alpha x"); r.OK || !strings.Contains(r.Error, `no context "sector:alpha" is loaded (live contexts: server, sector:beta)`) {
		t.Fatalf("event from an unloaded sector: %+v", r)
	}
	// An event nobody handles is recorded once, in the server.
	mustDo(t, s, "event all nobody_listens")
	var rec []string
	for _, m := range s.Report().Messages {
		if m.Name == "nobody_listens" {
			rec = append(rec, fmt.Sprintf("%s %d %s", m.Context, m.Handlers, m.Target))
		}
	}
	if !slices.Equal(rec, []string{"server 0 from engine; no context handles it"}) {
		t.Fatalf("unhandled event records %q", rec)
	}
}

// A bus event reaching many contexts is recorded per context for the
// first few only; the rest is one record (the records grow with the
// events, not with events times live sectors).
func TestDeliveriesPastTheFirstFewAreOneRecord(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{Mode: engine.ModeStrict})
	for i := 1; i <= 9; i++ {
		mustDo(t, s, fmt.Sprintf("join p%d s%d", i, i))
	}
	var recs []string
	for _, m := range s.Report().Messages {
		if m.Name == "sector_player_added" && strings.Contains(m.Args[0], `"sector_id":"s9"`) {
			recs = append(recs, fmt.Sprintf("%s %d %s|%d %s %s", m.Context, m.Handlers, m.Target, m.Contexts, m.First, m.Last))
		}
	}
	// s9 enqueued it (and is its sector_id): it is listed, in creation
	// order; the combined record says how many and which in its fields.
	want := []string{
		"sector:s1 1 from sector:s9|0  ", "sector:s2 1 from sector:s9|0  ", "sector:s3 1 from sector:s9|0  ",
		"sector:s4 1 from sector:s9|0  ", "sector:s5 1 from sector:s9|0  ", "sector:s9 1 from sector:s9|0  ",
		"* 3 from sector:s9; delivered to 3 more contexts (first sector:s6, last sector:s8 in load order)|3 sector:s6 sector:s8",
	}
	if !slices.Equal(recs, want) {
		t.Fatalf("records of the last arrival:\n%s", strings.Join(recs, "\n"))
	}
	// Every sector still got it.
	if got := eval(t, s, "sector:s7", "return log[#log]"); got != "added:p9@s9" {
		t.Fatalf("s7 last saw %q", got)
	}
}

// Which deliveries get a record of their own: the enqueuer, the sector
// the event's sector_id names, and the contexts whose handlers failed
// come before the rest; the combined record counts the failed handlers.
func TestListedDeliveriesPreferTheRelevantContexts(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{Mode: engine.ModeStrict})
	for i := 1; i <= 12; i++ {
		mustDo(t, s, fmt.Sprintf("join p%d s%d", i, i))
	}
	for i := 1; i <= 12; i++ {
		mustDo(t, s, fmt.Sprintf(`eval sector:s%d require("engine").get_event_bus():add_handler("probe", function() end)`, i))
		if i != 1 && i != 2 && i != 8 && i != 9 {
			mustDo(t, s, fmt.Sprintf(`eval sector:s%d require("engine").get_event_bus():add_handler("probe", function() error("probe fails") end)`, i))
		}
	}
	before := len(s.Report().Messages)
	do(t, s, `eval sector:s8 require("engine").get_event_bus():enqueue("probe", {sector_id = "s9"})`)
	if r := do(t, s, "advance 50"); r.OK {
		t.Fatalf("advance: the failing handlers did not fail: %+v", r)
	}
	var recs []string
	for _, m := range s.Report().Messages[before:] {
		if m.Name == "probe" {
			recs = append(recs, fmt.Sprintf("%s %d/%d %d", m.Context, m.Handlers, m.Failed, m.Contexts))
		}
	}
	// Listed: s8 (enqueued it), s9 (its sector_id), then the first four
	// whose handler failed; s1 and s2 (first created) are in the rest,
	// with s7, s10, s11 and s12, whose failures the record counts.
	want := []string{
		"sector:s3 2/1 0", "sector:s4 2/1 0", "sector:s5 2/1 0", "sector:s6 2/1 0",
		"sector:s8 1/0 0", "sector:s9 1/0 0", "* 10/4 6",
	}
	if !slices.Equal(recs, want) {
		t.Fatalf("records of probe:\n%s", strings.Join(recs, "\n"))
	}
}

// The engine module is built on first use, per part: a field the mod set
// itself is never replaced when its part is built later.
func TestLazyModuleKeepsTheModsOwnFields(t *testing.T) {
	s := strict(t)
	got := eval(t, s, "server", `local e = require("engine")
		e.Vector3 = "mine"
		local tr = e.ComponentTransform.new()
		return tostring(e.Vector3) .. " " .. type(e.Vector2)`)
	if got != "mine table" {
		t.Fatalf("engine.Vector3 after a ComponentTransform: %q", got)
	}
}

// Iterating the module (pairs, next) and the inspector see it whole, as
// the engine's plain table filled at startup.
func TestLazyModuleIsWholeWhenIterated(t *testing.T) {
	want := []string{"Vector3", "Quaternion", "Scene", "Entity", "ComponentTransform", "MT19937", "get_scene"}
	for name, code := range map[string]string{
		"pairs": `local seen = {} for k in pairs(require("engine")) do seen[#seen+1] = k end return table.concat(seen, ",")`,
		"next": `local e, seen, k = require("engine"), {}, nil
			repeat k = next(e, k) if k then seen[#seen+1] = k end until k == nil
			return table.concat(seen, ",")`,
	} {
		t.Run(name, func(t *testing.T) {
			s := strict(t)
			keys := "," + eval(t, s, "server", code) + ","
			for _, k := range want {
				if !strings.Contains(keys, ","+k+",") {
					t.Errorf("%s misses %s: %s", name, k, keys)
				}
			}
		})
	}
	t.Run("inspector", func(t *testing.T) {
		s := strict(t)
		mustDo(t, s, "join p1 alpha")
		r := s.Do(engine.Command{Op: "page", Args: []any{"sector:alpha"}, Path: "package.loaded.engine", Limit: 500})
		if !r.OK || r.Page == nil {
			t.Fatalf("page: %+v", r)
		}
		have := map[string]bool{}
		for _, n := range r.Page.Nodes {
			have[n.Key] = true
		}
		for _, k := range want {
			if !have[k] {
				t.Errorf("the inspector misses engine.%s (%d rows)", k, len(r.Page.Nodes))
			}
		}
	})
}

// engine.Entity is the usertype: its methods are the ones entities return.
func TestEntityUsertypeHasTheMethods(t *testing.T) {
	s := strict(t)
	mustDo(t, s, "join p1 alpha")
	got := eval(t, s, "sector:alpha", `local e = require("engine")
		local ent = e.get_scene():create_entity()
		return tostring(type(e.Entity.add_component_transform)) .. " " ..
			tostring(e.Entity.add_component_transform == ent.add_component_transform) .. " " .. tostring(e.Entity.nope)`)
	if got != "function true nil" {
		t.Fatalf("engine.Entity: %q", got)
	}
}
