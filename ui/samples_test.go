package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The window's tests open the samples from the source tree (assets/samples),
// never from a copy in the user's data directory.
func init() {
	userSample = func(name string) (string, error) { return findSample(name) }
}

// TestExportDefinitions: File › Export LuaLS Definitions… writes the
// definitions of the open folder, as `modscope annotate` does.
func TestExportDefinitions(t *testing.T) {
	h := newHarness(t)
	it := menuItem(t, h.u, "File", "Export LuaLS Definitions…")
	if it.Action == nil {
		t.Fatal("the menu item does nothing")
	}
	p, err := findSample("scripts")
	if err != nil {
		t.Fatal(err)
	}
	h.open(p)
	h.shortcut(scRunAll)
	h.waitFor("run all", func() bool { return h.u.ctl.Busy == 0 && h.u.ctl.Next == len(h.u.ctl.Steps) })
	h.idle()
	out := filepath.Join(t.TempDir(), "defs")
	h.u.writeDefinitions(out)
	h.waitFor("the definitions", func() bool { return strings.HasPrefix(h.u.ctl.Status, "Exported LuaLS definitions") })
	for _, name := range []string{"game.lua", "classes.lua", "engine.lua", "stubs.lua", ".luarc.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "game.lua"))
	if err != nil || !strings.Contains(string(data), "function on_update(") {
		t.Errorf("game.lua lacks on_update (%v):\n%s", err, data)
	}
}
