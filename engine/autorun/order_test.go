package autorun

import (
	"sort"
	"strings"
	"testing"
)

// TestCmpLower checks the engine's CmpLower order on names real games use.
func TestCmpLower(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"underscore before letters once lower-cased", []string{"Colony.lua", "_const.lua", "ApplicantsPool.lua"}, []string{"_const.lua", "ApplicantsPool.lua", "Colony.lua"}},
		{"case does not matter", []string{"b.lua", "A.lua", "a2.lua"}, []string{"A.lua", "a2.lua", "b.lua"}},
		{"folders the same way", []string{"Zeta", "buildings", "AmbientLife"}, []string{"AmbientLife", "buildings", "Zeta"}},
		{"names equal but for case keep byte order", []string{"x.lua", "X.lua"}, []string{"X.lua", "x.lua"}},
		{"digits before letters", []string{"a.lua", "1.lua"}, []string{"1.lua", "a.lua"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := append([]string(nil), tc.in...)
			sort.Slice(got, func(i, j int) bool { return cmpLower(got[i], got[j]) })
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCodeOrder checks ModDef:LoadCode's order: files outside Code/ first.
func TestCodeOrder(t *testing.T) {
	got := codeOrder([]string{"Code/b.lua", "Gen/x.lua", "Code/a.lua", "y.lua"})
	if want := "Gen/x.lua y.lua Code/b.lua Code/a.lua"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}
