package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"modscope/engine"
)

// TestEventsPanelFollowsTheWindowSpec: the events panel shows what the
// open model's WindowSpec offers (as the driver reported it), never what
// its name suggests.
func TestEventsPanelFollowsTheWindowSpec(t *testing.T) {
	h := newHarness(t)
	u, v := h.u, h.u.events
	for _, tc := range []struct {
		name          string
		spec          engine.WindowSpec
		label         string
		target        bool
		players, atts bool
		targets       []string
	}{
		{"a message form hides the target", engine.WindowSpec{Send: engine.SendMsg, SendLabel: "Message — to all", NameHint: "msg"},
			"Message — to all", false, false, false, []string{"all"}},
		{"an event form offers its extra targets", engine.WindowSpec{Send: engine.SendEvent, SendLabel: "Event — here", Targets: []string{"hub"}, PlayerActions: true},
			"Event — here", true, true, false, []string{"all", "hub"}},
		{"attachments show their row", engine.WindowSpec{SendLabel: "Event", AttachmentActions: true},
			"Event", true, false, true, []string{"all"}},
		{"a model that says nothing gets a plain event form", engine.WindowSpec{},
			"Event — into one context, server or all", true, false, false, []string{"all"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u.ctl.Folder = engine.FolderInfo{Window: tc.spec, LuaFiles: []string{"a.lua", "b/c.lua"}}
			v.modelChanged()
			if v.sendLbl.Text != tc.label {
				t.Errorf("label %q, want %q", v.sendLbl.Text, tc.label)
			}
			if v.target.Visible() != tc.target || v.sectorsBox.Visible() != tc.players || v.scriptsBox.Visible() != tc.atts {
				t.Errorf("target %v players %v attachments %v, want %v %v %v",
					v.target.Visible(), v.sectorsBox.Visible(), v.scriptsBox.Visible(), tc.target, tc.players, tc.atts)
			}
			if !slices.Equal(v.target.Options, tc.targets) {
				t.Errorf("targets %v, want %v", v.target.Options, tc.targets)
			}
			if tc.atts && !slices.Equal(v.scriptChoices, []string{"a.lua", "b/c.lua"}) {
				t.Errorf("script choices %v: want the engine's Lua files", v.scriptChoices)
			}
		})
	}
	u.ctl.Folder = engine.FolderInfo{}
}

// TestFailedOpenShowsWhatTheEngineFound: a folder the engine cannot open
// comes back with what its detection found (the window runs no detection
// itself), and a folder that is not there offers no model to choose.
func TestFailedOpenShowsWhatTheEngineFound(t *testing.T) {
	both := t.TempDir()
	for _, f := range []string{"Lua/a.lua", "scene.toml"} {
		p := filepath.Join(both, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		dir     string
		want    []string // in the question
		choices int
	}{
		{"a folder matching two models names both", both,
			[]string{"more than one model", "autorun: Lua/; scripts: scene.toml", "which model"}, len(engine.ModelNames) + 1},
		{"a folder that is not there offers no choice", filepath.Join(both, "missing"),
			[]string{"open folder"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			var choices []string
			h.answer = func(title string, c []string) int { choices = c; return len(c) - 1 }
			h.u.OpenFolder(tc.dir, engine.Options{})
			h.waitFor("the open to fail", func() bool { return h.u.ctl.Busy == 0 && h.u.ctl.OpenErr != "" })
			h.waitFor("the question", func() bool { return len(h.asked) > 0 })
			for _, w := range tc.want {
				if !strings.Contains(h.asked[0], w) {
					t.Errorf("asked %q, want %q in it", h.asked[0], w)
				}
			}
			if len(choices) != tc.choices {
				t.Errorf("choices %q, want %d", choices, tc.choices)
			}
			// what detection found is said once (the engine's message
			// already names it), and the models it matched come first
			if strings.Count(h.asked[0], "scene.toml") > 1 {
				t.Errorf("asked %q: what was found is said twice", h.asked[0])
			}
			if tc.choices > 2 && (choices[0] != engine.ModelAutorun || choices[1] != engine.ModelScripts) {
				t.Errorf("choices %q: want the matched autorun and scripts first", choices)
			}
		})
	}
}
