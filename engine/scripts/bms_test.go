package scripts_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"modscope/engine"
)

// Tests of BMS's lifecycle (docs/scripts.md): every initializer, file and
// callback of testdata/lifecycle appends to the global `log`, and the tests
// compare the exact order.

const initializers = `
[initializers]
context = '''
local att = ...
log = log or {}
table.insert(log, "init " .. tostring(att.entity) .. " " .. att.script)
'''
pre_handling = '''
local att = ...
table.insert(log, "pre " .. tostring(att.entity))
'''
`

// lifecycleScene copies testdata/lifecycle with its scene.toml replaced by
// body (policy, entities, statics) plus the logging initializers.
func lifecycleScene(t *testing.T, body string) string {
	t.Helper()
	dir := fixture(t, "lifecycle")
	if err := os.WriteFile(filepath.Join(dir, "scene.toml"), []byte(body+initializers), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// takeLog returns ctx's log and empties it.
func takeLog(t *testing.T, s *engine.Session, ctx string) []string {
	t.Helper()
	out := eval(t, s, ctx, `local l = log or {}; log = {}; return table.concat(l, "\n")`)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func wantLog(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func registries(t *testing.T, s *engine.Session) map[string][]map[string]any {
	t.Helper()
	r := s.Do(engine.Command{Op: "registries"})
	if !r.OK {
		t.Fatalf("registries: %s", r.Error)
	}
	return r.Registries.Model
}

const twoEntities = `
[[entity]]
id = 1
scripts = ["scripts/a.lua"]

[[entity]]
id = 2
scripts = ["scripts/b.lua"]
`

// Point 1: a second attachment joining a context is a reload for it
// (pipeline/start.rs process_attachment: LoadedAndActive -> Reloading).
func TestJoiningAContextIsAReload(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"`+twoEntities))
	run(t, s)
	wantLog(t, "first load, then a join", takeLog(t, s, "shared"), []string{
		// entity 1 creates the context: initializers, pre-handling, file, loaded
		"init 1 scripts/a.lua", "pre 1", "file a 1v1", "pre 1", "A loaded 1v1",
		// entity 2 joins: unloaded (the context's current function: a's),
		// initializers, pre-handling, file, loaded, reloaded(state)
		"pre 2", "A unloaded 2v1",
		"init 2 scripts/b.lua", "pre 2", "file b 2v1",
		"pre 2", "B loaded 2v1",
		"pre 2", "B reloaded 2v1 A-state",
	})
	if got := states(s)["shared"]; got != engine.StateActive {
		t.Errorf("state %q, want active", got)
	}
}

// Point 2: a hot reload reloads each attachment of the file one after
// another, each going through the whole sequence.
func TestHotReloadRunsPerAttachmentInOrder(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "per_script"
[[entity]]
id = 1
scripts = ["scripts/a.lua"]
[[entity]]
id = 2
scripts = ["scripts/a.lua"]
`))
	run(t, s)
	takeLog(t, s, "script:scripts/a.lua")
	mustDo(t, s, "reload scripts/a.lua")
	one := func(e string) []string {
		return []string{"pre " + e, "A unloaded " + e + "v1", "init " + e + " scripts/a.lua", "pre " + e, "file a " + e + "v1",
			"pre " + e, "A loaded " + e + "v1", "pre " + e, "A reloaded " + e + "v1 A-state"}
	}
	wantLog(t, "reload scripts/a.lua", takeLog(t, s, "script:scripts/a.lua"), append(one("1"), one("2")...))
	// edit FILE is the same hot reload
	mustDo(t, s, "edit scripts/a.lua")
	wantLog(t, "edit scripts/a.lua", takeLog(t, s, "script:scripts/a.lua"), append(one("1"), one("2")...))
}

// Point 7: attaching an attached pair again is a reload.
func TestReattachingAnAttachedPairIsAReload(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "per_entity_and_script"`+twoEntities))
	run(t, s)
	ctx := "entity:1/script:scripts/a.lua"
	takeLog(t, s, ctx)
	r := mustDo(t, s, "attach 1 scripts/a.lua")
	if r.Result != "" {
		t.Errorf("result %q", r.Result)
	}
	wantLog(t, "attach again", takeLog(t, s, ctx), []string{"pre 1", "A unloaded 1v1", "init 1 scripts/a.lua", "pre 1", "file a 1v1",
		"pre 1", "A loaded 1v1", "pre 1", "A reloaded 1v1 A-state"})
	if g := grouping(s); len(g) != 2 || g[0] != ctx+": entity:1 scripts/a.lua" {
		t.Errorf("grouping %q", g)
	}
}

// Detaching from a shared context: unloading, on_script_unloaded, active
// again; the last one removes the context.
func TestDetachFromASharedContext(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"`+twoEntities))
	rec := record(s)
	run(t, s)
	takeLog(t, s, "shared")
	rec.take()
	mustDo(t, s, "detach 1 scripts/a.lua")
	wantLog(t, "detach", takeLog(t, s, "shared"), []string{"pre 1", "B unloaded 1v1"})
	st, _ := rec.take()
	wantLog(t, "states", st, []string{"shared unloading", "shared active"})
	mustDo(t, s, "detach 2 scripts/b.lua")
	st, _ = rec.take()
	wantLog(t, "states", st, []string{"shared unloading", "shared unloaded"})
	if len(s.Contexts()) != 0 {
		t.Errorf("contexts left: %v", grouping(s))
	}
}

// Point 3: the state crosses the reload through BMS's script-value
// conversion.
func TestReloadStateGoesThroughScriptValues(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "per_entity_and_script"
[[entity]]
id = 1
scripts = ["scripts/state.lua"]
`))
	run(t, s)
	ctx := "entity:1/script:scripts/state.lua"
	mustDo(t, s, "reload scripts/state.lua")
	cases := []struct{ name, code, want string }{
		{"integer keys become a list renumbered 1..n", `return got.hp[1], got.hp[2], got.hp[7], #got.hp`, "50\t70\tnil\t2"},
		{"a list stays a list", `return table.concat(got.list, ",")`, "10,20,30"},
		{"a table with string keys is a map", `return got.named.x, got.named.y`, "1\twhy"},
		{"a function stays callable, wrapped", `return got.fn(21)`, "42\ttwo"},
		{"the wrapped function is a new function", `return fn_is_same`, "false"},
		{"an empty table comes back empty", `return type(got.empty), next(got.empty)`, "table\tnil"},
		{"the file ran again", `return version`, "2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := eval(t, s, ctx, c.code); got != c.want {
				t.Errorf("%s = %q, want %q", c.code, got, c.want)
			}
		})
	}
}

func TestReloadStateThatCannotBeConvertedArrivesAsNil(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "per_entity_and_script"
[[entity]]
id = 1
scripts = ["scripts/badstate.lua"]
`))
	run(t, s)
	ctx := "entity:1/script:scripts/badstate.lua"
	mustDo(t, s, "reload scripts/badstate.lua")
	if got := eval(t, s, ctx, `return #got, got[1]`); got != "1\tc" {
		t.Errorf("{[3]='c'} came back as %q, want a one-element list", got)
	}
	for _, mode := range []string{"cycle", "boolkey", "coroutine"} {
		t.Run(mode, func(t *testing.T) {
			eval(t, s, ctx, `mode = "`+mode+`"; got = "unset"`)
			if r := do(t, s, "reload scripts/badstate.lua"); !strings.Contains(r.Error, "cannot convert") {
				t.Errorf("reload: ok=%v %q, want the conversion error", r.OK, r.Error)
			}
			if got := eval(t, s, ctx, `return got`); got != "no state" {
				t.Errorf("got %q, want nil (the conversion fails, so no reload state)", got)
			}
		})
	}
	found := false
	for _, c := range s.Contexts() {
		if c.Name == ctx && c.Errors >= 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("the failed conversions were not recorded as errors: %+v", s.Contexts())
	}
}

// Point 4: a failed first load leaves the context loading; later
// attachments for it are ignored, and the registries say why.
func TestFailedFirstLoadLeavesTheContextLoading(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"
[[entity]]
id = 1
scripts = ["scripts/broken.lua"]
[[entity]]
id = 2
scripts = ["scripts/a.lua"]
`))
	do(t, s, "run")
	if got := states(s)["shared"]; got != engine.StateLoading {
		t.Fatalf("state %q, want loading", got)
	}
	wantLog(t, "nothing after the failure", takeLog(t, s, "shared"), []string{"init 1 scripts/broken.lua", "pre 1", "file broken 1v1"})
	if g := grouping(s); !reflect.DeepEqual(g, []string{"shared: entity:1 scripts/broken.lua"}) {
		t.Errorf("grouping %q: entity 2's attachment should be ignored", g)
	}
	reg := registries(t, s)
	life := reg["lifecycle"]
	if len(life) != 1 || life[0]["state"] != "loading" || !strings.Contains(life[0]["reason"].(string), "first load of entity:1 scripts/broken.lua failed") {
		t.Errorf("lifecycle rows %v", life)
	}
	var ignored string
	for _, row := range reg["attachments"] {
		if row["script"] == "scripts/a.lua" {
			ignored, _ = row["status"].(string)
		}
	}
	if !strings.Contains(ignored, "ignored: context shared is loading") {
		t.Errorf("a.lua's status %q", ignored)
	}
	r := mustDo(t, s, "callback on_script_loaded")
	if !strings.Contains(r.Result, "not delivered to shared (loading)") {
		t.Errorf("callback result %q", r.Result)
	}
	r = mustDo(t, s, "reload scripts/broken.lua")
	if !strings.Contains(r.Result, "not reloaded: context shared (is loading: entity:1 scripts/broken.lua)") {
		t.Errorf("reload result %q", r.Result)
	}
	r = mustDo(t, s, "reload") // every attachment: the skip is said too
	if !strings.Contains(r.Result, "not reloaded: context shared (is loading") {
		t.Errorf("reload-all result %q", r.Result)
	}
	r = mustDo(t, s, "detach 1 scripts/broken.lua")
	if !strings.Contains(r.Result, "is loading") {
		t.Errorf("detach result %q", r.Result)
	}
	wantLog(t, "nothing ran", takeLog(t, s, "shared"), nil)
	// A policy change recreates the contexts: a.lua now loads in its own.
	do(t, s, "policy per_script")
	if got := states(s); got["script:scripts/a.lua"] != engine.StateActive || got["script:scripts/broken.lua"] != engine.StateLoading {
		t.Errorf("states after the policy change %v", got)
	}
}

// A failed reload (a join whose file fails) leaves the context active
// without on_script_loaded or on_script_reloaded.
func TestFailedJoinLeavesTheContextActive(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"
[[entity]]
id = 1
scripts = ["scripts/a.lua"]
[[entity]]
id = 2
scripts = ["scripts/broken.lua"]
`))
	do(t, s, "run")
	wantLog(t, "join fails", takeLog(t, s, "shared"), []string{
		"init 1 scripts/a.lua", "pre 1", "file a 1v1", "pre 1", "A loaded 1v1",
		"pre 2", "A unloaded 2v1", "init 2 scripts/broken.lua", "pre 2", "file broken 2v1",
	})
	if got := states(s)["shared"]; got != engine.StateActive {
		t.Errorf("state %q, want active", got)
	}
	if g := grouping(s); !reflect.DeepEqual(g, []string{"shared: entity:1 scripts/a.lua, entity:2 scripts/broken.lua"}) {
		t.Errorf("grouping %q: the failed joiner stays a resident", g)
	}
}

// Point 5: the globals are BMS's; modscope's attachment and context_key
// are gone; entity is stale in a shared context for a static script.
func TestGlobalsAreBMSs(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"
static = ["scripts/static.lua"]
[[entity]]
id = 1
scripts = ["scripts/a.lua"]
`))
	run(t, s)
	cases := []struct{ name, code, want string }{
		{"entity is the attachment's entity", `return tostring(entity), entity:index(), entity:generation()`, "1v1\t1\t1"},
		{"two references to one entity are equal", `return entity == first_entity, rawequal(entity, first_entity)`, "true\tfalse"},
		{"script_asset names the script", `return tostring(script_asset)`, "scripts/static.lua"},
		{"world and types are stand-ins", `return tostring(world), tostring(types)`, "stub:world\tstub:types"},
		{"register_callback is a function", `return type(register_callback)`, "function"},
		{"no attachment or context_key", `return rawget(_G, "attachment"), rawget(_G, "context_key")`, "nil\tnil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := eval(t, s, "shared", c.code); got != c.want {
				t.Errorf("%s = %q, want %q", c.code, got, c.want)
			}
		})
	}
	takeLog(t, s, "shared")
	r := mustDo(t, s, "callback static on_ping")
	if !strings.Contains(r.Result, "[static scripts/static.lua]: 1v1") {
		t.Errorf("the static script's callback should see the stale entity 1v1: %q", r.Result)
	}
	wantLog(t, "static callback", takeLog(t, s, "shared"), []string{"pre nil", "S ping sees entity 1v1"})
}

// Point 6: register_callback is keyed by attachment.
func TestRegisterCallbackIsKeyedByAttachment(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"
[[entity]]
id = 1
scripts = ["scripts/reg.lua"]
[[entity]]
id = 2
scripts = ["scripts/reg.lua"]
`))
	run(t, s)
	r := mustDo(t, s, "callback on_hit 3")
	if want := "shared [entity:1 scripts/reg.lua]: hit 1v1 x3; shared [entity:2 scripts/reg.lua]: hit 2v1 x3"; r.Result != want {
		t.Errorf("got %q\nwant %q", r.Result, want)
	}
	var rows []string
	for _, row := range registries(t, s)["callbacks"] {
		rows = append(rows, row["attachment"].(string)+" "+row["name"].(string)+" "+row["where"].(string))
	}
	wantLog(t, "callbacks registry", rows, []string{"entity:1 scripts/reg.lua on_hit scripts/reg.lua:5", "entity:2 scripts/reg.lua on_hit scripts/reg.lua:5"})
	// eval runs with no attachment current: BMS refuses the registration
	r = s.Do(engine.Command{Op: "eval", Args: []any{"shared"}, Code: `register_callback("x", function() end)`})
	if r.OK || !strings.Contains(r.Error, "missing script attachment context") {
		t.Errorf("eval register_callback: ok=%v %q", r.OK, r.Error)
	}
}

// Point 7: pre-handling initializers run even when the callback is
// missing (lua_handler runs them before looking the function up).
func TestPreHandlingRunsEvenWhenTheCallbackIsMissing(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"`+twoEntities))
	run(t, s)
	takeLog(t, s, "shared")
	r := mustDo(t, s, "callback on_nothing")
	if !strings.Contains(r.Result, "no context defines on_nothing") {
		t.Errorf("result %q", r.Result)
	}
	wantLog(t, "missing callback", takeLog(t, s, "shared"), []string{"pre 1", "pre 2"})
	var vias []string
	for _, row := range registries(t, s)["calls"] {
		if row["callback"] == "on_nothing" {
			vias = append(vias, row["attachment"].(string)+" "+row["via"].(string))
		}
	}
	wantLog(t, "call log", vias, []string{"entity:1 scripts/a.lua not defined", "entity:2 scripts/b.lua not defined"})
}

// Point 7: the "once per context" target.
func TestContextsTargetCallsEachContextOnce(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "shared"
static = ["scripts/static.lua"]
[[entity]]
id = 1
scripts = ["scripts/a.lua"]
[[entity]]
id = 2
scripts = ["scripts/b.lua"]
`))
	run(t, s)
	takeLog(t, s, "shared")
	r := mustDo(t, s, "callback contexts on_ping")
	if r.Result != "shared [entity:1 scripts/a.lua]: 1v1" {
		t.Errorf("result %q", r.Result)
	}
	wantLog(t, "once", takeLog(t, s, "shared"), []string{"pre 1", "S ping sees entity 1v1"})
}

// Point 7: a static script no rule matches is loaded, called and dropped
// with a warning; the scene still opens.
func TestUnmatchedStaticScriptIsLoadedCalledAndDropped(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = ["entity"]
static = ["scripts/static.lua"]
[[entity]]
id = 1
scripts = ["scripts/a.lua"]
`))
	var out []string
	s.Subscribe(func(e engine.Event) {
		if e.Kind == engine.EventOutput {
			out = append(out, e.Context+": "+e.Text)
		}
	})
	run(t, s)
	if g := grouping(s); !reflect.DeepEqual(g, []string{"entity:1: entity:1 scripts/a.lua"}) {
		t.Errorf("grouping %q", g)
	}
	joined := strings.Join(out, "\n")
	if !strings.Contains(joined, "unmatched:script:scripts/static.lua: policy [\"entity\"] gives static scripts/static.lua no context") {
		t.Errorf("no warning in the output:\n%s", joined)
	}
	var calls []string
	for _, row := range registries(t, s)["attachments"] {
		calls = append(calls, row["script"].(string)+" "+row["status"].(string))
	}
	wantLog(t, "attachments", calls, []string{"scripts/a.lua resident", "scripts/static.lua no context: no rule of the policy matches it"})
	// the policy command accepts such a list too, and a matching policy places it
	r := mustDo(t, s, "policy shared")
	if !strings.Contains(r.Result, "shared") {
		t.Errorf("policy result %q", r.Result)
	}
	if g := grouping(s); !reflect.DeepEqual(g, []string{"shared: entity:1 scripts/a.lua, static scripts/static.lua"}) {
		t.Errorf("grouping after policy shared %q", g)
	}
}

// The unmatched static script ran: its file and on_script_loaded.
func TestUnmatchedStaticScriptRanItsFileAndLoaded(t *testing.T) {
	dir := lifecycleScene(t, `policy = ["entity"]
static = ["scripts/static.lua"]
`)
	if err := os.WriteFile(filepath.Join(dir, "scripts/static.lua"), []byte(`print("static file ran")
function on_script_loaded() print("static loaded") end`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	var out []string
	s.Subscribe(func(e engine.Event) {
		if e.Kind == engine.EventOutput {
			out = append(out, e.Text)
		}
	})
	run(t, s)
	if len(out) < 3 || out[0] != "static file ran" || out[1] != "static loaded" || !strings.Contains(out[2], "no context") {
		t.Errorf("output %q", out)
	}
}

// The call log lists each delivery with its route and result.
func TestCallLogRecordsEveryDelivery(t *testing.T) {
	s := open(t, lifecycleScene(t, `policy = "per_entity_and_script"
[[entity]]
id = 1
scripts = ["scripts/a.lua"]
`))
	run(t, s)
	var rows []string
	for _, row := range registries(t, s)["calls"] {
		rows = append(rows, row["callback"].(string)+" "+row["via"].(string))
	}
	wantLog(t, "calls", rows, []string{"on_script_loaded global"})
	mustDo(t, s, "reload")
	rows = nil
	for _, row := range registries(t, s)["calls"] {
		r := row["callback"].(string) + " " + row["via"].(string)
		if res, ok := row["result"]; ok {
			r += " = " + res.(string)
		}
		rows = append(rows, r)
	}
	wantLog(t, "calls", rows, []string{"on_script_loaded global", "on_script_unloaded global = A-state", "on_script_loaded global", "on_script_reloaded global"})
}
