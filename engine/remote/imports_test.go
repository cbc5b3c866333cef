package remote

import (
	"os/exec"
	"strings"
	"testing"
)

// The shipped engine child must not link package testing (it did, for
// testing.Testing in Available): its flags and code have no place in a
// release binary.
func TestShippedBinaryDoesNotLinkTesting(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", "-deps", "modscope/cmd/modscope-headless").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		for _, imp := range strings.Fields(imports) {
			if imp == "testing" {
				t.Errorf("%s imports testing", pkg)
			}
		}
	}
}
