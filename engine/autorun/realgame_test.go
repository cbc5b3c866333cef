package autorun_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"modscope/engine"
	"modscope/internal/gengame"
)

// TestGeneratedGameRunsInStubMode runs a generated game folder in the shape
// of a shipped Haemimont game (classes declared out of order across files,
// hundreds of OnMsg handlers, PlaceObj data files, mods depending on a
// library mod) in stub mode: at least 99% of the files run cleanly, and the
// ones that fail are exactly those the generator planted, at their real
// file:line. The 1,100-file tree runs unless -short.
func TestGeneratedGameRunsInStubMode(t *testing.T) {
	presets := []string{"small", "mods"}
	if testing.Short() {
		presets = presets[:1]
	}
	for _, preset := range presets {
		t.Run(preset, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv(engine.CacheEnv, "off")
			man, err := gengame.Generate(dir, preset, 1)
			if err != nil {
				t.Fatal(err)
			}
			// One Autorun handler builds every class (2,034 for mods):
			// under -race on a busy machine that takes longer than the
			// tests' usual deadline; what is tested here is not speed.
			s := open(t, dir, engine.Options{Mode: engine.ModeStubs, Timeout: time.Minute})
			do(t, s, "run")
			rep := s.Report()
			total := rep.Files.OK + rep.Files.Failed
			if total != man.Executed {
				t.Errorf("ran %d files, the generator expects %d", total, man.Executed)
			}
			if clean := float64(rep.Files.OK) / float64(total); clean < 0.99 && preset != "small" {
				t.Errorf("only %.2f%% of the files ran cleanly", 100*clean)
			}
			var got, want []string
			for _, e := range rep.Errors {
				got = append(got, fmt.Sprintf("%s:%d", e.File, e.Line))
			}
			for _, f := range man.Failures {
				want = append(want, fmt.Sprintf("%s:%d", f.File, f.Line))
			}
			sort.Strings(got)
			sort.Strings(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("failures at\n %v\nwant the planted ones\n %v", got, want)
			}
			// The core declares the ModItem classes when there are mods.
			core := 0
			if regs := s.Do(engine.Command{Op: "registries", Args: []any{"main"}}).Registries; regs != nil {
				for _, row := range regs.Model["classes"] {
					if row["where"] == "[core]" {
						core++
					}
				}
			}
			if rep.Classes != man.Classes+core {
				t.Errorf("built %d classes, the generator declared %d (and the core %d)", rep.Classes, man.Classes, core)
			}
			t.Logf("%s: %d files (%d ok), %d classes, %d stubs, %.0f ms", preset, total, rep.Files.OK, rep.Classes, len(rep.Stubs), rep.Ms)
		})
	}
}
