package sectors_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modscope/engine"
)

// TestConflictsOfSectorMods: several mods' server.lua and sector.lua in
// one context (fixture ../testdata/conflicts/sectors, base is the game).
func TestConflictsOfSectorMods(t *testing.T) {
	s := open(t, filepath.Join("..", "testdata", "conflicts", "sectors"), engine.Options{})
	mustDo(t, s, "join p1 alpha") // loads sector:alpha (tweaks wraps greet there)
	r := s.Do(engine.Command{Op: "conflicts", Args: []any{"", "all"}})
	rep := r.Conflicts
	if !r.OK || rep == nil {
		t.Fatalf("conflicts: %+v", r)
	}
	got := map[string]string{}
	for _, c := range rep.Conflicts {
		got[c.Context+" "+c.Name] = c.Winner + " over " + strings.Join(c.Lost, ",")
	}
	want := map[string]string{
		"server price":              "tweaks over economy",
		"server config.max_players": "tweaks over economy",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("conflicts %v, want %v", got, want)
	}
	wrapped := false
	for _, a := range rep.Assigned {
		if a.Context == "sector:alpha" && a.Name == "greet" {
			last := a.Chain[len(a.Chain)-1]
			wrapped = last.Mod == "tweaks" && last.Action == engine.ActWrap && last.File == "tweaks/sector.lua"
		}
	}
	if !wrapped {
		t.Errorf("tweaks' greet in sector:alpha is not recorded as a wrap: %+v", rep.Assigned)
	}
}

// TestConflictsFollowTheModOrder: with [sectors] mods putting tweaks
// before economy, economy wins what tweaks lost before.
func TestConflictsFollowTheModOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sectors")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "testdata", "conflicts", "sectors"))); err != nil {
		t.Fatal(err)
	}
	toml := "model = \"sectors\"\n[sectors]\nmods = [\"base\", \"tweaks\", \"economy\"]\n"
	if err := os.WriteFile(filepath.Join(dir, engine.SettingsFile), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, engine.Options{})
	rep := s.Do(engine.Command{Op: "conflicts"}).Conflicts
	if rep == nil || len(rep.Conflicts) != 2 {
		t.Fatalf("conflicts: %+v", rep)
	}
	for _, c := range rep.Conflicts {
		if c.Winner != "economy" || strings.Join(c.Lost, ",") != "tweaks" {
			t.Errorf("%s: winner %s lost %v, want economy over tweaks", c.Name, c.Winner, c.Lost)
		}
	}
}
