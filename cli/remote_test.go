package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"modscope/engine/remote"
)

// TestMain lets the test binary be its own engine child, so that run and
// globals run their folders in a child process here as in the binary.
func TestMain(m *testing.M) {
	remote.ServeIfChild()
	os.Exit(m.Run())
}

// crashEnv makes the engine child die when the file begins (a test-only
// hook of engine/remote): "stack" is a Go stack overflow, a fatal error
// no recover stops.
const crashEnv = "MODSCOPE_ENGINE_TEST_CRASH"

// TestEngineDeathIsARecordedError: when the engine process dies, run
// prints the death as a recorded error naming the file and step, exits 1,
// and never shows a Go trace; the engine is restarted and the load goes on
// without that file (docs/containment.md), so the next file and the event
// script still run; globals exits 1 too.
func TestEngineDeathIsARecordedError(t *testing.T) {
	t.Setenv(crashEnv, "stack:big/server.lua")
	const want = `engine process died (exit status 2: fatal error: stack overflow) while running big/server.lua in step "Server context"`

	o := runCLI(t, "", "run", "testdata/enginecrash")
	if o.code != ExitLua || !strings.Contains(o.stdout, "big/server.lua: "+want) {
		t.Errorf("text report (exit %d, want %d):\n%s\nstderr: %s", o.code, ExitLua, o.stdout, o.stderr)
	}

	o = runCLI(t, "", "run", "testdata/enginecrash", "--json")
	if o.code != ExitLua {
		t.Fatalf("exit status %d, want %d\nstderr: %s", o.code, ExitLua, o.stderr)
	}
	r := decodeReport(t, o.stdout)
	checkCounts(t, r, o.code)
	if len(r.Errors) != 1 || r.Errors[0].Message != want || r.Errors[0].File != "big/server.lua" ||
		r.Errors[0].Step != "Server context" || r.Errors[0].Context != "server" {
		t.Errorf("errors %+v\nwant the death: %s", r.Errors, want)
	}
	if r.Files.OK != 1 || r.Files.Failed != 1 {
		t.Errorf("files %+v, want base/server.lua ok and big/server.lua failed", r.Files)
	}

	// The event script's lines after the death run in the restarted engine.
	o = runCLI(t, "eval server return loaded, big\n", "run", "testdata/enginecrash", "--json", "--events", "-")
	r = decodeReport(t, o.stdout)
	if o.code != ExitLua || len(r.Events) != 1 || !r.Events[0].OK || r.Events[0].Result != "base\tnil" {
		t.Errorf("exit %d, events %+v (want big/server.lua skipped, the rest loaded)", o.code, r.Events)
	}

	o = runCLI(t, "", "globals", "testdata/enginecrash", "--context", "server")
	if o.code != ExitLua {
		t.Errorf("globals: exit %d, want %d\nstderr: %s", o.code, ExitLua, o.stderr)
	}
}

// TestInProcessFlag: --in-process runs the engine in this process, with
// the same report as the engine child.
func TestInProcessFlag(t *testing.T) {
	for _, args := range [][]string{
		{"run", sectorsSample, "--events", sectorsEvents, "--json"},
		{"run", scriptsSample, "--events", scriptsEvents, "--json"},
		{"globals", sectorsSample, "--context", "server", "--json"},
	} {
		remoteOut := runCLI(t, "", args...)
		local := runCLI(t, "", append(args, "--in-process")...)
		if remoteOut.code != local.code || withoutTimes(t, remoteOut.stdout) != withoutTimes(t, local.stdout) {
			t.Errorf("%q: remote (exit %d):\n%s\nin process (exit %d):\n%s", args, remoteOut.code, remoteOut.stdout, local.code, local.stdout)
		}
	}
}

// withoutTimes re-encodes a JSON document without its "ms" fields.
func withoutTimes(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("bad JSON %v:\n%s", err, doc)
	}
	var strip func(any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			delete(v, "ms")
			for _, e := range v {
				strip(e)
			}
		case []any:
			for _, e := range v {
				strip(e)
			}
		}
	}
	strip(v)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
