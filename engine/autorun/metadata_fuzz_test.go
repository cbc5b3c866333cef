package autorun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzReadModDef feeds arbitrary metadata.lua files to the mod definition
// reader: it must return a definition or an error naming the file, never
// panic, and end within its own deadline (plus slack for a busy machine).
func FuzzReadModDef(f *testing.F) {
	seeds, err := filepath.Glob(filepath.FromSlash("../testdata/hostile/autorun/Mods/*/metadata.lua"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`return PlaceObj("ModDef", {"id", "X", "title", T(1, "t"), "code", {"Code/a.lua"}, "dependencies", {PlaceObj("ModDependency", {"id", "Y"})}, "loctables", {{filename = "l.csv"}}, "has_options", true})`,
		`return PlaceObj("ModDef", {id = "Named", code = {}})`,
		`return PlaceObj("ModDef", {"id", "X", "code", "a.lua"})`,
		`return PlaceObj("ModDef", {"id", "X", "dependencies", {7}})`,
		`return PlaceObj("Other", {})`,
		`return 1`,
		`error(setmetatable({}, {__tostring = function() error("x") end}))`,
		`local t = {} t.t = t return PlaceObj("ModDef", {"id", "Cyclic", "extra", t})`,
		"while true do end",
	} {
		f.Add([]byte(s))
	}
	const name = "Mods/Fuzz/metadata.lua"
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		d, err := ReadModDef(src, name)
		if el := time.Since(start); el > metadataTimeout+10*time.Second {
			t.Fatalf("reading took %v", el)
		}
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error %q does not name %s", err, name)
			}
			return
		}
		if d == nil {
			t.Fatal("no error and no definition")
		}
		for _, dep := range d.Dependencies {
			if strings.TrimSpace(dep.ID) == "" {
				t.Fatalf("a dependency without an id was accepted: %+v", d.Dependencies)
			}
		}
	})
}
