package ui

// The window's tests drive the real models (modscope/engine/models) on the
// bundled samples (assets/samples/autorun, sectors, scripts) and on the
// fixtures under testdata; a sample that is missing, or a model that fails
// on it, fails the tests that need it. There is no stand-in model.
//
// The test binary can be its own engine child (remote.ServeIfChild), as
// the shipped window's program is, and every test opens its folders in an
// engine child process through the window's own OpenDriver, unless
// MODSCOPE_UI_DRIVER=inprocess (then in this process, somewhat faster;
// TestAutorunFlowThroughChild still uses a child).

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"modscope/engine"
	"modscope/engine/remote"
	"modscope/ui/control"
)

// childDriver tells whether the tests open folders in engine children.
var childDriver = os.Getenv("MODSCOPE_UI_DRIVER") != "inprocess"

func TestMain(m *testing.M) {
	remote.ServeIfChild() // in the engine child: serves and exits
	if !childDriver {
		control.OpenDriver = inProcess
	}
	which := "in process (MODSCOPE_UI_DRIVER=inprocess)"
	if childDriver {
		which = "in engine processes, as the window does (MODSCOPE_UI_DRIVER=inprocess: in this process)"
	}
	fmt.Fprintf(os.Stderr, "ui tests: folders open %s\n", which)
	os.Exit(m.Run())
}

// inProcess opens a folder in this process (every model linked in).
func inProcess(dir string, opt engine.Options) (engine.Driver, error) {
	return remote.OpenDriver(dir, opt, remote.Options{}, true)
}

// sample returns the bundled sample a flow runs on; without it the test
// fails.
func sample(t *testing.T, name string) string {
	t.Helper()
	p, err := findSample(name)
	if err != nil {
		t.Fatalf("the %s flows need the bundled sample: %v", name, err)
	}
	return p
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
