package gengame

import (
	"bytes"
	"strings"
	"testing"
)

// TestConflictsPreset: the conflicts preset is the mods preset plus one
// Code/Overrides.lua per mod (listed last in its code list), every other
// file the same, and the overrides land on a few shared game methods.
func TestConflictsPreset(t *testing.T) {
	mods, mf := count(t, "mods", 1)
	conf, cf := count(t, "conflicts", 1)
	if len(conf.Mods) != len(mods.Mods) {
		t.Fatalf("%d mods, want %d", len(conf.Mods), len(mods.Mods))
	}
	overrides := 0
	targets := map[string]int{}
	for p, data := range cf {
		if strings.HasSuffix(p, "/"+overridesFile) {
			overrides++
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(line, "function ") {
					targets[strings.Fields(line)[1]]++
				}
			}
			continue
		}
		old, ok := mf[p]
		if strings.HasSuffix(p, "/metadata.lua") && !strings.HasPrefix(p, "Mods/Lib Mod/") {
			var kept []string
			for _, line := range strings.Split(string(data), "\n") {
				if !strings.Contains(line, overridesFile) {
					kept = append(kept, line)
				}
			}
			if !ok || len(kept) == len(strings.Split(string(data), "\n")) || strings.Join(kept, "\n") != string(old) {
				t.Errorf("%s is not the mods preset's with %s added", p, overridesFile)
			}
			continue
		}
		if p == ManifestFile {
			continue
		}
		if !ok || !bytes.Equal(old, data) {
			t.Errorf("%s differs from the mods preset", p)
		}
	}
	if overrides != len(conf.Mods)-1 {
		t.Errorf("%d overrides files, want one per mod but the library (%d)", overrides, len(conf.Mods)-1)
	}
	shared := 0
	for _, n := range targets {
		if n >= 2 {
			shared++
		}
	}
	if shared < 10 {
		t.Errorf("only %d game methods are overridden by two or more mods: %v", shared, targets)
	}
}
