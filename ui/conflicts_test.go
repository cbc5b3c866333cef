package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modscope/engine"
)

// TestConflictsView: the Conflicts tab is there; on the sectors conflict
// fixture it lists the conflicts by name and by mod, a link opens its
// file at its line, and "Mod order" opens modscope.toml (created with the
// current order in a copy of the fixture).
func TestConflictsView(t *testing.T) {
	h := newHarness(t)
	u := h.u
	found := false
	for _, it := range u.bottomTabs.Items {
		found = found || it.Text == "Conflicts"
	}
	if !found {
		t.Fatal("no Conflicts tab")
	}
	src, err := filepath.Abs(filepath.Join("..", "engine", "testdata", "conflicts", "sectors"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sectors")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	h.open(dir)
	h.runLine("run")
	v := newConflictsView(u)
	v.refresh()
	h.idle()
	if got := len(v.kids[""]); got != 2 || !strings.Contains(v.head.Text, "2 conflicts") {
		t.Fatalf("%d rows, head %q", got, v.head.Text)
	}
	first := v.kids[""][0]
	if !strings.Contains(v.text[first], "winner tweaks") || v.sev[first] != engine.SevDiscards {
		t.Errorf("first row %q (severity %d)", v.text[first], v.sev[first])
	}
	var link string
	for _, id := range v.kids[first] {
		if strings.HasPrefix(v.where[id], "economy/server.lua:") {
			link = id
		}
	}
	if link == "" {
		t.Fatalf("no link to economy/server.lua under %q: %v", v.text[first], v.kids[first])
	}
	v.tree.OnSelected(link)
	h.idle()
	if !strings.HasSuffix(u.editor.path, filepath.Join("economy", "server.lua")) {
		t.Errorf("the link opened %q", u.editor.path)
	}
	v.mode.SetSelected(conflictsByMod)
	if got := len(v.kids[""]); got != 2 || !strings.Contains(v.text[v.kids[""][0]], "economy") {
		t.Errorf("by mod: %d rows, first %q", got, v.text[v.kids[""][0]])
	}
	v.editOrder()
	h.idle()
	data, err := os.ReadFile(filepath.Join(dir, engine.SettingsFile))
	if err != nil || !strings.Contains(string(data), `mods = ["base", "economy", "tweaks"]`) || !strings.Contains(string(data), "[sectors]") {
		t.Errorf("modscope.toml: %v %q", err, data)
	}
	if !strings.HasSuffix(u.editor.path, engine.SettingsFile) {
		t.Errorf("Mod order opened %q", u.editor.path)
	}
}

// TestConflictsScreenshot writes a picture of the Conflicts tab (software
// renderer) for the docs; opt-in:
//
//	MODSCOPE_CONFLICTS_SHOT=/tmp/conflicts.png MODSCOPE_CONFLICTS_DIR=GAME go test ./ui -run ConflictsScreenshot
func TestConflictsScreenshot(t *testing.T) {
	out := os.Getenv("MODSCOPE_CONFLICTS_SHOT")
	if out == "" {
		t.Skip("set MODSCOPE_CONFLICTS_SHOT=FILE.png (and MODSCOPE_CONFLICTS_DIR) to take it")
	}
	dir := os.Getenv("MODSCOPE_CONFLICTS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "engine", "testdata", "conflicts", "sectors")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	u := h.u
	h.open(dir)
	h.runLine("run")
	for _, it := range u.bottomTabs.Items {
		if it.Text == "Conflicts" {
			u.bottomTabs.Select(it)
		}
	}
	h.idle()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, u.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
