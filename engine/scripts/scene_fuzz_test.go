package scripts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

// FuzzParseScene feeds arbitrary scene.toml text to the scene reader: it
// must return a scene or an error naming scene.toml, never panic, stay
// quick, and every scene it returns must be usable (clean script paths
// inside the folder, a context key for every attachment).
func FuzzParseScene(f *testing.F) {
	for _, p := range []string{
		"testdata/scene/scene.toml",
		"testdata/callbacks/scene.toml",
		"../testdata/hostile/scripts/scene.toml",
		"../testdata/hostile/badscene/scene.toml",
	} {
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		"",
		`policy = ["entity", "shared"]`,
		"policy = \"per_script\"\nstatic = [\"scripts/a.lua\", \"scripts/a.lua\"]",
		"[[entity]]\nid = 1\nscripts = [\"../outside.lua\"]",
		"[[entity]]\nname = \"no id\"",
		"[[entity]]\nid = 1\n[[entity]]\nid = 1",
		"policy = [\"entity\"]\n[[entity]]\nid = 2\nscripts = [\"scripts/a.lua\"]\nstatic = [\"scripts/b.lua\"]",
		"[initializers]\ncontext = \"x = 1\"\npre_handling = 3",
		"policy = 7",
		"\xef\xbb\xbfpolicy = \"shared\"",
		"policy = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000), // containment: nesting
		"[initializers]\ncontext = '''" + strings.Repeat("[", 1000) + "'''",
	} {
		f.Add(s)
	}
	exists := func(p string) bool { return strings.HasPrefix(p, "scripts/") }
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		sc, err := ParseScene(src, exists)
		if el := time.Since(start); el > 10*time.Second {
			t.Fatalf("parsing %d bytes took %v", len(src), el)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), SceneFile) {
				t.Fatalf("error %q does not name %s", err, SceneFile)
			}
			return
		}
		for _, a := range sc.Attachments() {
			if c, err := engine.CleanPath(a.Script); err != nil || c != a.Script || !exists(a.Script) {
				t.Fatalf("attachment %+v has a script path that is not a clean path in the folder", a)
			}
			if _, ok := sc.Policy.KeyFor(a); !ok {
				t.Fatalf("attachment %+v has no context under policy %s", a, sc.Policy)
			}
		}
	})
}
