package autorun_test

import (
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

// TestModEnvHidesItsMetatable: LuaModEnv's safe_getmetatable returns
// nothing for the environment's metatable, so a mod cannot reach the raw
// globals table through it (a global made there would have no provenance
// and skip the conflicts and the new-globals lock); other tables'
// metatables are returned as usual.
func TestModEnvHidesItsMetatable(t *testing.T) {
	script := `ModSawMeta = select("#", getmetatable(_G)) .. ":" .. tostring((getmetatable(_G)))
ModSneakFailed = not pcall(function() getmetatable(_G).__index.Sneaky = 1 end)
ModOtherMeta = getmetatable(setmetatable({}, { x = 7 })).x
ModStringMeta = type(getmetatable("s"))
`
	dir := writeTree(t, map[string]string{
		"modscope.toml":          "model = \"autorun\"\n[autorun]\nmods = [\"M\"]\n",
		"Lua/Game.lua":           conflictGame,
		"Mods/M/metadata.lua":    conflictMeta,
		"Mods/M/Code/Script.lua": script,
	})
	s, err := engine.Open(dir, engine.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Do(engine.Command{Op: "run"})
	r := s.Do(engine.Command{Op: "eval", Args: []any{"main"}, Code: `return ModSawMeta .. " " .. tostring(ModSneakFailed) .. " " .. tostring(rawget(_G, "Sneaky")) .. " " .. tostring(ModOtherMeta) .. " " .. ModStringMeta`})
	if !r.OK {
		t.Fatalf("eval: %s; errors %+v", r.Error, s.Report().Errors)
	}
	if want := "0:nil true nil 7 table"; strings.TrimSpace(r.Result) != want {
		t.Fatalf("got %q, want %q", r.Result, want)
	}
}
