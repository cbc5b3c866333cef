package autorun_test

import (
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"

	"modscope/engine"
	"modscope/internal/gengame"
)

// TestCLuaRunnerAgrees runs generated trees both in modscope (stub mode) and
// in C Lua 5.1 with scripts/lua51/run.lua, the benchmarks' reference runner,
// which loads this package's core/*.lua: both sides must run the same files
// with the same failures, build the same classes and keep the same number
// of handlers (BENCHMARKS.md, "A fair comparison"). Skipped without lua5.1
// on PATH (scripts/deps.sh installs it) and with -short.
func TestCLuaRunnerAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	lua51, err := exec.LookPath("lua5.1")
	if err != nil {
		t.Skip("lua5.1 is not installed")
	}
	summary := regexp.MustCompile(`lua5\.1 load: files ok=(\d+) failed=(\d+) handler_errors=(\d+) errors=(\d+) classes=(\d+) handlers=(\d+)`)
	failLine := regexp.MustCompile(`(?m)^FAIL (\S+?):(\d+):`)
	for _, preset := range []string{"small", "shipped"} {
		t.Run(preset, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv(engine.CacheEnv, "off")
			if _, err := gengame.Generate(dir, preset, 1); err != nil {
				t.Fatal(err)
			}
			s := open(t, dir, engine.Options{Mode: engine.ModeStubs, Timeout: time.Minute})
			do(t, s, "run")
			rep := s.Report()
			handlers := 0
			for _, n := range rep.Handlers {
				handlers += n
			}
			var msFails []string
			for _, e := range rep.Errors {
				msFails = append(msFails, fmt.Sprintf("%s:%d", e.File, e.Line))
			}

			out, err := exec.Command(lua51, "../../scripts/lua51/run.lua", dir, "--quiet").CombinedOutput()
			if err != nil {
				t.Fatalf("lua5.1 run.lua: %v\n%s", err, out)
			}
			m := summary.FindSubmatch(out)
			if m == nil {
				t.Fatalf("lua5.1 run.lua printed no summary:\n%s", out)
			}
			n := make([]int, len(m))
			for i := 1; i < len(m); i++ {
				n[i], _ = strconv.Atoi(string(m[i]))
			}
			var luaFails []string
			for _, f := range failLine.FindAllSubmatch(out, -1) {
				luaFails = append(luaFails, string(f[1])+":"+string(f[2]))
			}
			sort.Strings(msFails)
			sort.Strings(luaFails)

			for _, c := range []struct {
				what     string
				ms, clua any
			}{
				{"files ok", rep.Files.OK, n[1]},
				{"files failed", rep.Files.Failed, n[2]},
				{"handler and class errors", len(rep.Errors) - rep.Files.Failed, n[3] + n[4]},
				{"classes", rep.Classes, n[5]},
				{"handlers", handlers, n[6]},
				{"failures", fmt.Sprint(msFails), fmt.Sprint(luaFails)},
			} {
				if c.ms != c.clua {
					t.Errorf("%s: modscope %v, C Lua %v", c.what, c.ms, c.clua)
				}
			}
		})
	}
}
