package inspector_test

// Golden tests of the inspector on real engine states. Each bundled sample
// runs through engine/models with its event script, and what the inspector
// shows at chosen moments is pinned under testdata/samples/<sample>/:
//
//   - load.golden: after every loading step, the "changed since the last
//     step" diff of every live context (a context new in that step is
//     compared with its built-ins, as the window does);
//   - page-*.golden: the first page of a context's globals (or of a table
//     below them), as `modscope globals` prints it;
//   - diff-*.golden: a diff around one event (a player jump, a callback, a
//     policy switch) or between two contexts;
//   - registries-*.golden: handlers with file:line and call order, the
//     contexts with key, state and residents, and the model's own rows;
//   - provenance-*.golden: where a few globals were defined and assigned.
//
// Built-ins are filtered from pages of the globals table and from
// load.golden: a global is kept only when game code defined or assigned it,
// that is when its provenance names a file of the game folder, scene.toml's
// initializers or an eval. The Lua library, the engine API and everything
// the engine sets up for game code ([engine] globals such as scripts'
// attachment and register_callback, the autorun core library under
// [core]/..., Loading and FirstLoad) are left out, and so is the globals
// table's own metatable: the goldens stay readable and do not churn when
// the engine gains a built-in. Diffs around events, pages of a table below
// the globals and registries are shown whole. Times, memory sizes and
// addresses are normalised; the names of Go functions are cut to "[Go]".
// go test ./inspector -update rewrites the files.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"modscope/engine"
	"modscope/engine/models"
	"modscope/inspector"
)

// sample is one bundled game folder and what to pin about it.
type sample struct {
	name   string // also the golden folder
	model  string
	dir    string
	events string // event script played after loading ("" for none)
	// play drives the session after loading and captures goldens.
	play func(t *testing.T, p *player)
}

func TestSampleGoldens(t *testing.T) {
	samples := []sample{
		{name: "sectors", model: engine.ModelSectors, dir: "../assets/samples/sectors",
			events: "../assets/samples/sectors/playthrough.events", play: playSectors},
		{name: "scripts", model: engine.ModelScripts, dir: "../assets/samples/scripts",
			events: "../assets/samples/scripts/policies.events", play: playScripts},
		{name: "autorun", model: engine.ModelAutorun, dir: "../assets/samples/autorun",
			events: "../assets/samples/autorun/playthrough.events", play: playAutorun},
	}
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			if !slices.Contains(engine.RegisteredModels(), sm.model) {
				t.Fatalf("model %q is not registered in this build (engine.RegisteredModels() = %v)", sm.model, engine.RegisteredModels())
			}
			if st, err := os.Stat(sm.dir); err != nil || !st.IsDir() {
				t.Fatalf("the repository ships the sample folder %s: it is missing", sm.dir)
			}
			s, err := models.Open(sm.dir, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			s.TrackDiffs(true)
			p := &player{t: t, s: s, game: sm.dir, dir: filepath.Join("testdata", "samples", sm.name)}
			if sm.events != "" {
				src, err := os.ReadFile(sm.events)
				if err != nil {
					t.Fatal(err)
				}
				p.script = engine.ParseScript(string(src))
			}
			p.load()
			sm.play(t, p)
			p.finish()
			if r := s.Report(); len(r.Errors) > 0 {
				t.Errorf("the sample recorded Lua errors: %+v", r.Errors)
			}
		})
	}
}

// player steps a session through a sample and writes the goldens.
type player struct {
	t      *testing.T
	s      *engine.Session
	game   string // the game folder
	dir    string // where the goldens go
	script []engine.ScriptLine
	next   int // index in script of the next line to play
}

// load runs every loading step and pins what each did to each context.
func (p *player) load() {
	p.t.Helper()
	var b strings.Builder
	steps, next := p.s.Steps()
	for i := next; i < len(steps); i++ {
		r := p.s.Do(engine.Command{Op: "step"})
		b.WriteString("== after step " + steps[i])
		if !r.OK {
			b.WriteString(" (error: " + r.Error + ")")
		}
		b.WriteString("\n")
		for _, c := range p.s.Contexts() {
			b.WriteString("-- " + c.Name + " (built-ins filtered)\n")
			r := p.do(engine.Command{Op: "diff", Args: []any{c.Name}})
			b.WriteString(renderDiff(p.t, p.gameOnly(c.Name, *r.Diff)))
		}
	}
	p.golden("load.golden", b.String())
}

// gameCode tells whether a provenance location (file:line) is the game
// folder's: a file of the folder, scene.toml's initializers, or an eval the
// person typed. The engine's own code ([engine], [core]/..., autorun.lua)
// is not.
func (p *player) gameCode(at string) bool {
	if at == "" || strings.HasPrefix(at, "[") {
		return false
	}
	if strings.HasPrefix(at, "eval:") {
		return true
	}
	file := at
	if i := strings.IndexAny(file, "[:"); i >= 0 {
		file = file[:i]
	}
	st, err := os.Stat(filepath.Join(p.game, filepath.FromSlash(file)))
	return err == nil && st.Mode().IsRegular()
}

func (p *player) gameProvenance(pv engine.Provenance) bool {
	return p.gameCode(pv.DefinedAt) || p.gameCode(pv.AssignedAt)
}

// gameOnly keeps the diff entries of globals that game code defined or
// assigned (and every removal).
func (p *player) gameOnly(ctx string, d inspector.DiffResult) inspector.DiffResult {
	p.t.Helper()
	r := p.do(engine.Command{Op: "provenance", Args: []any{ctx}})
	game := map[string]bool{}
	for _, pv := range r.AllProvenance {
		if p.gameProvenance(pv) {
			game[pv.Name] = true
		}
	}
	keep := func(es []inspector.DiffEntry) []inspector.DiffEntry {
		out := []inspector.DiffEntry{}
		for _, e := range es {
			path, err := inspector.ParsePath(e.Path)
			if err != nil || len(path) == 0 {
				p.t.Fatalf("diff path %q: %v", e.Path, err)
			}
			if game[path[0]] {
				out = append(out, e)
			}
		}
		return out
	}
	d.Added, d.Changed = keep(d.Added), keep(d.Changed)
	return d
}

// untilText plays the event script up to and including the first line not
// yet played that starts with prefix.
func (p *player) untilText(prefix string) { p.t.Helper(); p.until(p.find(prefix)) }

// beforeText plays the event script up to the first line not yet played
// that starts with prefix, and leaves that line to play.
func (p *player) beforeText(prefix string) { p.t.Helper(); p.until(p.find(prefix) - 1) }

// find returns the source line number of the first line not yet played
// that starts with prefix.
func (p *player) find(prefix string) int {
	p.t.Helper()
	for i := p.next; i < len(p.script); i++ {
		if strings.HasPrefix(p.script[i].Text, prefix) {
			return p.script[i].Line
		}
	}
	p.t.Fatalf("no event-script line starting with %q left to play", prefix)
	return 0
}

// until plays event-script lines up to and including source line n.
func (p *player) until(n int) {
	p.t.Helper()
	var lines []engine.ScriptLine
	for p.next < len(p.script) && p.script[p.next].Line <= n {
		lines = append(lines, p.script[p.next])
		p.next++
	}
	for _, r := range p.s.RunScript(lines) {
		if !r.OK {
			p.t.Fatalf("line %d %q failed: %s", r.Line, r.Event, r.Error)
		}
	}
}

// finish plays the rest of the script.
func (p *player) finish() { p.until(1 << 30) }

func (p *player) do(cmd engine.Command) engine.Result {
	p.t.Helper()
	r := p.s.Do(cmd)
	if !r.OK {
		p.t.Fatalf("%s %v: %s", cmd.Op, cmd.Args, r.Error)
	}
	return r
}

// trackedDiff renders the engine's "changed since the last step" diff.
func (p *player) trackedDiff(ctx string) string {
	p.t.Helper()
	r := p.do(engine.Command{Op: "diff", Args: []any{ctx}})
	return renderDiff(p.t, *r.Diff)
}

// contextDiff renders the engine's diff between two live contexts.
func (p *player) contextDiff(a, b string) string {
	p.t.Helper()
	r := p.do(engine.Command{Op: "diff", Args: []any{a, b}})
	return renderDiff(p.t, *r.Diff)
}

func renderDiff(t *testing.T, d inspector.DiffResult) string {
	t.Helper()
	var b bytes.Buffer
	if err := inspector.RenderDiff(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// snapshot captures a live context's globals for comparing across states
// (no identities: the contexts before and after a policy switch differ).
func (p *player) snapshot(ctx string) inspector.Snap {
	p.t.Helper()
	c, err := p.s.Context(ctx)
	if err != nil {
		p.t.Fatal(err)
	}
	var sn inspector.Snap
	if err := c.Do(func(o *engine.Lua) { sn = inspector.Snapshot(o.Globals(), inspector.SnapOptions{}) }); err != nil {
		p.t.Fatal(err)
	}
	return sn
}

// page renders the first page of a context's globals (builtins filtered)
// or, with a path, of the table there (whole).
func (p *player) page(ctx, path string) string {
	p.t.Helper()
	r := p.do(engine.Command{Op: "page", Args: []any{ctx}, Path: path, Limit: 500})
	pg := *r.Page
	if pg.Offset != 0 || len(pg.Nodes) != pg.Total {
		p.t.Fatalf("page %s %s: %d of %d rows on the first page", ctx, path, len(pg.Nodes), pg.Total)
	}
	header := "page " + ctx
	if path == "" {
		var kept []inspector.Node
		for _, n := range pg.Nodes {
			if pv := n.Provenance; pv != nil && (p.gameCode(pv.DefinedAt) || p.gameCode(pv.AssignedAt)) {
				if n.Provenance.Context != ctx {
					p.t.Errorf("%s: provenance of %s names context %q", ctx, n.Key, n.Provenance.Context)
				}
				if strings.HasPrefix(n.Defined, "[Go]") {
					n.Defined = "[Go]" // the Go function's name is the engine's business
				}
				kept = append(kept, n)
			}
		}
		pg.Nodes, pg.Total = kept, len(kept)
		pg.Value = "globals"
		header += " (globals defined by game code; built-ins filtered)"
	} else {
		header += " " + path
	}
	var b bytes.Buffer
	b.WriteString(header + "\n")
	if err := inspector.RenderPage(&b, pg); err != nil {
		p.t.Fatal(err)
	}
	return b.String()
}

// registries renders a context's registries as normalised JSON.
func (p *player) registries(ctx string) string {
	p.t.Helper()
	r := p.do(engine.Command{Op: "registries", Args: []any{ctx}})
	reg := r.Registries
	for i := 1; i < len(reg.Handlers); i++ {
		a, b := reg.Handlers[i-1], reg.Handlers[i]
		if a.Name == b.Name && b.Order != a.Order+1 {
			p.t.Errorf("%s: handlers of %s out of order: %+v", ctx, a.Name, reg.Handlers)
		}
	}
	return normJSON(p.t, reg)
}

// provenance renders where the named globals of a context came from.
func (p *player) provenance(ctx string, names ...string) string {
	p.t.Helper()
	var out []engine.Provenance
	for _, n := range names {
		r := p.do(engine.Command{Op: "provenance", Args: []any{ctx, n}})
		out = append(out, *r.Provenance)
	}
	return normJSON(p.t, out)
}

func (p *player) golden(name, got string) {
	p.t.Helper()
	path := filepath.Join(p.dir, name)
	if inspector.UpdateGoldens() {
		if err := os.MkdirAll(p.dir, 0o755); err != nil {
			p.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			p.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		p.t.Fatalf("%v (run go test ./inspector -update to create it)", err)
	}
	if got != string(want) {
		p.t.Errorf("%s differs (run go test ./inspector -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

var (
	addrPattern = regexp.MustCompile(`0x[0-9a-fA-F]+`)
	// Keys whose values vary between runs or machines.
	volatile = regexp.MustCompile(`^(ms|.*_ms|memory.*|.*_bytes|bytes)$`)
)

// normJSON renders v as indented JSON with times, memory sizes and
// addresses normalised.
func normJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(normalize(generic)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if volatile.MatchString(k) {
				x[k] = "<normalised>"
				continue
			}
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case string:
		return addrPattern.ReplaceAllString(x, "0x?")
	}
	return v
}

// playSectors: the server alone, two sectors, a jump, and leaving.
func playSectors(t *testing.T, p *player) {
	p.golden("page-server.golden", p.page("server", ""))
	p.golden("provenance-server.golden", p.provenance("server", "galaxy_name", "online_players"))

	p.untilText("join p2 beta")
	p.untilText(`eval sector:alpha marker = "set in alpha"`)
	p.golden("page-sector-alpha.golden", p.page("sector:alpha", ""))
	p.golden("page-server-online_players.golden", p.page("server", "online_players"))
	p.golden("diff-sector-alpha-vs-beta.golden", p.contextDiff("sector:alpha", "sector:beta"))
	p.golden("provenance-sector-alpha.golden", p.provenance("sector:alpha", "arrivals", "current_sector", "marker", "populated"))

	p.untilText("event all galaxy_tick")
	p.golden("registries-server.golden", p.registries("server"))
	p.golden("registries-sector-alpha.golden", p.registries("sector:alpha"))

	// The jump: beta's last player leaves (beta unloads) and alpha gets a
	// second arrival.
	p.untilText("jump p2 alpha")
	var b strings.Builder
	b.WriteString("== jump p2 alpha: sector:alpha\n" + p.trackedDiff("sector:alpha"))
	b.WriteString("== jump p2 alpha: server\n" + p.trackedDiff("server"))
	b.WriteString("== contexts after the jump\n")
	for _, c := range p.s.Contexts() {
		b.WriteString(c.Name + " " + c.State + "\n")
	}
	p.golden("diff-jump.golden", b.String())
}

// playScripts: callbacks, then a policy switch that merges contexts.
func playScripts(t *testing.T, p *player) {
	p.golden("page-entity1-door.golden", p.page("entity:1/script:scripts/door.lua", ""))
	p.golden("page-game_rules-rules.golden", p.page("script:scripts/game_rules.lua", "rules"))
	p.golden("registries-entity1-health.golden", p.registries("entity:1/script:scripts/health.lua"))

	p.untilText("eval script:scripts/game_rules.lua")
	p.untilText("callback on_update")
	p.golden("diff-callback.golden", "== callback on_update 0.016: entity:1/script:scripts/door.lua\n"+
		p.trackedDiff("entity:1/script:scripts/door.lua")+
		"== callback on_update 0.016: entity:2/script:scripts/patrol.lua\n"+
		p.trackedDiff("entity:2/script:scripts/patrol.lua"))

	// policy per_entity: door.lua's and health.lua's contexts of entity 1
	// merge into entity:1.
	p.beforeText("policy per_entity")
	door := p.snapshot("entity:1/script:scripts/door.lua")
	health := p.snapshot("entity:1/script:scripts/health.lua")
	p.untilText("policy per_entity")
	merged := p.snapshot("entity:1")
	var b strings.Builder
	b.WriteString("== entity:1/script:scripts/door.lua before -> entity:1 after\n")
	b.WriteString(renderDiff(t, inspector.Diff(door, merged)))
	b.WriteString("== entity:1/script:scripts/health.lua before -> entity:1 after\n")
	b.WriteString(renderDiff(t, inspector.Diff(health, merged)))
	b.WriteString("== entity:1, changed in the policy step (new: compared with its built-ins)\n")
	b.WriteString(p.trackedDiff("entity:1"))
	b.WriteString("== script:scripts/game_rules.lua, kept by the policy step\n")
	b.WriteString(p.trackedDiff("script:scripts/game_rules.lua"))
	p.golden("diff-policy-per_entity.golden", b.String())
	p.golden("diff-entity1-vs-entity2.golden", p.contextDiff("entity:1", "entity:2"))

	// policy shared: one context holds everything.
	p.untilText("eval shared return hp.e1")
	p.golden("page-shared.golden", p.page("shared", ""))
	p.golden("page-shared-hp.golden", p.page("shared", "hp"))
	p.golden("registries-shared.golden", p.registries("shared"))
	p.golden("provenance-shared.golden", p.provenance("shared", "on_update", "on_script_loaded", "seen", "hp", "rules", "loaded_for", "handled"))
}

// playAutorun pins the main context of the autorun sample: its globals,
// its registries (handlers in call order, classes, threads, mods), the
// provenance of every global game code defined, and what a message and a
// ReloadLua changed.
func playAutorun(t *testing.T, p *player) {
	p.golden("page-main.golden", p.page("main", ""))
	p.golden("registries-main.golden", p.registries("main"))
	r := p.do(engine.Command{Op: "provenance", Args: []any{"main"}})
	var game []engine.Provenance
	for _, pv := range r.AllProvenance {
		if p.gameProvenance(pv) {
			game = append(game, pv)
		}
	}
	p.golden("provenance-main.golden", normJSON(t, game))

	var b strings.Builder
	p.untilText("msg DustStorm")
	b.WriteString("== msg DustStorm\n" + p.trackedDiff("main"))
	// A reload runs many steps: compare whole snapshots around it (without
	// identities, which a reload may change).
	p.beforeText("reload")
	before := p.snapshot("main")
	p.untilText("reload")
	d := p.gameOnly("main", inspector.Diff(before, p.snapshot("main")))
	b.WriteString("== reload (built-ins filtered)\n" + renderDiff(t, d))
	p.golden("diff-events.golden", b.String())
}
