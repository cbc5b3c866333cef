package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/gopher-lua/parse"
)

// TestAnnotateSamples: `modscope annotate --sample NAME` on each bundled
// sample, after its event script, pinned in testdata/golden/annotate-NAME.txt
// (every file written, the output folder shown as OUT). Every .lua file
// must parse as Lua and start with ---@meta; what must be there regardless
// of the goldens (classes with parents and methods, parameter names) is
// checked by name.
func TestAnnotateSamples(t *testing.T) {
	tests := []struct {
		sample, events string
		want           []string // lines the files must hold
	}{
		{sample: "autorun", events: autorunEvents, want: []string{
			"---@class Dome : Building",
			"function Dome:AddColonist(",
			"function Building:Work()",
			"---@class Object",
			"function ColonyLog(fmt, ...) end",
			"-- defined at CommonLua/Core.lua:",
			"function UIL.GetScreenSize(",
		}},
		{sample: "sectors", events: sectorsEvents, want: []string{"galaxy_name = "}},
		{sample: "scripts", events: scriptsEvents, want: []string{"function on_update(", "-- defined at scripts/door.lua:"}},
	}
	for _, tc := range tests {
		t.Run(tc.sample, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "defs")
			o := runCLI(t, "", "annotate", "--sample", tc.sample, "--events", tc.events, "-o", out)
			if o.code != ExitOK || o.stderr != "" {
				t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
			}
			if !strings.HasPrefix(o.stdout, "wrote game.lua, classes.lua, engine.lua, stubs.lua, .luarc.json to "+out) {
				t.Errorf("stdout %q", o.stdout)
			}
			var all strings.Builder
			for _, name := range []string{"game.lua", "classes.lua", "engine.lua", "stubs.lua", ".luarc.json"} {
				data, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasSuffix(name, ".lua") {
					if !strings.HasPrefix(string(data), "---@meta\n") {
						t.Errorf("%s does not start with ---@meta", name)
					}
					if _, err := parse.Parse(strings.NewReader(string(data)), name); err != nil {
						t.Errorf("%s does not parse as Lua: %v", name, err)
					}
				}
				all.WriteString("==== " + name + "\n" + strings.ReplaceAll(string(data), out, "OUT"))
			}
			got := all.String()
			// the engine in this process writes the same files
			outIn := filepath.Join(t.TempDir(), "defs")
			if o := runCLI(t, "", "annotate", "--sample", tc.sample, "--events", tc.events, "-o", outIn, "--in-process"); o.code != ExitOK {
				t.Fatalf("--in-process: exit %d, stderr %q", o.code, o.stderr)
			}
			for _, name := range []string{"game.lua", "classes.lua", "engine.lua", "stubs.lua"} {
				a, _ := os.ReadFile(filepath.Join(out, name))
				b, _ := os.ReadFile(filepath.Join(outIn, name))
				if string(a) != string(b) {
					t.Errorf("%s differs between the engine child and --in-process", name)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("the definitions lack %q", w)
				}
			}
			// the engine's own Lua ([core]/lib.lua, ...) changes more often than
			// the samples: its line numbers are left out of the golden
			got = coreLine.ReplaceAllString(got, "$1:N")
			checkGolden(t, filepath.Join("testdata", "golden", "annotate-"+tc.sample+".txt"), got)
		})
	}
}

var coreLine = regexp.MustCompile(`(\[[a-z]+\]/[A-Za-z0-9_./]+\.lua):\d+`)

// TestAnnotateUsage: annotate's own usage errors exit 2 with one line.
func TestAnnotateUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no output folder", []string{"annotate", "--sample", "autorun"}, "-o OUT"},
		{"unknown sample", []string{"annotate", "--sample", "nope", "-o", "x"}, `no bundled sample "nope"`},
		{"folder and sample", []string{"annotate", "testdata/clean", "--sample", "autorun", "-o", "x"}, "not both"},
		{"json is not a flag of annotate", []string{"annotate", "testdata/clean", "--json", "-o", "x"}, "json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := runCLI(t, "", tc.args...)
			if o.code != ExitUsage || !strings.Contains(o.stderr, tc.want) || strings.Count(o.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", o.code, o.stderr, tc.want)
			}
		})
	}
}
