package sectors_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"modscope/engine"
	_ "modscope/engine/sectors"
)

// open opens a fixture folder (a model is forced so that the fixtures need
// no settings file) and runs the load.
func open(t testing.TB, dir string, opt engine.Options) *engine.Session {
	t.Helper()
	if opt.Model == "" {
		opt.Model = engine.ModelSectors
	}
	s, err := engine.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if r := s.Do(engine.Command{Op: "run"}); !r.OK {
		t.Fatalf("run: %s", r.Error)
	}
	return s
}

func do(t testing.TB, s *engine.Session, line string) engine.Result {
	t.Helper()
	cmd, err := engine.ParseCommand(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return s.Do(cmd)
}

func mustDo(t testing.TB, s *engine.Session, line string) engine.Result {
	t.Helper()
	r := do(t, s, line)
	if !r.OK {
		t.Fatalf("%s: %s", line, r.Error)
	}
	return r
}

// eval evaluates code in a context and returns what it returned.
func eval(t testing.TB, s *engine.Session, ctx, code string) string {
	t.Helper()
	return mustDo(t, s, "eval "+ctx+" "+code).Result
}

func contextNames(s *engine.Session) []string {
	var out []string
	for _, c := range s.Contexts() {
		out = append(out, c.Name+"="+c.State)
	}
	return out
}

func TestLoadStepsCreateOneServerFirst(t *testing.T) {
	s, err := engine.Open("testdata/game", engine.Options{Model: engine.ModelSectors})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	steps, next := s.Steps()
	if !slices.Equal(steps, []string{"Server context", "Generator", "server_started"}) || next != 0 {
		t.Fatalf("steps %v next %d", steps, next)
	}
	if r := do(t, s, "join p1 alpha"); r.OK || !strings.Contains(r.Error, "has not started") {
		t.Fatalf("join before the load: %+v", r)
	}
	if r := do(t, s, "event server ping"); r.OK || !strings.Contains(r.Error, "has not started") {
		t.Fatalf("event before the load: %+v", r)
	}
	mustDo(t, s, "step")
	if got := contextNames(s); !slices.Equal(got, []string{"server=active"}) {
		t.Fatalf("after step 1: %v", got)
	}
	if got := eval(t, s, "server", "return table.concat(slog, ',')"); got != "base/server.lua" {
		t.Fatalf("slog before server_started = %q", got)
	}
	mustDo(t, s, "step")
	mustDo(t, s, "step")
	if got := eval(t, s, "server", "return table.concat(slog, ',')"); got != "base/server.lua,started" {
		t.Fatalf("slog = %q", got)
	}
	rep := s.Report()
	if len(rep.Steps) < 2 || rep.Steps[0].Name != "Server context" || rep.Steps[2].Name != "server_started" ||
		!slices.Equal(rep.Steps[2].Messages, []string{"server_started"}) {
		t.Fatalf("report steps %+v", rep.Steps)
	}
	// Required modules are files of the load order too; a module finishes
	// before the file that required it.
	if f := rep.Steps[0].Files; len(f) != 2 || f[0].Path != "assets/base/lib/util.lua" || f[1].Path != "assets/base/server.lua" || f[1].Context != "server" {
		t.Fatalf("files %+v", rep.Steps[0].Files)
	}
}

func TestModOrder(t *testing.T) {
	cases := []struct {
		name     string
		settings string
		want     string
		warn     string
	}{
		{"base first then by name", "", "base,alpha_mod,zeta,", ""},
		{"settings order first, the rest after", "model = \"sectors\"\n[sectors]\nmods = [\"zeta\", \"nope\"]\n", "zeta,base,alpha_mod,", "lists nope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFixture(t, "testdata/order")
			if tc.settings != "" {
				if err := os.WriteFile(filepath.Join(dir, "modscope.toml"), []byte(tc.settings), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := open(t, dir, engine.Options{})
			if got := eval(t, s, "server", "return order"); got != tc.want {
				t.Fatalf("order = %q, want %q", got, tc.want)
			}
			var warned bool
			for _, o := range s.Report().Output {
				warned = warned || (tc.warn != "" && strings.Contains(o.Text, tc.warn) && o.Level == "warn")
			}
			if tc.warn != "" && !warned {
				t.Fatalf("no warning %q in %+v", tc.warn, s.Report().Output)
			}
		})
	}
}

func copyFixture(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestSectorLifecycle(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{Mode: engine.ModeStrict})
	steps := []struct {
		line     string
		contexts []string
	}{
		{"join p1", []string{"server=active"}},
		{"jump p1 alpha", []string{"server=active", "sector:alpha=active"}},
		{"join p2 alpha", []string{"server=active", "sector:alpha=active"}},
		{"eval sector:alpha before = 'set before unload'", []string{"server=active", "sector:alpha=active"}},
		{"jump p1 beta", []string{"server=active", "sector:alpha=active", "sector:beta=active"}},
		{"leave p2", []string{"server=active", "sector:beta=active"}},
		{"jump p1 sector:alpha", []string{"server=active", "sector:alpha=active"}},
		{"leave p1", []string{"server=active"}},
		{"jump p1 alpha", []string{"server=active", "sector:alpha=active"}},
	}
	for _, st := range steps {
		mustDo(t, s, st.line)
		if got := contextNames(s); !slices.Equal(got, st.contexts) {
			t.Fatalf("after %q: contexts %v, want %v", st.line, got, st.contexts)
		}
	}
	// Recreated fresh: the global set before the unload is gone, sector.lua ran again.
	if got := eval(t, s, "sector:alpha", "return before, table.concat(log, ',')"); got != "nil\tbase/sector.lua,my_mod/sector.lua,added:p1@alpha" {
		t.Fatalf("fresh alpha: %q", got)
	}
	if got := eval(t, s, "server", "return table.concat(slog, ',')"); got != "base/server.lua,started,login:p1,login:p2" {
		t.Fatalf("server log %q", got)
	}
	// The unloaded contexts' files stay in the report: 4 files per sector
	// load (2 entry files, 2 required modules; 4 loads) + 2 in the server.
	if rep := s.Report(); rep.Files.OK != 18 || rep.Files.Failed != 0 {
		t.Fatalf("files %+v", rep.Files)
	}
}

func TestPlayerCommandErrors(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{})
	mustDo(t, s, "join p1 alpha")
	cases := []struct {
		line string
		want string
	}{
		{"join p1", "already logged in (in sector alpha)"},
		{"jump ghost alpha", `player "ghost" is not logged in`},
		{"leave ghost", `player "ghost" is not logged in`},
		{"event sector:nowhere ping", `no context "sector:nowhere" is loaded (live contexts: server, sector:alpha)`},
		{"event nowhere ping", `no context "nowhere"`},
		{"event server ping 3", "must be a JSON object"},
		{"reset_me", "unknown event"},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			cmd, err := engine.ParseCommand(tc.line)
			var msg string
			if err != nil {
				msg = err.Error()
			} else if r := s.Do(cmd); r.OK {
				t.Fatalf("%q succeeded", tc.line)
			} else {
				msg = r.Error
			}
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("%q: error %q, want %q", tc.line, msg, tc.want)
			}
		})
	}
	if r := mustDo(t, s, "jump p1 alpha"); !strings.Contains(r.Result, "already in sector alpha") {
		t.Fatalf("jump to the same sector: %+v", r)
	}
}

func TestIsolation(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{Mode: engine.ModeStrict})
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "join p2 beta")
	mustDo(t, s, "eval sector:alpha only_alpha = 'a'; function alpha_fn() return 1 end; string.alpha_patch = true")
	mustDo(t, s, "eval server shared_attempt = {1, 2}")
	// engine classes are built on first use, in each context for itself
	mustDo(t, s, "eval sector:alpha local e = require('engine') e.Vector3.patched = true; getmetatable(e.Vector3.new()).__index.extra = 1; getmetatable(e).__index = nil")
	cases := []struct {
		name, ctx, code, want string
	}{
		{"server global absent in sector", "sector:alpha", "return server_only", "nil"},
		{"server global present in server", "server", "return server_only", "server"},
		{"sector global absent in server", "server", "return only_alpha, alpha_fn, log", "nil\tnil\tnil"},
		{"sector global absent in other sector", "sector:beta", "return only_alpha, alpha_fn", "nil\tnil"},
		{"patched library absent elsewhere", "sector:beta", "return string.alpha_patch", "nil"},
		{"sector global present in its sector", "sector:alpha", "return only_alpha, alpha_fn()", "a\t1"},
		{"host table not shared", "sector:beta", "return shared_attempt", "nil"},
		{"same file, own values", "sector:beta", "return table.concat(log, ',')", "base/sector.lua,my_mod/sector.lua,added:p2@beta"},
		{"engine module per context", "sector:alpha", "return require('engine').get_event_bus() == require('engine').get_event_bus()", "true"},
		{"patched engine class absent elsewhere", "sector:beta", "local e = require('engine') return e.Vector3.patched, e.Vector3.new().extra, e.Vector2.new(1, 2).x", "nil\tnil\t1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := eval(t, s, tc.ctx, tc.code); got != tc.want {
				t.Fatalf("%s: %s = %q, want %q", tc.ctx, tc.code, got, tc.want)
			}
		})
	}
}

func TestRequireAcrossModsAndModuleCache(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{})
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "join p2 beta")
	cases := []struct {
		name, ctx, code, want string
	}{
		{"loaded once in the server", "server", "return util_loads", "1"},
		{"loaded once per sector though two mods require it", "sector:alpha", "return util_loads, same_util", "1\ttrue"},
		{"other sector has its own cache", "sector:beta", "return util_loads, same_util", "1\ttrue"},
		{"own mod's module", "sector:alpha", "return helper_name", "my_mod.sub.helper"},
		{"package.loaded holds dotted names", "sector:alpha", "return package.loaded['base.lib.util'].name, package.loaded['my_mod.sub.helper'] ~= nil", "base.lib.util\ttrue"},
		{"server never loaded the sector's modules", "server", "return package.loaded['my_mod.sub.helper']", "nil"},
		{"engine is preloaded", "server", "return package.loaded.engine == require('engine')", "true"},
		{"missing module names the files tried", "server", "local ok, e = pcall(require, 'base.nope') return ok, e",
			"false\teval:1: module 'base.nope' not found: no file assets/base/nope.lua (module names start with a mod folder; mods: base, my_mod)"},
		{"path escapes are refused", "server", "local ok, e = pcall(require, '../x') return ok", "false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := eval(t, s, tc.ctx, tc.code); got != tc.want {
				t.Fatalf("%s: %s = %q, want %q", tc.ctx, tc.code, got, tc.want)
			}
		})
	}
	// A folder that is not a mod (no entry file) can still be required by name.
	o := open(t, "testdata/order", engine.Options{})
	mustDo(t, o, "join p1 alpha")
	if got := eval(t, o, "sector:alpha", "return from_lib"); got != "lib_only.lib" {
		t.Fatalf("from_lib = %q", got)
	}
}

func TestEngineModuleShape(t *testing.T) {
	const shape = `local e = require("engine")
local b = e.get_event_bus()
local l = e.create_logger("t")
return type(e.get_event_bus), type(e.create_logger), type(b.add_handler), type(b.remove_handler), type(b.enqueue), type(l.info), type(l.warn), type(l.error), tostring(e.spawn_ship)`
	cases := []struct {
		name string
		mode string
		want string
	}{
		{"stub mode: unknown fields are stand-ins", engine.ModeStubs, "function\tfunction\tfunction\tfunction\tfunction\tfunction\tfunction\tfunction\tstub:engine.spawn_ship"},
		{"strict mode: unknown fields are nil", engine.ModeStrict, "function\tfunction\tfunction\tfunction\tfunction\tfunction\tfunction\tfunction\tnil"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, "testdata/game", engine.Options{Mode: tc.mode})
			r := s.Do(engine.Command{Op: "eval", Args: []any{"server"}, Code: shape})
			if !r.OK || r.Result != tc.want {
				t.Fatalf("shape = %q (%s), want %q", r.Result, r.Error, tc.want)
			}
		})
	}

}

func TestErrorsInOneSectorLeaveTheRestRunning(t *testing.T) {
	s := open(t, "testdata/faulty", engine.Options{Timeout: 200 * time.Millisecond, Mode: engine.ModeStrict})
	start := time.Now()
	r := do(t, s, "join p1 alpha")
	if r.OK {
		t.Fatal("join p1 alpha should report the broken sector.lua files")
	}
	r = do(t, s, "join p2 doom") // sector.lua errors again, then a handler loops
	if r.OK {
		t.Fatal("join p2 doom should report errors")
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("took %v", el)
	}
	var errs []string
	for _, e := range s.Report().Errors {
		errs = append(errs, fmt.Sprintf("%s|%s:%d|%s", e.Context, e.File, e.Line, e.Message))
	}
	want := []struct{ ctx, file, msg string }{
		{"sector:alpha", "broken/sector.lua:3", "syntax error"},
		{"sector:alpha", "loopy/sector.lua:2", "infinite loop (context sector:alpha"},
		{"sector:doom", "broken/sector.lua:3", "syntax error"},
		{"sector:doom", "loopy/sector.lua:2", "infinite loop"},
		// One bus: doom's sector_player_added reaches alpha's handler too.
		{"sector:alpha", "base/sector.lua:3", "infinite loop (context sector:alpha"},
		{"sector:doom", "base/sector.lua:3", "infinite loop (context sector:doom"},
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%s", strings.Join(errs, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w.ctx+"|"+w.file+"|") || !strings.Contains(errs[i], w.msg) {
			t.Fatalf("error %d = %q, want %v", i, errs[i], w)
		}
	}
	cases := []struct {
		name, ctx, code, want string
	}{
		{"server untouched", "server", "return server_ok", "true"},
		{"files before and after the broken ones ran", "sector:alpha", "return base_ok, loopy_started, after_ok, added", "true\ttrue\ttrue\tp1"},
		{"sector with a looping handler still answers", "sector:doom", "return base_ok, after_ok, added", "true\ttrue\tnil"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := eval(t, s, tc.ctx, tc.code); got != tc.want {
				t.Fatalf("%s: %q, want %q", tc.ctx, got, tc.want)
			}
		})
	}
	if got := contextNames(s); !slices.Equal(got, []string{"server=active", "sector:alpha=active", "sector:doom=active"}) {
		t.Fatalf("contexts %v", got)
	}
	// Leaving still unloads both, and the server still takes players.
	mustDo(t, s, "leave p1")
	mustDo(t, s, "leave p2")
	mustDo(t, s, "join p3")
	if got := contextNames(s); !slices.Equal(got, []string{"server=active"}) {
		t.Fatalf("contexts %v", got)
	}
}

func TestEventScript(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{})
	script := `# players
join p1 alpha
eval sector:alpha return table.concat(log, ",")
jump p1 beta
eval sector:alpha return 1
event sector:beta ping {"n": 1}
event server ping {"n": 2}
eval server return slog[#slog]
bogus line
leave p1
eval server return #slog
`
	res := s.RunScript(engine.ParseScript(script))
	want := []struct {
		line int
		ok   bool
		text string
	}{
		{2, true, ""},
		{3, true, "base/sector.lua,my_mod/sector.lua,added:p1@alpha"},
		{4, true, ""},
		{5, false, `no context called "sector:alpha"`},
		{6, true, ""}, // beta has no ping handler: 0 handlers, fine
		{7, true, ""},
		{8, true, "pong:3"},
		{9, false, "unknown event"},
		{10, true, ""},
		{11, true, "11"}, // one bus: beta's ping reached the server too
	}
	if len(res) != len(want) {
		t.Fatalf("results %+v", res)
	}
	for i, w := range want {
		r := res[i]
		if r.Line != w.line || r.OK != w.ok {
			t.Fatalf("line %d: %+v", w.line, r)
		}
		got := r.Result
		if !r.OK {
			got = r.Error
		}
		if !strings.Contains(got, w.text) {
			t.Fatalf("line %d: %q, want %q", w.line, got, w.text)
		}
	}
	if ev := s.Report().Events; len(ev) != len(want) {
		t.Fatalf("report events %+v", ev)
	}
}

func TestSamplePlaythrough(t *testing.T) {
	dir := "../../assets/samples/sectors"
	s, err := engine.Open(dir, engine.Options{}) // detected, not forced
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if g := s.Game(); g.Model != engine.ModelSectors {
		t.Fatalf("model %s", g.Model)
	}
	if r := s.Do(engine.Command{Op: "run"}); !r.OK {
		t.Fatal(r.Error)
	}
	src, err := os.ReadFile(filepath.Join(dir, "playthrough.events"))
	if err != nil {
		t.Fatal(err)
	}
	results := map[string][]string{}
	for _, r := range s.RunScript(engine.ParseScript(string(src))) {
		if !r.OK {
			t.Fatalf("line %d %q: %s", r.Line, r.Event, r.Error)
		}
		if r.Result != "" {
			results[r.Event] = append(results[r.Event], r.Result)
		}
	}
	want := map[string][]string{
		"eval sector:alpha return current_sector, arrivals, spawned": {"alpha\t1\t4"},
		"eval server return sector_reports":                          {"1"},
		"eval sector:beta return current_sector, arrivals":           {"beta\t1"},
		"eval sector:alpha marker = \"set in alpha\" return marker":  {"set in alpha"},
		"eval server return require(\"base.utils.names\").uses":      {"1"},
		"advance 50": {"1 tick(s) of 50 ms"},
	}
	for ev, w := range want {
		if !slices.Equal(results[ev], w) {
			t.Fatalf("%s = %q, want %q", ev, results[ev], w)
		}
	}
	// alpha with both players, then alpha recreated after both left.
	if r := results["eval sector:alpha return arrivals, marker"]; len(r) != 2 || r[0] != "2\tset in alpha" || !strings.HasPrefix(r[1], "1\t") || strings.Contains(r[1], "set in alpha") {
		t.Fatalf("alpha arrivals %q", r)
	}
	rep := s.Report()
	if len(rep.Errors) != 0 {
		t.Fatalf("errors %+v", rep.Errors)
	}
	// A sector event reached the server through the bus.
	var reports []string
	for _, m := range rep.Messages {
		if m.Name == "sector_report" {
			reports = append(reports, fmt.Sprintf("%s:%d:%s", m.Context, m.Handlers, m.Target))
		}
	}
	if len(reports) == 0 || reports[0] != "server:1:from sector:alpha" {
		t.Fatalf("sector_report deliveries %q", reports)
	}
}

func TestReloadRestartsTheServerAndBringsPlayersBack(t *testing.T) {
	dir := copyFixture(t, "testdata/game")
	s := open(t, dir, engine.Options{Mode: engine.ModeStrict})
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "join p2")
	mustDo(t, s, "eval server marker = 1")
	mustDo(t, s, "eval sector:alpha marker = 1")
	// An edit is picked up.
	if err := os.WriteFile(filepath.Join(dir, "assets/base/lib/util.lua"), []byte("util_loads = 'edited'\nreturn {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustDo(t, s, "reload")
	steps, next := s.Steps()
	if !slices.Equal(steps, []string{"Server context", "Generator", "server_started", "Players rejoin"}) || next != 4 {
		t.Fatalf("steps %v next %d", steps, next)
	}
	if got := contextNames(s); !slices.Equal(got, []string{"server=active", "sector:alpha=active"}) {
		t.Fatalf("contexts %v", got)
	}
	if got := eval(t, s, "server", "return marker, util_loads, table.concat(slog, ',')"); got != "nil\tedited\tbase/server.lua,started,login:p1,login:p2" {
		t.Fatalf("server after reload %q", got)
	}
	if got := eval(t, s, "sector:alpha", "return marker, table.concat(log, ',')"); got != "nil\tbase/sector.lua,my_mod/sector.lua,added:p1@alpha" {
		t.Fatalf("alpha after reload %q", got)
	}
	r := s.Do(engine.Command{Op: "registries", Args: []any{"server"}})
	rows := r.Registries.Model
	var players []string
	for _, p := range rows["players"] {
		players = append(players, fmt.Sprint(p["player"], "@", p["sector"]))
	}
	if !slices.Equal(players, []string{"p1@alpha", "p2@"}) {
		t.Fatalf("players %v", players)
	}
}

func TestRegistries(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{})
	mustDo(t, s, "join p1 alpha")
	mustDo(t, s, "join p2 beta")
	mustDo(t, s, "join p3 alpha")
	r := s.Do(engine.Command{Op: "registries", Args: []any{"sector:alpha"}})
	rows := r.Registries.Model
	var got []string
	for _, p := range rows["players"] {
		got = append(got, fmt.Sprint(p["player"], "@", p["sector"]))
	}
	for _, x := range rows["sectors"] {
		got = append(got, fmt.Sprint(x["sector"], x["players"], x["state"]))
	}
	for _, m := range rows["mods"] {
		got = append(got, fmt.Sprintf("%v %v %v %v %v %v", m["order"], m["mod"], m["dir"], m["server"], m["sector"], m["version"]))
	}
	want := []string{"p1@alpha", "p2@beta", "p3@alpha", "alpha[p1 p3]active", "beta[p2]active",
		"1 base assets/base true true 1.0", "2 my_mod assets/my_mod false true 1.0"}
	if !slices.Equal(got, want) {
		t.Fatalf("registries %q", got)
	}
}

// The contexts start with a small Lua stack (engine/context.go) that grows
// on demand: deep legal recursion and wide calls still work in a sector.
func TestStackGrowsOnDemand(t *testing.T) {
	s := open(t, "testdata/game", engine.Options{})
	mustDo(t, s, "join p1 alpha")
	code := `local function f(n, a, b, c, d, e, g, h) if n == 0 then return 0 end return 1 + f(n - 1, a, b, c, d, e, g, h) end
local t = {} for i = 1, 7000 do t[i] = i end
return f(150, 1, 2, 3, 4, 5, 6, 7), select('#', unpack(t)), #string.format(string.rep("%d", 200), unpack(t, 1, 200))`
	r := s.Do(engine.Command{Op: "eval", Args: []any{"sector:alpha"}, Code: code})
	if !r.OK || r.Result != "150\t7000\t492" {
		t.Fatalf("eval: %+v", r)
	}
}
