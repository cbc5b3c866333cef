package autorun_test

import (
	"path/filepath"
	"testing"

	"modscope/engine"
)

// TestEngineClassesOfAGameWithoutCommonLua: a game that ships no CommonLua
// (testdata/engineclasses) gets what the engine's Preset, PropertyObject,
// DefineModItemPreset and GetLanguage would give it: presets registered in
// Presets by class and group (and the class's GlobalMap), mod item presets
// among them, property defaults as class members, English as the language.
// Strict mode refuses the undefined parents, so only GetLanguage is
// checked there.
func TestEngineClassesOfAGameWithoutCommonLua(t *testing.T) {
	{
		s := open(t, filepath.Join("testdata", "engineclasses"), engine.Options{Mode: engine.ModeStrict})
		do(t, s, "run")
		if got := eval(t, s, "return ModLanguage"); got != "English" {
			t.Errorf("strict: GetLanguage() = %s", got)
		}
	}
	for _, mode := range []string{engine.ModeStubs} {
		t.Run(mode, func(t *testing.T) {
			s := open(t, filepath.Join("testdata", "engineclasses"), engine.Options{Mode: mode})
			do(t, s, "run")
			tests := []struct{ expr, want string }{
				{"Results.breakthroughs", "2"},
				{"Results.first", "Nanites"},
				{"Results.named", "2"},
				{"Results.default_group", "2"}, // Plain and the mod's ModTech
				{"Results.groups", "2"},
				{"Results.mapped", "Dome"},
				{"Results.mod_preset", "ModTech"},
				{"Results.storable", "2"},
				{"Results.capacity", "30"},
				{"Results.base_capacity", "30"},
				{"Results.label", "class value"}, // the class's own value wins
				{"Results.computed", "nil"},      // a function default of a non-function editor
				{"Results.accessed", "nil"},      // Get/Set accessors: no member
				{"Results.language", "English"},
				{"ModLanguage", "English"},
			}
			for _, tc := range tests {
				if got := eval(t, s, "return "+tc.expr); got != tc.want {
					t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
				}
			}
			if errs := errorsOf(s.Report()); len(errs) != 0 {
				t.Errorf("errors: %v", errs)
			}
		})
	}
}
