package engine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"modscope/engine"
	_ "modscope/engine/models"
)

// TestStepDocsCoverTheSteps: every step name a registered model uses —
// when it opens a folder, after the whole load, after a reload — finds a
// description in that model's own WindowSpec.StepDocs (the window's
// generic line is for a model that says nothing), and every registered
// model is among the folders tried.
func TestStepDocsCoverTheSteps(t *testing.T) {
	emptyScene := t.TempDir()
	if err := os.WriteFile(filepath.Join(emptyScene, "scene.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dir string
		lines     []string // run after opening, the steps read after each
	}{
		{"autorun sample: its load and a reload", "../assets/samples/autorun", []string{"run", "reload"}},
		{"autorun shipped loader: its load and a reload", "autorun/testdata/shipped", []string{"run", "reload"}},
		{"autorun shipped loader with threads", "autorun/testdata/shipped-threads", []string{"run"}},
		{"sectors sample: its load, then a reload with a player", "../assets/samples/sectors", []string{"run", "join p1", "reload"}},
		{"scripts sample", "../assets/samples/scripts", []string{"run"}},
		{"scripts scene that attaches nothing", emptyScene, []string{"run"}},
	}
	tried := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := engine.Open(tc.dir, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			w := s.Folder().Window
			tried[s.Game().Model] = true
			check := func(after string) {
				steps, _ := s.Steps()
				if len(steps) == 0 {
					t.Errorf("after %s: no steps", after)
				}
				for _, st := range steps {
					if d := w.StepDoc(st); len(d) < 30 {
						t.Errorf("model %s, after %s: step %q has no description (%q)", s.Game().Model, after, st, d)
					}
				}
			}
			check("opening")
			for _, line := range tc.lines {
				cmd, err := engine.ParseCommand(line)
				if err != nil {
					t.Fatal(err)
				}
				if r := s.Do(cmd); !r.OK && r.Error == "" {
					t.Fatalf("%s failed without a reason", line)
				}
				check(line)
			}
		})
	}
	for _, m := range engine.RegisteredModels() {
		if !tried[m] {
			t.Errorf("model %s: no folder of this test opens it", m)
		}
	}
}

// TestWindowSpecDataSurvivesJSON: each model's WindowSpec reads the same
// after the JSON trip a child process's answer takes (the step docs and
// row templates are data, not functions), its step-doc expressions
// compile and its row templates run on rows with no columns.
func TestWindowSpecDataSurvivesJSON(t *testing.T) {
	for _, m := range engine.RegisteredModels() {
		w, _ := engine.ModelWindow(m)
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatalf("model %s: %v", m, err)
		}
		var back engine.WindowSpec
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("model %s: %v", m, err)
		}
		if !reflect.DeepEqual(back, w) {
			t.Errorf("model %s: the WindowSpec changed through JSON:\n%+v\n%+v", m, back, w)
		}
		if len(w.StepDocs) == 0 {
			t.Errorf("model %s describes no step", m)
		}
		for _, d := range w.StepDocs {
			if d.Text == "" || (d.Step == "") == (d.Match == "") {
				t.Errorf("model %s: step doc %+v needs a text and exactly one of Step and Match", m, d)
			}
			if d.Match != "" {
				if _, err := regexp.Compile(`^(?s:` + d.Match + `)$`); err != nil {
					t.Errorf("model %s: step doc match %q: %v", m, d.Match, err)
				}
			}
		}
		empty := map[string]any{}
		for _, sp := range w.Rows {
			for _, tmpl := range []string{sp.Title, sp.Line, sp.Group, sp.Detail} {
				if tmpl == "" {
					continue
				}
				if _, err := engine.RowText(tmpl, empty); err != nil {
					t.Errorf("model %s, rows %s: %v", m, sp.Kind, err)
				}
			}
		}
		if w.Note.Line != "" {
			if _, err := engine.RowText(w.Note.Line, empty); err != nil {
				t.Errorf("model %s, note: %v", m, err)
			}
		}
	}
}

// TestStepDocLookup: an exact name wins over a shape, shapes are tried in
// order and match the whole name, As reuses an exact entry, a bad
// expression is skipped, and a name nothing fits gets "".
func TestStepDocLookup(t *testing.T) {
	w := engine.WindowSpec{StepDocs: []engine.StepDoc{
		{Match: `(`, Text: "never: the expression does not compile"},
		{Match: `Msg\("(.*)"\)`, As: "${1}", Text: "message ${1}"},
		{Match: `load .*`, Text: "loads ${0}"},
		{Match: `load`, Text: "never: only the whole name matches"},
		{Step: "Autorun", Text: "the Autorun step"},
		{Step: "load x", Text: "the exact load x"},
	}}
	for _, tc := range []struct{ name, step, want string }{
		{"exact name", "Autorun", "the Autorun step"},
		{"exact before a shape that fits too", "load x", "the exact load x"},
		{"shape with the name expanded", "load y", "loads load y"},
		{"as an exact entry", `Msg("Autorun")`, "the Autorun step"},
		{"as a name no entry has: the text", `Msg("Other")`, "message Other"},
		{"the whole name must match", "preload y", ""},
		{"nothing fits", "odd", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := w.StepDoc(tc.step); got != tc.want {
				t.Errorf("StepDoc(%q) = %q, want %q", tc.step, got, tc.want)
			}
		})
	}
}

// TestShippedAutorunEndDoc: the shipped loader's Msg("AutorunEnd") has its
// own text (it is sent on a first load too); the staged model's AutorunEnd
// step, a reload's only, must not lend it its text.
func TestShippedAutorunEndDoc(t *testing.T) {
	auto, ok := engine.ModelWindow(engine.ModelAutorun)
	if !ok {
		t.Fatal("the autorun model is not registered")
	}
	if got := auto.StepDoc(`Msg("AutorunEnd")`); !strings.Contains(got, "first load") {
		t.Errorf(`StepDoc(Msg("AutorunEnd")) = %q: want the first-load text`, got)
	}
}

// TestRowText: row templates read Go values and JSON's alike, a missing
// column reads as empty, and a bad template is an error naming it.
func TestRowText(t *testing.T) {
	const line = "{{str .name}}: {{count .list}} item{{plural (count .list)}}, {{int .n}}{{with str .missing}} never{{end}} · {{first (str .err)}} · {{upto (str .why) \". Then\"}}"
	goRow := map[string]any{"name": "a", "list": []string{"x"}, "n": 3, "err": "bad\nstack", "why": "stuck. Then more"}
	jsonRow := map[string]any{"name": "a", "list": []any{"x"}, "n": float64(3), "err": "bad\nstack", "why": "stuck. Then more"}
	for name, row := range map[string]map[string]any{"go values": goRow, "json values": jsonRow} {
		got, err := engine.RowText(line, row)
		if want := "a: 1 item, 3 · bad … · stuck"; err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := engine.RowText("{{str .a", nil); err == nil || !strings.Contains(err.Error(), "row template") {
		t.Errorf("a bad template: %v", err)
	}
}
