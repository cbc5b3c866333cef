package scripts_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"modscope/engine"
	"modscope/engine/scripts"
)

// ---- helpers ----

// fixture copies testdata/name into a temporary folder (tests edit files).
func fixture(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", name)
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func setPolicy(t *testing.T, dir, policy string) {
	t.Helper()
	p := filepath.Join(dir, "scene.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^policy = .*$`)
	if err := os.WriteFile(p, re.ReplaceAll(b, []byte("policy = "+policy)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, dir string) *engine.Session {
	t.Helper()
	s, err := engine.Open(dir, engine.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(s.Close)
	return s
}

func run(t *testing.T, s *engine.Session) {
	t.Helper()
	if r := s.Do(engine.Command{Op: "run"}); !r.OK {
		t.Fatalf("run: %s", r.Error)
	}
}

func do(t *testing.T, s *engine.Session, line string) engine.Result {
	t.Helper()
	cmd, err := engine.ParseCommand(line)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return s.Do(cmd)
}

func mustDo(t *testing.T, s *engine.Session, line string) engine.Result {
	t.Helper()
	r := do(t, s, line)
	if !r.OK {
		t.Fatalf("%s: %s", line, r.Error)
	}
	return r
}

func eval(t *testing.T, s *engine.Session, ctx, code string) string {
	t.Helper()
	r := s.Do(engine.Command{Op: "eval", Args: []any{ctx}, Code: code})
	if !r.OK {
		t.Fatalf("eval %s %s: %s", ctx, code, r.Error)
	}
	return r.Result
}

// grouping renders the live contexts as "name: resident, resident".
func grouping(s *engine.Session) []string {
	var out []string
	for _, c := range s.Contexts() {
		out = append(out, c.Name+": "+strings.Join(c.Residents, ", "))
	}
	return out
}

func states(s *engine.Session) map[string]string {
	out := map[string]string{}
	for _, c := range s.Contexts() {
		out[c.Name] = c.State
	}
	return out
}

// recorder collects context state events.
type recorder struct {
	mu     sync.Mutex
	states []string
	msgs   []engine.MessageRecord
}

func record(s *engine.Session) *recorder {
	r := &recorder{}
	s.Subscribe(func(e engine.Event) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch e.Kind {
		case engine.EventContext:
			r.states = append(r.states, e.Context+" "+e.Text)
		case engine.EventMessage:
			r.msgs = append(r.msgs, *e.Message)
		}
	})
	return r
}

func (r *recorder) take() ([]string, []engine.MessageRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ms := r.states, r.msgs
	r.states, r.msgs = nil, nil
	return st, ms
}

const trace = `return table.concat(trace, " | ")`

// ---- policies ----

var groupings = []struct {
	name   string
	policy string // as written in scene.toml
	cmd    string // as written in an event script
	want   []string
}{
	{"per_entity_and_script gives every pair its own context, statics by script",
		`"per_entity_and_script"`, "policy per_entity_and_script", []string{
			"entity:1/script:scripts/door.lua: entity:1 scripts/door.lua",
			"entity:1/script:scripts/health.lua: entity:1 scripts/health.lua",
			"entity:2/script:scripts/health.lua: entity:2 scripts/health.lua",
			"script:scripts/rules.lua: static scripts/rules.lua",
		}},
	{"per_entity puts an entity's scripts together, statics by script",
		`"per_entity"`, "policy per_entity", []string{
			"entity:1: entity:1 scripts/door.lua, entity:1 scripts/health.lua",
			"entity:2: entity:2 scripts/health.lua",
			"script:scripts/rules.lua: static scripts/rules.lua",
		}},
	{"per_script puts the entities sharing a script together",
		`"per_script"`, "policy per_script", []string{
			"script:scripts/door.lua: entity:1 scripts/door.lua",
			"script:scripts/health.lua: entity:1 scripts/health.lua, entity:2 scripts/health.lua",
			"script:scripts/rules.lua: static scripts/rules.lua",
		}},
	{"shared puts everything in one context",
		`"shared"`, "policy shared", []string{
			"shared: entity:1 scripts/door.lua, entity:1 scripts/health.lua, entity:2 scripts/health.lua, static scripts/rules.lua",
		}},
	{"custom entity then shared leaves only statics in shared",
		`["entity", "shared"]`, `policy ["entity", "shared"]`, []string{
			"entity:1: entity:1 scripts/door.lua, entity:1 scripts/health.lua",
			"entity:2: entity:2 scripts/health.lua",
			"shared: static scripts/rules.lua",
		}},
	{"custom entity_script then shared pairs entities and shares statics",
		`["entity_script", "shared"]`, `policy entity_script shared`, []string{
			"entity:1/script:scripts/door.lua: entity:1 scripts/door.lua",
			"entity:1/script:scripts/health.lua: entity:1 scripts/health.lua",
			"entity:2/script:scripts/health.lua: entity:2 scripts/health.lua",
			"shared: static scripts/rules.lua",
		}},
	{"custom script alone equals per_script without fallback",
		`["script"]`, `policy ["script"]`, []string{
			"script:scripts/door.lua: entity:1 scripts/door.lua",
			"script:scripts/health.lua: entity:1 scripts/health.lua, entity:2 scripts/health.lua",
			"script:scripts/rules.lua: static scripts/rules.lua",
		}},
}

func TestPolicyGroupingFromScene(t *testing.T) {
	for _, tc := range groupings {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixture(t, "scene")
			setPolicy(t, dir, tc.policy)
			s := open(t, dir)
			run(t, s)
			if got := grouping(s); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("contexts:\n got %q\nwant %q", got, tc.want)
			}
			for name, st := range states(s) {
				if st != engine.StateActive {
					t.Errorf("%s is %s, want active", name, st)
				}
			}
		})
	}
}

func TestPolicyCommandRegroupsLive(t *testing.T) {
	for _, tc := range groupings {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, fixture(t, "scene"))
			run(t, s)
			mustDo(t, s, tc.cmd)
			if got := grouping(s); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("contexts after %q:\n got %q\nwant %q", tc.cmd, got, tc.want)
			}
			// every attachment's file ran in its new context
			for _, c := range s.Contexts() {
				if c.Files < len(c.Residents) {
					t.Errorf("%s ran %d files for %d residents", c.Name, c.Files, len(c.Residents))
				}
			}
		})
	}
}

func TestPolicyChangesSayWhatWasCreatedMergedSplitRemoved(t *testing.T) {
	steps := []struct {
		name string
		cmd  string
		want engine.ContextChanges
	}{
		{"pairs merge into per-entity contexts", "policy per_entity", engine.ContextChanges{
			Created: []string{"entity:2"},
			Merged:  []string{"entity:1"},
			Removed: []string{"entity:1/script:scripts/door.lua", "entity:1/script:scripts/health.lua", "entity:2/script:scripts/health.lua"},
		}},
		{"entities split into scripts and merge again", "policy per_script", engine.ContextChanges{
			Merged:  []string{"script:scripts/health.lua"},
			Split:   []string{"script:scripts/door.lua"},
			Removed: []string{"entity:1", "entity:2"},
		}},
		{"everything merges into shared", "policy shared", engine.ContextChanges{
			Merged:  []string{"shared"},
			Removed: []string{"script:scripts/door.lua", "script:scripts/health.lua", "script:scripts/rules.lua"},
		}},
		{"shared splits into entities and a smaller shared", `policy ["entity", "shared"]`, engine.ContextChanges{
			Split: []string{"entity:1", "entity:2", "shared"},
		}},
		{"the same policy again changes nothing", `policy ["entity", "shared"]`, engine.ContextChanges{}},
	}
	s := open(t, fixture(t, "scene"))
	run(t, s)
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := mustDo(t, s, st.cmd)
			if r.Changes == nil {
				t.Fatalf("no changes reported")
			}
			if !reflect.DeepEqual(*r.Changes, st.want) {
				t.Fatalf("changes:\n got %+v\nwant %+v", *r.Changes, st.want)
			}
		})
	}
}

func TestPolicyCommandErrors(t *testing.T) {
	cases := []struct {
		name, cmd, want string
	}{
		{"unknown policy name", "policy per_planet", `unknown policy "per_planet"`},
		{"unknown rule", `policy ["entity", "bogus"]`, `unknown rule "bogus"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, fixture(t, "scene"))
			run(t, s)
			before := grouping(s)
			r := do(t, s, tc.cmd)
			if r.OK || !strings.Contains(r.Error, tc.want) {
				t.Fatalf("got ok=%v error %q, want an error containing %q", r.OK, r.Error, tc.want)
			}
			if after := grouping(s); !reflect.DeepEqual(before, after) {
				t.Fatalf("a refused policy changed the contexts: %q -> %q", before, after)
			}
		})
	}
}

// ---- lifecycle ----

func TestLifecycleTransitions(t *testing.T) {
	type step struct {
		line       string
		wantStates []string          // context events, in order
		wantLive   map[string]string // context -> state afterwards ("" = gone)
	}
	cases := []struct {
		name   string
		policy string
		steps  []step
	}{
		{"a new pair creates a context: loading then active", `"per_entity_and_script"`, []step{
			{"attach 3 scripts/door.lua", []string{"entity:3/script:scripts/door.lua loading", "entity:3/script:scripts/door.lua active"},
				map[string]string{"entity:3/script:scripts/door.lua": "active"}},
			{"detach 3 scripts/door.lua", []string{"entity:3/script:scripts/door.lua unloading", "entity:3/script:scripts/door.lua unloaded"},
				map[string]string{"entity:3/script:scripts/door.lua": ""}},
		}},
		{"a resident joining a shared context reloads it; one leaving unloads it back to active", `"per_script"`, []step{
			{"attach 3 scripts/health.lua", []string{"script:scripts/health.lua reloading", "script:scripts/health.lua active"}, map[string]string{"script:scripts/health.lua": "active"}},
			{"detach 1 scripts/health.lua", []string{"script:scripts/health.lua unloading", "script:scripts/health.lua active"}, map[string]string{"script:scripts/health.lua": "active"}},
			{"detach 2 scripts/health.lua", []string{"script:scripts/health.lua unloading", "script:scripts/health.lua active"}, map[string]string{"script:scripts/health.lua": "active"}},
			{"detach 3 scripts/health.lua", []string{"script:scripts/health.lua unloading", "script:scripts/health.lua unloaded"},
				map[string]string{"script:scripts/health.lua": ""}},
		}},
		{"editing a script reloads every context holding it", `"per_entity_and_script"`, []step{
			{"reload scripts/health.lua", []string{
				"entity:1/script:scripts/health.lua reloading", "entity:1/script:scripts/health.lua active",
				"entity:2/script:scripts/health.lua reloading", "entity:2/script:scripts/health.lua active"},
				map[string]string{"entity:1/script:scripts/door.lua": "active"}},
			{"edit scripts/rules.lua", []string{"script:scripts/rules.lua reloading", "script:scripts/rules.lua active"}, nil},
		}},
		{"static scripts attach and detach with - or static", `"per_entity"`, []step{
			{"attach - scripts/door.lua", []string{"script:scripts/door.lua loading", "script:scripts/door.lua active"},
				map[string]string{"script:scripts/door.lua": "active"}},
			{"detach static scripts/door.lua", []string{"script:scripts/door.lua unloading", "script:scripts/door.lua unloaded"},
				map[string]string{"script:scripts/door.lua": ""}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixture(t, "scene")
			setPolicy(t, dir, tc.policy)
			s := open(t, dir)
			rec := record(s)
			run(t, s)
			rec.take()
			for _, st := range tc.steps {
				mustDo(t, s, st.line)
				got, _ := rec.take()
				if !reflect.DeepEqual(got, st.wantStates) {
					t.Errorf("%s: state events\n got %q\nwant %q", st.line, got, st.wantStates)
				}
				live := states(s)
				for name, want := range st.wantLive {
					if live[name] != want {
						t.Errorf("%s: %s is %q, want %q", st.line, name, live[name], want)
					}
				}
			}
		})
	}
}

func TestSceneLoadCreatesContextsLoadingThenActive(t *testing.T) {
	s := open(t, fixture(t, "scene"))
	rec := record(s)
	steps, _ := s.Steps()
	if want := []string{"Entity 1 (door)", "Entity 2 (guard)", scripts.StepStatic}; !reflect.DeepEqual(steps, want) {
		t.Fatalf("steps %q, want %q", steps, want)
	}
	run(t, s)
	got, msgs := rec.take()
	want := []string{
		"entity:1/script:scripts/door.lua loading", "entity:1/script:scripts/door.lua active",
		"entity:1/script:scripts/health.lua loading", "entity:1/script:scripts/health.lua active",
		"entity:2/script:scripts/health.lua loading", "entity:2/script:scripts/health.lua active",
		"script:scripts/rules.lua loading", "script:scripts/rules.lua active",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("state events\n got %q\nwant %q", got, want)
	}
	var loaded []string
	for _, m := range msgs {
		if m.Name == "on_script_loaded" {
			loaded = append(loaded, m.Target)
		}
	}
	if want := []string{"entity:1 scripts/door.lua", "entity:1 scripts/health.lua", "entity:2 scripts/health.lua"}; !reflect.DeepEqual(loaded, want) {
		t.Fatalf("on_script_loaded went to %q, want %q", loaded, want)
	}
	rep := s.Report()
	if rep.Model != engine.ModelScripts || rep.Files.OK != 4 || rep.Files.Failed != 0 || len(rep.Errors) != 0 {
		t.Fatalf("report: model %s files %+v errors %v", rep.Model, rep.Files, rep.Errors)
	}
	if len(rep.Steps) != 3 || rep.Steps[0].Name != "Entity 1 (door)" || len(rep.Steps[0].Files) != 2 {
		t.Fatalf("report steps: %+v", rep.Steps)
	}
}

func TestAttachToExistingContextReloadsIt(t *testing.T) {
	dir := fixture(t, "scene")
	setPolicy(t, dir, `"per_script"`)
	s := open(t, dir)
	run(t, s)
	if got := eval(t, s, "script:scripts/health.lua", "return health_loads, inits"); got != "2\t2" {
		t.Fatalf("before: health_loads, inits = %q, want 2, 2", got)
	}
	r := s.Do(engine.Command{Op: "attach", Args: []any{float64(3), "scripts/health.lua"}})
	if !r.OK {
		t.Fatal(r.Error)
	}
	if got := eval(t, s, "script:scripts/health.lua", "return health_loads, inits"); got != "3\t3" {
		t.Fatalf("after: health_loads, inits = %q, want 3, 3 (a join runs the initializers and the file)", got)
	}
}

func TestAttachDetachErrors(t *testing.T) {
	cases := []struct{ name, line, want string }{
		{"a missing script file", "attach 1 scripts/nope.lua", "no such file"},
		{"a pair not attached", "detach 2 scripts/door.lua", "not attached"},
		{"a bad entity", "attach door scripts/door.lua", "want a number"},
		{"a path out of the folder", "attach 1 ../x.lua", "leaves the game folder"},
	}
	s := open(t, fixture(t, "scene"))
	run(t, s)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, tc.line)
			if r.OK || !strings.Contains(r.Error, tc.want) {
				t.Fatalf("got ok=%v %q, want an error containing %q", r.OK, r.Error, tc.want)
			}
		})
	}
}

// ---- initializers ----

func TestInitializerOrder(t *testing.T) {
	cases := []struct {
		name    string
		policy  string
		context string
		then    string // a command before reading the trace ("" for none)
		want    string
	}{
		{"context initializer, pre-handling, file, pre-handling, on_script_loaded", `"per_entity_and_script"`, "entity:1/script:scripts/door.lua", "",
			"init 1 scripts/door.lua | pre 1 scripts/door.lua | file door | pre 1 scripts/door.lua | loaded door"},
		{"pre-handling runs before every callback", `"per_entity_and_script"`, "entity:1/script:scripts/door.lua", "callback on_update 0.5",
			"init 1 scripts/door.lua | pre 1 scripts/door.lua | file door | pre 1 scripts/door.lua | loaded door | pre 1 scripts/door.lua | update door"},
		{"pre-handling runs even for a callback the context lacks", `"per_entity_and_script"`, "script:scripts/rules.lua", "",
			"init nil scripts/rules.lua | pre nil scripts/rules.lua | file rules | pre nil scripts/rules.lua"},
		{"a join reloads: initializers receive the joining attachment", `"per_entity"`, "entity:1", "",
			"init 1 scripts/door.lua | pre 1 scripts/door.lua | file door | pre 1 scripts/door.lua | loaded door | " +
				"pre 1 scripts/health.lua | init 1 scripts/health.lua | pre 1 scripts/health.lua | file health | pre 1 scripts/health.lua | loaded health | pre 1 scripts/health.lua | reloaded health"},
		{"shared: every later attachment joins with a reload", `"shared"`, "shared", "",
			"init 1 scripts/door.lua | pre 1 scripts/door.lua | file door | pre 1 scripts/door.lua | loaded door | " +
				"pre 1 scripts/health.lua | init 1 scripts/health.lua | pre 1 scripts/health.lua | file health | pre 1 scripts/health.lua | loaded health | pre 1 scripts/health.lua | reloaded health | " +
				"pre 2 scripts/health.lua | unloaded health | init 2 scripts/health.lua | pre 2 scripts/health.lua | file health | pre 2 scripts/health.lua | loaded health | pre 2 scripts/health.lua | reloaded health | " +
				"pre nil scripts/rules.lua | unloaded health | init nil scripts/rules.lua | pre nil scripts/rules.lua | file rules | pre nil scripts/rules.lua | loaded health | pre nil scripts/rules.lua | reloaded health"},
		{"a reload runs unloaded, initializers, pre-handling, the file, loaded, reloaded", `"per_entity_and_script"`, "entity:2/script:scripts/health.lua", "reload scripts/health.lua",
			"init 2 scripts/health.lua | pre 2 scripts/health.lua | file health | pre 2 scripts/health.lua | loaded health | " +
				"pre 2 scripts/health.lua | unloaded health | init 2 scripts/health.lua | pre 2 scripts/health.lua | file health | pre 2 scripts/health.lua | loaded health | pre 2 scripts/health.lua | reloaded health"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixture(t, "scene")
			setPolicy(t, dir, tc.policy)
			s := open(t, dir)
			run(t, s)
			if tc.then != "" {
				mustDo(t, s, tc.then)
			}
			if got := eval(t, s, tc.context, trace); got != tc.want {
				t.Fatalf("trace:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestCallbackTargets(t *testing.T) {
	cases := []struct {
		name string
		line string
		want []string // targets that received it, in order
	}{
		{"no target reaches every attachment", "callback on_update 1", []string{"entity:1 scripts/door.lua", "entity:1 scripts/health.lua", "entity:2 scripts/health.lua", "static scripts/rules.lua"}},
		{"an entity", "callback entity:1 on_update 1", []string{"entity:1 scripts/door.lua", "entity:1 scripts/health.lua"}},
		{"a script", "callback script:scripts/health.lua on_update 1", []string{"entity:1 scripts/health.lua", "entity:2 scripts/health.lua"}},
		{"a context name", "callback entity:2/script:scripts/health.lua on_update 1", []string{"entity:2 scripts/health.lua"}},
		{"static scripts", "callback static on_update 1", []string{"static scripts/rules.lua"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, fixture(t, "scene"))
			rec := record(s)
			run(t, s)
			rec.take()
			mustDo(t, s, tc.line)
			_, msgs := rec.take()
			var got []string
			for _, m := range msgs {
				if m.Name != "on_update" {
					t.Errorf("unexpected message %s", m.Name)
				}
				got = append(got, m.Target)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("delivered to %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("an unknown target is an error", func(t *testing.T) {
		s := open(t, fixture(t, "scene"))
		run(t, s)
		if r := do(t, s, "callback entity:9 on_update"); r.OK || !strings.Contains(r.Error, "no attached script") {
			t.Fatalf("got %+v", r)
		}
	})
}

func TestFailingCallbackLeavesOthersRunning(t *testing.T) {
	s := open(t, fixture(t, "callbacks"))
	run(t, s)
	r := do(t, s, "callback on_update 0.1")
	if r.OK || !strings.Contains(r.Error, "boom in on_update") {
		t.Fatalf("callback: got ok=%v %q, want the failure reported", r.OK, r.Error)
	}
	if got := eval(t, s, "entity:1/script:scripts/ping.lua", "return updates"); got != "1" {
		t.Errorf("ping's on_update ran %s times, want 1", got)
	}
	if got := eval(t, s, "entity:3/script:scripts/count.lua", "return count"); got != "1" {
		t.Errorf("count's on_update (after the failing one) ran %s times, want 1", got)
	}
	rep := s.Report()
	var found bool
	for _, e := range rep.Errors {
		if e.Context == "entity:2/script:scripts/bad.lua" && e.File == "scripts/bad.lua" && e.Line == 2 {
			found = true
		}
	}
	if !found {
		t.Errorf("no error recorded at scripts/bad.lua:2 in its context: %+v", rep.Errors)
	}
	for name, st := range states(s) {
		if st != engine.StateActive {
			t.Errorf("%s is %s after a failing callback", name, st)
		}
	}
	// and the next callback still reaches everyone
	do(t, s, "callback on_update 0.1")
	if got := eval(t, s, "entity:3/script:scripts/count.lua", "return count"); got != "2" {
		t.Errorf("count = %s after a second callback, want 2", got)
	}
}

func TestRegisteredCallbacksWinAndSurviveReloads(t *testing.T) {
	dir := fixture(t, "callbacks")
	s := open(t, dir)
	run(t, s)
	ctx := "entity:1/script:scripts/ping.lua"
	if r := mustDo(t, s, "callback entity:1 on_ping"); !strings.Contains(r.Result, "registered v1") {
		t.Fatalf("on_ping answered %q, want the registered callback", r.Result)
	}
	// the file no longer registers anything, and its global says v2
	if err := os.WriteFile(filepath.Join(dir, "scripts/ping.lua"), []byte(`version = "v2"
function on_ping() return "global " .. version end
`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustDo(t, s, "edit scripts/ping.lua")
	if got := eval(t, s, ctx, "return version"); got != "v2" {
		t.Fatalf("the edited file did not run: version = %s", got)
	}
	if r := mustDo(t, s, "callback entity:1 on_ping"); !strings.Contains(r.Result, "registered v2") {
		t.Fatalf("after the reload on_ping answered %q, want the registered callback, unchanged", r.Result)
	}
	reg := s.Do(engine.Command{Op: "registries", Args: []any{ctx}})
	data := reg.Registries
	cbs := data.Model["callbacks"]
	if len(cbs) != 1 || cbs[0]["name"] != "on_ping" || cbs[0]["context"] != ctx || !strings.HasPrefix(cbs[0]["where"].(string), "scripts/ping.lua:3") {
		t.Fatalf("callbacks registry: %v", cbs)
	}
	if h := s.Report().Handlers["on_ping"]; h != 1 {
		t.Errorf("report handlers[on_ping] = %d, want 1", h)
	}
}

func TestStateHandOffAcrossReload(t *testing.T) {
	cases := []struct {
		name    string
		fixture string
		prepare []string
		reload  string
		context string
		check   string
		want    string
	}{
		{"a number returned by on_script_unloaded reaches on_script_reloaded", "callbacks",
			[]string{"callback entity:3 on_update", "callback entity:3 on_update", "callback entity:3 on_update"},
			"reload scripts/count.lua", "entity:3/script:scripts/count.lua", "return count", "3"},
		{"a table crosses as a ScriptValue: its functions stay callable", "scene",
			[]string{"eval entity:2/script:scripts/health.lua hp = 42"},
			"edit scripts/health.lua", "entity:2/script:scripts/health.lua", "return restored.hp, restored.note, type(restored.fn), hp", "42\tsaved\tfunction\t100"},
		{"plain reload reloads every context", "callbacks",
			[]string{"callback entity:3 on_update"},
			"reload", "entity:3/script:scripts/count.lua", "return count", "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, fixture(t, tc.fixture))
			run(t, s)
			for _, l := range tc.prepare {
				mustDo(t, s, l)
			}
			mustDo(t, s, tc.reload)
			if got := eval(t, s, tc.context, tc.check); got != tc.want {
				t.Fatalf("%s = %q, want %q", tc.check, got, tc.want)
			}
		})
	}
}

func TestEditPicksUpNewCodeOnlyWhereHeld(t *testing.T) {
	dir := fixture(t, "scene")
	setPolicy(t, dir, `"per_script"`)
	s := open(t, dir)
	run(t, s)
	if err := os.WriteFile(filepath.Join(dir, "scripts/door.lua"), []byte("table.insert(trace, \"file door v2\")\ndoor_version = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustDo(t, s, "edit scripts/door.lua")
	if got := eval(t, s, "script:scripts/door.lua", "return door_version"); got != "2" {
		t.Fatalf("door_version = %s, want 2", got)
	}
	if got := eval(t, s, "script:scripts/health.lua", "return inits"); got != "2" { // its load and one join
		t.Fatalf("health's context was reinitialized (%s inits) by an edit of door.lua", got)
	}
	m := s.Do(engine.Command{Op: "edit", Args: []any{"scripts/unused.lua"}})
	if !m.OK {
		t.Fatalf("edit of an unattached file: %s", m.Error)
	}
	if r := do(t, s, "reload scripts/unused.lua"); r.OK {
		t.Fatalf("reload of a file no context holds should fail")
	}
}

// ---- registries, watch paths ----

func TestRegistriesAndWatchPaths(t *testing.T) {
	dir := fixture(t, "scene")
	setPolicy(t, dir, `"per_entity"`)
	s := open(t, dir)
	run(t, s)
	r := s.Do(engine.Command{Op: "registries", Args: []any{"entity:1"}})
	if !r.OK {
		t.Fatal(r.Error)
	}
	atts := r.Registries.Model["attachments"]
	var got []string
	for _, row := range atts {
		got = append(got, strings.Join([]string{engine.FormatArg(row["entity"]), row["script"].(string), row["context"].(string)}, " "))
	}
	want := []string{"1 scripts/door.lua entity:1", "1 scripts/health.lua entity:1", "2 scripts/health.lua entity:2", "null scripts/rules.lua script:scripts/rules.lua"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("attachments\n got %q\nwant %q", got, want)
	}
	if m := s.Do(engine.Command{Op: "registries", Args: []any{"entity:1"}}); len(m.Registries.Model["policy"]) != 1 {
		t.Fatalf("no policy row")
	}
}

func TestWatchPathsListSceneAndAttachedScripts(t *testing.T) {
	dir := fixture(t, "scene")
	g, err := engine.OpenGame(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	m, err := scripts.New(&engine.Host{Game: g})
	if err != nil {
		t.Fatal(err)
	}
	got := m.(*scripts.Model).WatchPaths()
	want := []string{"scripts/door.lua", "scripts/health.lua", "scripts/rules.lua"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("WatchPaths = %q, want %q", got, want)
	}
}

// ---- malformed scenes ----

func TestMalformedSceneErrors(t *testing.T) {
	cases := []struct {
		name  string
		scene string
		want  string
	}{
		{"a TOML syntax error names the line",
			"policy = \"shared\"\nstatic = [\"scripts/rules.lua\"\n", "scene.toml:2: "},
		{"an unknown rule names the policy line",
			"# rules\npolicy = [\"entity\", \"bogus\"]\n", `scene.toml:2: policy: unknown rule "bogus"`},
		{"an unknown policy name",
			"policy = \"per_planet\"\n", `scene.toml:1: policy: unknown policy "per_planet"`},
		{"a single rule given as a name",
			"policy = \"entity\"\n", `a single rule is written as a list`},
		{"a duplicate entity id names the second id line",
			"[[entity]]\nid = 1\nscripts = [\"scripts/door.lua\"]\n\n[[entity]]\nid = 1\nname = \"twin\"\n", `scene.toml:6: entity 2 (twin): id 1 is already used by entity 1`},
		{"a missing script file names its line",
			"[[entity]]\nid = 1\nscripts = [\n  \"scripts/door.lua\",\n  \"scripts/nope.lua\",\n]\n", `scene.toml:5: entity 1: script scripts/nope.lua: no such file`},
		{"a missing static script file",
			"policy = \"shared\"\nstatic = [\"scripts/gone.lua\"]\n", `scene.toml:2: static: script scripts/gone.lua: no such file`},
		{"an id of the wrong type",
			"[[entity]]\nname = \"x\"\nid = \"one\"\n", `scene.toml:3: entity.id: incompatible types`},
		{"an entity without id",
			"[[entity]]\nname = \"nobody\"\nscripts = []\n", `scene.toml:1: entity 1 (nobody) has no id`},
		{"a script path leaving the folder",
			"static = [\"../outside.lua\"]\n", `scene.toml:1: static: ../outside.lua: path leaves the game folder`},
		{"a script listed twice for one entity",
			"[[entity]]\nid = 4\nscripts = [\"scripts/door.lua\", \"scripts/door.lua\"]\n", `entity 4: script scripts/door.lua is listed twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixture(t, "scene")
			if err := os.WriteFile(filepath.Join(dir, "scene.toml"), []byte(tc.scene), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := engine.Open(dir, engine.Options{})
			if err == nil {
				s.Close()
				t.Fatalf("opened a malformed scene; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestEmptySceneOpensWithOneStep(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "scene.toml"), []byte("# nothing yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	run(t, s)
	if len(s.Contexts()) != 0 {
		t.Fatalf("contexts: %v", grouping(s))
	}
}

func TestEventScriptRunsThroughTheSession(t *testing.T) {
	s := open(t, fixture(t, "scene"))
	run(t, s)
	res := s.RunScript(engine.ParseScript(`
policy shared
eval shared return #trace > 0
callback on_update 2
eval shared return door_dt
detach 1 scripts/door.lua
nonsense here
`))
	if len(res) != 6 {
		t.Fatalf("results: %+v", res)
	}
	if !res[0].OK || !strings.Contains(res[0].Result, "shared ← ") {
		t.Errorf("policy line: %+v", res[0])
	}
	if res[3].Result != "2" {
		t.Errorf("door_dt = %q, want 2", res[3].Result)
	}
	if !res[4].OK || res[5].OK {
		t.Errorf("detach %+v, nonsense %+v", res[4], res[5])
	}
	if rep := s.Report(); len(rep.Events) != 6 || len(rep.Contexts) != 1 || len(rep.Contexts[0].Residents) != 3 {
		t.Fatalf("report events %d contexts %+v", len(rep.Events), rep.Contexts)
	}
}

func TestRunawayCallbackIsStoppedByTheWatchdog(t *testing.T) {
	dir := fixture(t, "callbacks")
	if err := os.WriteFile(filepath.Join(dir, "scripts/bad.lua"), []byte("function on_update(dt)\n  while true do end\nend\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := engine.Open(dir, engine.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run(t, s)
	r := do(t, s, "callback on_update 1")
	if r.OK || !strings.Contains(r.Error, "infinite loop") {
		t.Fatalf("got %+v, want the watchdog's error", r)
	}
	if got := eval(t, s, "entity:3/script:scripts/count.lua", "return count"); got != "1" {
		t.Fatalf("count = %s: the context after the runaway one did not run", got)
	}
}
