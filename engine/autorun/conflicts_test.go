package autorun_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

// conflictsOf loads dir in process and returns its conflict report with
// every assigned name.
func conflictsOf(t *testing.T, dir string) engine.ConflictReport {
	t.Helper()
	// What is tested is the recording, not speed: the bounded-recording
	// fixture assigns 250,000 fields, slow under -race on a busy machine.
	s, err := engine.Open(dir, engine.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Do(engine.Command{Op: "run"})
	r := s.Do(engine.Command{Op: "conflicts", Args: []any{"", "all"}})
	if !r.OK {
		t.Fatalf("conflicts: %s", r.Error)
	}
	if r.Conflicts == nil {
		t.Fatalf("conflicts answered %+v", r)
	}
	return *r.Conflicts
}

// chainText is a chain as "who action, who action, ...", kept links
// marked with a *.
func chainText(c engine.Conflict) string {
	var parts []string
	for _, l := range c.Chain {
		who := l.Mod
		if who == "" {
			who = "game"
		}
		s := who + " " + l.Action
		if l.Kept {
			s += "*"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// TestConflictsFixture checks each conflict of the fixture
// testdata/conflicts/autorun (its README says what each mod does).
func TestConflictsFixture(t *testing.T) {
	rep := conflictsOf(t, filepath.Join("..", "testdata", "conflicts", "autorun"))
	byName := map[string]engine.Conflict{}
	for _, c := range rep.Conflicts {
		byName[c.Name] = c
	}
	tests := []struct {
		name, conflict, chain, winner, lost string
		severity                            int
	}{
		{name: "two mods replace a game function, a third wraps", conflict: "GetCapacity",
			chain:  "game origin, CapacityPlus replace, CapacityMax replace*, CapacityWrap wrap*",
			winner: "CapacityWrap", lost: "CapacityPlus", severity: engine.SevDiscards},
		{name: "a mod replaces a class method another wraps", conflict: "Dome.GetCapacity",
			chain:  "game origin, DomeWrapper wrap, DomeTweaks replace*",
			winner: "DomeTweaks", lost: "DomeWrapper", severity: engine.SevDiscardsWrap},
		{name: "a mod overwrites a game constant the game assigns again", conflict: "const.DomeRadius",
			chain:  "game origin, DomeTweaks replace, game replace*",
			winner: "game", lost: "DomeTweaks", severity: engine.SevDiscards},
		{name: "a mod clears another's handlers", conflict: "OnMsg.NewDay",
			chain:  "CapacityPlus handler, MsgClearer clear",
			winner: "MsgClearer", lost: "CapacityPlus", severity: engine.SevDiscards},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := byName[tc.conflict]
			if !ok {
				t.Fatalf("no conflict on %s; conflicts: %v", tc.conflict, byName)
			}
			if got := chainText(c); got != tc.chain {
				t.Errorf("chain %q, want %q", got, tc.chain)
			}
			if c.Winner != tc.winner || strings.Join(c.Lost, ",") != tc.lost || c.Severity != tc.severity {
				t.Errorf("winner %s lost %v severity %d, want %s %s %d", c.Winner, c.Lost, c.Severity, tc.winner, tc.lost, tc.severity)
			}
			for _, l := range c.Chain {
				if l.Mod != "" && (l.Line == 0 || !strings.HasPrefix(l.File, "Mods/")) {
					t.Errorf("link %v has no file:line in its mod", l)
				}
			}
		})
	}
	notConflicts := []string{"OnMsg.ClassesBuilt", "GetMorale", "DomeTweaksLoaded"}
	for _, name := range notConflicts {
		if _, ok := byName[name]; ok {
			t.Errorf("%s is reported as a conflict (handlers add up; one mod alone is none)", name)
		}
	}
	if len(rep.Conflicts) != len(tests) {
		t.Errorf("%d conflicts, want %d", len(rep.Conflicts), len(tests))
	}
	for i := 1; i < len(rep.Conflicts); i++ {
		if rep.Conflicts[i].Severity > rep.Conflicts[i-1].Severity {
			t.Errorf("conflicts are not worst first: %s before %s", rep.Conflicts[i-1].Name, rep.Conflicts[i].Name)
		}
	}
	if len(rep.Mods) != 6 || rep.Mods[0].ID != "CapacityPlus" || rep.Mods[0].Lost != 2 {
		t.Errorf("mods: %+v", rep.Mods)
	}
}

// writeTree writes files (path -> content) under a new temporary folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const conflictGame = `function F() return 1 end
DefineClass.Dome = { __parents = {}, capacity = 10 }
function Dome:GetCapacity() return self.capacity end
const.DomeRadius = 8
`

const conflictMeta = `return PlaceObj("ModDef", { "id", "M", "title", "M", "code", { "Code/Script.lua" } })`

// TestWrapOrReplace checks how one mod's assignment is classified, from
// the bytecode of the new value and what its closure holds.
func TestWrapOrReplace(t *testing.T) {
	tests := []struct {
		name, code, target, action string
	}{
		{name: "upvalue called directly", code: "local o = F\nfunction F(...) return o(...) end", target: "F", action: engine.ActWrap},
		{name: "upvalue passed to pcall", code: "local o = F\nF = function() local ok, v = pcall(o) return v end", target: "F", action: engine.ActWrap},
		{name: "old value in a table upvalue", code: "local t = { F = F }\nF = function() return t.F() + 1 end", target: "F", action: engine.ActWrap},
		{name: "old value in a table upvalue under a computed key", code: "local orig, key = {}, 'F' .. 1\norig[key] = F\nF = function(...) return orig[key](...) end", target: "F", action: engine.ActWrap},
		{name: "old value in a global", code: "Orig_F = F\nfunction F() return Orig_F() end", target: "F", action: engine.ActWrap},
		{name: "called from an inner closure", code: "local o = F\nfunction F() local g = function() return o() end return g() end", target: "F", action: engine.ActWrap},
		{name: "kept but never called", code: "local o = F\nfunction F() return o end", target: "F", action: engine.ActReplace},
		{name: "another function called", code: "local o = print\nfunction F() return o() end", target: "F", action: engine.ActReplace},
		{name: "plain replacement", code: "function F() return 2 end", target: "F", action: engine.ActReplace},
		{name: "cleared", code: "F = nil", target: "F", action: engine.ActClear},
		{name: "new global", code: "NewThing = 1", target: "NewThing", action: engine.ActDefine},
		{name: "class method wrapped", code: "local o = Dome.GetCapacity\nfunction Dome:GetCapacity() return o(self) * 2 end", target: "Dome.GetCapacity", action: engine.ActWrap},
		{name: "class method replaced through g_Classes", code: "function OnMsg.ClassesBuilt() g_Classes.Dome.GetCapacity = function() return 3 end end", target: "Dome.GetCapacity", action: engine.ActReplace},
		{name: "game constant overwritten", code: "const.DomeRadius = 3", target: "const.DomeRadius", action: engine.ActReplace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"modscope.toml":          "model = \"autorun\"\n",
				"Lua/Game.lua":           conflictGame,
				"Mods/M/metadata.lua":    conflictMeta,
				"Mods/M/Code/Script.lua": tc.code + "\n",
			})
			rep := conflictsOf(t, dir)
			for _, a := range rep.Assigned {
				if a.Name != tc.target {
					continue
				}
				last := a.Chain[len(a.Chain)-1]
				if last.Mod != "M" || last.Action != tc.action {
					t.Errorf("%s: last link %v, want M %s (chain %s)", tc.target, last, tc.action, chainText(a))
				}
				if last.File != "Mods/M/Code/Script.lua" || last.Line < 1 {
					t.Errorf("link at %s:%d", last.File, last.Line)
				}
				return
			}
			t.Fatalf("%s was not recorded; assigned: %+v", tc.target, rep.Assigned)
		})
	}
}

// TestSameValueIsNoAssignment: `X = X or {}` and `F = F` change nothing.
func TestSameValueIsNoAssignment(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"modscope.toml":          "model = \"autorun\"\n",
		"Lua/Game.lua":           conflictGame + "Shared = {}\n",
		"Mods/M/metadata.lua":    conflictMeta,
		"Mods/M/Code/Script.lua": "F = F\nShared = Shared or {}\n",
	})
	rep := conflictsOf(t, dir)
	if len(rep.Assigned) != 0 || rep.Assignments != 0 {
		t.Errorf("assigned %+v", rep.Assigned)
	}
}

// TestModOrderDecidesTheWinner: the same two mods in the other order of
// modscope.toml's enabled-mods list swap winner and loser (the folders'
// order does not count: the engine loads in the list's order).
func TestModOrderDecidesTheWinner(t *testing.T) {
	for _, order := range [][2]string{{"A", "B"}, {"B", "A"}} {
		toml := fmt.Sprintf("model = \"autorun\"\n[autorun]\nmods = [%q, %q]\n", order[0], order[1])
		files := map[string]string{"modscope.toml": toml, "Lua/Game.lua": conflictGame}
		for i, id := range order {
			folder := "Mods/" + string(rune('2'-i)) + id // folders in the other order
			files[folder+"/metadata.lua"] = strings.ReplaceAll(conflictMeta, `"M"`, `"`+id+`"`)
			files[folder+"/Code/Script.lua"] = "function F() return '" + id + "' end\n"
		}
		rep := conflictsOf(t, writeTree(t, files))
		if len(rep.Conflicts) != 1 || rep.Conflicts[0].Winner != order[1] || strings.Join(rep.Conflicts[0].Lost, ",") != order[0] {
			t.Errorf("order %v: %+v", order, rep.Conflicts)
		}
	}
}

// TestConflictsAfterReload: a reload (ReloadLua) records the load afresh:
// the same chains, not twice the links. ReloadLua sends no ModsReloaded,
// so the game does not assign const.DomeRadius again: that conflict goes.
func TestConflictsAfterReload(t *testing.T) {
	s, err := engine.Open(filepath.Join("..", "testdata", "conflicts", "autorun"), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Do(engine.Command{Op: "run"})
	chains := func() map[string]string {
		rep := s.Do(engine.Command{Op: "conflicts"}).Conflicts
		if rep == nil {
			t.Fatal("no conflict report")
		}
		out := map[string]string{}
		for _, c := range rep.Conflicts {
			out[c.Name] = chainText(c)
		}
		return out
	}
	before := chains()
	if r := s.Do(engine.Command{Op: "reload"}); !r.OK {
		t.Fatalf("reload: %s", r.Error)
	}
	s.Do(engine.Command{Op: "run"})
	after := chains()
	if _, ok := after["const.DomeRadius"]; ok || len(after) != len(before)-1 {
		t.Errorf("after reload: %v; before: %v", after, before)
	}
	for name, chain := range after {
		if chain != before[name] {
			t.Errorf("%s after reload: %s, before: %s", name, chain, before[name])
		}
	}
}

// TestConflictsRecordingIsBounded: a mod that assigns hundreds of
// thousands of fields of a game table stops the recording at its limit
// (the report says so) instead of growing without end.
func TestConflictsRecordingIsBounded(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"modscope.toml":          "model = \"autorun\"\n",
		"Lua/Game.lua":           conflictGame,
		"Mods/M/metadata.lua":    conflictMeta,
		"Mods/M/Code/Script.lua": "for i = 1, 250000 do const['k' .. i] = i end\nfor i = 1, 1000 do F = function() return i end end\n",
	})
	rep := conflictsOf(t, dir)
	if !rep.Truncated || rep.Assignments > 200000 || len(rep.Assigned) > 200000 {
		t.Errorf("truncated %v, %d links, %d names", rep.Truncated, rep.Assignments, len(rep.Assigned))
	}
}
