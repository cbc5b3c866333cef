package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCopiedBinaryIsQuiet builds the real binary (Fyne linked in), copies
// it alone into an empty folder, and runs it there in a clean environment
// in several locales, C and C.UTF-8 included: the bundled samples must run
// from the binary alone, and standard error must stay empty (Fyne logged
// "Error parsing user locale C" at start-up in C.UTF-8; see
// third_party/go-locale/MODSCOPE-PATCH.md and internal/logfile).
func TestCopiedBinaryIsQuiet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := t.TempDir()
	bin := filepath.Join(build, "modscope")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	empty := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(empty, "modscope")
	if err := os.WriteFile(copied, data, 0o755); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	tests := []struct {
		name string
		args []string
		// check looks at standard output ("" when fine)
		check func(stdout string) string
	}{
		{name: "version", args: []string{"version"}, check: func(out string) string {
			if !strings.HasPrefix(out, "modscope ") {
				return "no version line"
			}
			return ""
		}},
		{name: "run a bundled sample", args: []string{"run", "--sample", "autorun", "--json"}, check: func(out string) string {
			var rep struct {
				Folder string `json:"folder"`
				Model  string `json:"model"`
				Steps  []any  `json:"steps"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				return "the report is not JSON: " + err.Error()
			}
			if rep.Folder != "sample:autorun" || rep.Model != "autorun" || len(rep.Steps) == 0 {
				return "report of " + rep.Folder + " (" + rep.Model + ")"
			}
			return ""
		}},
		{name: "globals of a bundled sample", args: []string{"globals", "--sample", "scripts", "--json"}, check: func(out string) string {
			if !json.Valid([]byte(out)) {
				return "not JSON"
			}
			return ""
		}},
	}
	for _, locale := range []string{"C", "C.UTF-8", "POSIX", "en_US.UTF-8", "de_DE.UTF-8"} {
		for _, tc := range tests {
			t.Run(locale+"/"+tc.name, func(t *testing.T) {
				cmd := exec.Command(copied, tc.args...)
				cmd.Dir = empty
				cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "LANG=" + locale, "LC_ALL=" + locale}
				var stdout, stderr strings.Builder
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				var exit *exec.ExitError
				if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: the sample recorded Lua errors
					t.Fatalf("modscope %s: %v; stderr %q", strings.Join(tc.args, " "), err, stderr.String())
				}
				if stderr.Len() != 0 {
					t.Errorf("standard error is not empty:\n%s", stderr.String())
				}
				if msg := tc.check(stdout.String()); msg != "" {
					t.Errorf("modscope %s: %s; stdout:\n%.300s", strings.Join(tc.args, " "), msg, stdout.String())
				}
			})
		}
	}
	if ents, err := os.ReadDir(empty); err != nil || len(ents) != 1 {
		t.Errorf("the binary's folder holds %d entries after the runs (%v): it must stay untouched", len(ents), err)
	}
}
