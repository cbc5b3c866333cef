package engine_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modscope/engine"
)

var updateStubs = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestStubModeReportGolden runs testdata/stubs (a small game leaning on
// engine names, with one real bug) and pins what stub mode makes of it: the
// values the code computed, the errors with their IDs and root causes, and
// the stub report. go test ./engine -run StubModeReportGolden -update
// rewrites testdata/stubs.golden.
func TestStubModeReportGolden(t *testing.T) {
	s := openAndRun(t, filepath.Join("testdata", "stubs"))
	values := evalIn(t, s, "main", "return HalfWidth, ObjectCount, type(MyRegistry), HouseIsCObject, HouseHp, UILField, IndicatorEntity, LoopCount")
	if values != "stub:GetMapSize().x\t0\ttable\ttrue\t5\tstub:UIL.x\tstub:g_Classes.DomeIndicator.GetEntity()\t0" {
		t.Errorf("values computed with stand-ins: %q", values)
	}
	rep := s.Report()
	var b strings.Builder
	fmt.Fprintf(&b, "values: %s\n\nerrors:\n", values)
	for _, e := range rep.Errors {
		fmt.Fprintf(&b, "  %s  cause %s  %s:%d: %s\n", e.ID, e.Cause, e.File, e.Line, e.Message)
	}
	stubs, err := json.MarshalIndent(rep.Stubs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "\nstubs:\n%s\n", stubs)
	checkStubsGolden(t, filepath.Join("testdata", "stubs.golden"), b.String())

	// The rules, beyond the golden.
	if len(rep.Errors) == 0 || rep.Errors[0].Cause != engine.CauseRoot || rep.Errors[0].File != "Lua/02_broken.lua" {
		t.Fatalf("the real bug is not the first root: %+v", rep.Errors)
	}
	for _, e := range rep.Errors[1:] {
		if e.Cause != rep.Errors[0].ID {
			t.Errorf("%s:%d %s: cause %q, want %q (Lua/02_broken.lua failed)", e.File, e.Line, e.Message, e.Cause, rep.Errors[0].ID)
		}
	}
	parents := map[string][]string{}
	for _, st := range rep.Stubs {
		if st.Kind == engine.StubClass && len(st.Classes) > 0 {
			parents[st.Name] = st.Classes
		}
		if st.Name == "PlayJingle" || st.Name == "Jingle" {
			t.Errorf("a name the folder defines is listed as an engine stand-in: %+v", st)
		}
	}
	if len(parents["CObject"]) != 1 || parents["CObject"][0] != "Building" || len(parents["ComponentAttach"]) != 1 {
		t.Errorf("stand-in parents: %v", parents)
	}
}

func checkStubsGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateStubs {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./engine -run StubModeReportGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
