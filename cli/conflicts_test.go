package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// conflictFixtures are the conflict fixtures of the engine
// (engine/testdata/conflicts, docs/conflicts.md).
var conflictFixtures = filepath.Join("..", "engine", "testdata", "conflicts")

// TestConflictsGolden pins `modscope conflicts` as text and as JSON on the
// autorun and sectors fixtures.
// go test ./cli -run ConflictsGolden -update rewrites the goldens.
func TestConflictsGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{name: "autorun text", args: []string{"conflicts", filepath.Join(conflictFixtures, "autorun")}, golden: "conflicts-autorun.txt"},
		{name: "autorun json", args: []string{"conflicts", filepath.Join(conflictFixtures, "autorun"), "--json"}, golden: "conflicts-autorun.json"},
		{name: "autorun one mod", args: []string{"conflicts", "--mod", "DomeTweaks", filepath.Join(conflictFixtures, "autorun")}, golden: "conflicts-autorun-mod.txt"},
		{name: "sectors text", args: []string{"conflicts", filepath.Join(conflictFixtures, "sectors")}, golden: "conflicts-sectors.txt"},
		{name: "sectors json", args: []string{"conflicts", "--json", filepath.Join(conflictFixtures, "sectors")}, golden: "conflicts-sectors.json"},
		{name: "no mods", args: []string{"conflicts", "--sample", "scripts"}, golden: "conflicts-nomods.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code != ExitOK || o.stderr != "" {
				t.Fatalf("exit %d; stderr %s", o.code, o.stderr)
			}
			got := o.stdout
			if strings.HasSuffix(tc.golden, ".json") {
				var buf bytes.Buffer
				if err := json.Indent(&buf, []byte(got), "", "  "); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, got)
				}
				got = buf.String()
			} else if trailingBlank.MatchString(got) {
				t.Errorf("trailing blanks:\n%q", got)
			}
			checkGolden(t, filepath.Join("testdata", "golden", tc.golden), got)
		})
	}
}

func TestConflictsUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no folder", args: []string{"conflicts"}, want: "conflicts takes one game folder"},
		{name: "--mod without an id", args: []string{"conflicts", "x", "--mod"}, want: "--mod needs a mod id"},
		{name: "unknown flag", args: []string{"conflicts", "--bogus", "x"}, want: "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code != ExitUsage || !strings.Contains(o.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", o.code, o.stderr, ExitUsage, tc.want)
			}
		})
	}
}
