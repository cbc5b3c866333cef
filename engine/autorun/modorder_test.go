package autorun_test

import (
	"fmt"
	"testing"

	"modscope/engine"
)

// TestModLoadOrder: mods load in the engine's queue order (Mod.lua's
// GetModsToLoad and EnqueueMod): the enabled-mods list's order, or the
// ids sorted when every mod loads; a mod's dependencies go in depth-first
// just before it; the folders' names never count.
func TestModLoadOrder(t *testing.T) {
	tests := []struct {
		name string
		list string // modscope.toml [autorun] mods, "" for none
		want string
	}{
		{"no list: ids sorted, dependencies first", "", "C A B D"},
		{"list order, dependency enqueued before its user", `["A", "B", "C", "D"]`, "C A B D"},
		{"list order kept among independent mods", `["D", "B", "C", "A"]`, "D B C A"},
		{"a dependency listed later still loads first", `["B", "A", "D", "C"]`, "B C A D"},
	}
	// A depends on C; the folders sort the other way round from the ids.
	mods := map[string]string{"A": `"C"`, "B": "", "C": "", "D": ""}
	folders := map[string]string{"A": "4", "B": "3", "C": "2", "D": "1"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"Lua/Game.lua": "Order = Order or {}\n"}
			toml := "model = \"autorun\"\n"
			if tc.list != "" {
				toml += "[autorun]\nmods = " + tc.list + "\n"
			}
			files["modscope.toml"] = toml
			for id, dep := range mods {
				folder := "Mods/" + folders[id] + " mod " + id
				deps := ""
				if dep != "" {
					deps = fmt.Sprintf(`, "dependencies", { PlaceObj("ModDependency", { "id", %s }) }`, dep)
				}
				files[folder+"/metadata.lua"] = fmt.Sprintf(`return PlaceObj("ModDef", { "id", %q, "title", %q, "code", { "Code/Script.lua" }%s })`, id, id, deps)
				files[folder+"/Code/Script.lua"] = fmt.Sprintf("Order[#Order + 1] = %q\n", id)
			}
			s := open(t, writeTree(t, files), engine.Options{})
			do(t, s, "run")
			if got := eval(t, s, "return table.concat(Order, ' ')"); got != tc.want {
				t.Errorf("load order %q, want %q", got, tc.want)
			}
		})
	}
}
