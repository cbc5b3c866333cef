package control

import (
	"os/exec"
	"strings"
	"testing"
)

// The controller holds no Fyne code, nor does anything it imports: its
// tests run without cgo, and the window's logic stays out of its widgets.
func TestNoFyne(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "modscope/ui/control").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/") {
			t.Errorf("modscope/ui/control imports %s", pkg)
		}
	}
}
