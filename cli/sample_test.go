package cli

import (
	"encoding/json"
	"flag"
	"strings"
	"testing"
)

// TestSampleFlag: --sample NAME runs a bundled sample from the binary,
// whatever the working directory; the report names it sample:NAME.
func TestSampleFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stdout
	}{
		{"run autorun as JSON", []string{"run", "--sample", "autorun", "--json"}, `"folder":"sample:autorun"`},
		{"run sectors as text", []string{"run", "--sample", "sectors"}, "sample:sectors  (model sectors"},
		{"globals of scripts", []string{"globals", "--sample", "scripts", "--context", "script:scripts/game_rules.lua"}, "KEY"},
		{"flag after the command's other flags", []string{"run", "--json", "--until", "Autorun", "--sample", "autorun"}, `"model":"autorun"`},
	}
	t.Chdir(t.TempDir()) // nothing of the source tree is at hand
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code == ExitUsage || o.stderr != "" {
				t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
			}
			if !strings.Contains(o.stdout, tc.want) {
				t.Errorf("stdout lacks %q:\n%.500s", tc.want, o.stdout)
			}
			if strings.HasSuffix(tc.args[len(tc.args)-1], "json") && !json.Valid([]byte(o.stdout)) {
				t.Errorf("not JSON")
			}
		})
	}
}

// TestUsageListsEveryFlag: every flag the commands accept is in the usage
// text.
func TestUsageListsEveryFlag(t *testing.T) {
	for _, cmd := range []struct {
		name    string
		globals bool
	}{{"run", false}, {"globals", true}, {"annotate", false}} {
		var f runFlags
		var names []string
		flagSet(cmd.name, &f, cmd.globals).VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
		for _, n := range names {
			dashes := "--"
			if len(n) == 1 {
				dashes = "-"
			}
			if !strings.Contains(usage, dashes+n+" ") {
				t.Errorf("the usage text lacks %s%s (a flag of %s)", dashes, n, cmd.name)
			}
		}
	}
}
