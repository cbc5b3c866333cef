package cli

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// TestVersionIsFyneApps: the version modscope prints is FyneApp.toml's,
// the one place it is kept (go generate ./cli writes version.go from it).
func TestVersionIsFyneApps(t *testing.T) {
	var app struct {
		Details struct{ Version string }
	}
	if _, err := toml.DecodeFile("../FyneApp.toml", &app); err != nil {
		t.Fatal(err)
	}
	if app.Details.Version != Version {
		t.Errorf("FyneApp.toml says %q, cli.Version is %q: run go generate ./cli", app.Details.Version, Version)
	}
	o := runCLI(t, "", "version")
	if o.stdout != "modscope "+app.Details.Version+"\n" {
		t.Errorf("modscope version printed %q", o.stdout)
	}
}
