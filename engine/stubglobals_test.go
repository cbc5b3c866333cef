package engine

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestForLoopOverNilStillFails: only a stand-in bound counts as an empty
// loop; nil and tables keep Lua's error, in stub mode and strict mode.
func TestForLoopOverNilStillFails(t *testing.T) {
	tests := []struct {
		name, mode, src, want string
	}{
		{"nil limit in stub mode", ModeStubs, "local x\nfor i = 1, x do end", "for statement limit must be a number"},
		{"table init in stub mode", ModeStubs, "for i = {}, 2 do end", "for statement init must be a number"},
		{"engine limit in strict mode", ModeStrict, "for i = 1, MaxThings do end", "for statement limit must be a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, fr, _ := runResult(t, tc.mode, tc.src)
			if fr.OK || !strings.Contains(fr.Error, tc.want) {
				t.Fatalf("run %+v, want an error with %q", fr, tc.want)
			}
		})
	}
}

// TestForLoopStandInIsRecorded: a stand-in bounding a loop counts as a read.
func TestForLoopStandInIsRecorded(t *testing.T) {
	_, fr, c := runResult(t, ModeStubs, "local m = MaxThings\nfor i = 1, m do end\nfor i = 1, m do end")
	if !fr.OK {
		t.Fatalf("run: %s", fr.Error)
	}
	var reads int
	c.Do(func(o *Lua) {
		if r := o.stubs["MaxThings"]; r != nil {
			reads = r.Reads
		}
	})
	if reads != 3 { // the local, then each loop
		t.Fatalf("MaxThings reads = %d, want 3", reads)
	}
}

// TestEngineGlobalsMayBeAssignedLate: after Loading, assigning a global that
// the game reads but never defines (an engine global) is not creating a new
// global in stub mode; a name nobody reads still is, and strict mode keeps
// the rule for every name (fixture testdata/engineglobals).
func TestEngineGlobalsMayBeAssignedLate(t *testing.T) {
	files := map[string]string{
		"Lua/ui.lua":             "function ShowCursor() if g_MouseConnected then return 1 end end\nfunction Count() local n = 0 for i = 1, 3 do n = n + i end return n end",
		"Lua/defined.lua":        "function SetOwn() OwnFlag = true end\nfunction GetOwn() return OwnFlag end",
		"Mods/m/Code/Script.lua": "function Apply() g_MouseConnected = false end",
		"Data/Features.lua":      "-- data, run after loading ended\nFeatures = { a = 1 }",
		"Mods/m/Data.lua":        "ModFeatures = { a = 1 }",
		"Lua/late.lua":           "function Later() LateGlobal = 1 end",
	}
	tests := []struct {
		name, mode, src, file, fails string
	}{
		{"a global the game reads but never defines", ModeStubs, "g_MouseConnected = false", "", ""},
		{"a global read earlier as a stand-in", ModeStubs, "local x = MaxRouteLength\nMaxRouteLength = 5", "", ""},
		{"a global nobody reads", ModeStubs, "BrandNew = 1", "", "BrandNew"},
		{"a game's local is not a global", ModeStubs, "n = 1", "", "'n'"},
		{"a global the game assigns in a function", ModeStubs, "OwnFlag = 1", "", "OwnFlag"},
		{"strict mode keeps the rule", ModeStrict, "g_MouseConnected = false", "", "g_MouseConnected"},
		{"a game data file run after loading", ModeStubs, "", "Data/Features.lua", ""},
		{"a mod's file run after loading", ModeStubs, "", "Mods/m/Data.lua", "ModFeatures"},
		{"a game function run after loading", ModeStubs, "Later()", "Lua/late.lua", "LateGlobal"},
		{"a game data file in strict mode", ModeStrict, "", "Data/Features.lua", "Features"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGame(t, files, Options{Mode: tc.mode})
			c := newTestContext(t, g)
			var rec *ErrorRecord
			c.Do(func(o *Lua) {
				o.LockNewGlobals = true
				o.DefineGlobal("Loading", lua.LFalse)
				if tc.file != "" {
					rec = runFileRecord(t, o, tc.file)
				}
				if rec == nil && tc.src != "" {
					_, rec = o.RunString("late", tc.src)
				}
			})
			switch {
			case tc.fails == "" && rec != nil:
				t.Fatalf("failed: %s", rec.Message)
			case tc.fails != "" && (rec == nil || !strings.Contains(rec.Message, "undeclared global '"+strings.Trim(tc.fails, "'")+"'")):
				t.Fatalf("error %+v, want one naming %s", rec, tc.fails)
			}
		})
	}
}

// runFileRecord runs a file of the folder (owner goroutine) and returns its
// error as a record, nil if it ran.
func runFileRecord(t *testing.T, c *Lua, rel string) *ErrorRecord {
	t.Helper()
	r, _ := c.ExecFile(rel, nil)
	if r.OK {
		return nil
	}
	return &ErrorRecord{File: r.Path, Message: r.Error}
}
