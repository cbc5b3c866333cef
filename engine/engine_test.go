package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// newTestGame writes files into a temporary game folder and opens it.
func newTestGame(t *testing.T, files map[string]string, opt Options) *Game {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["modscope.toml"]; !ok {
		files["modscope.toml"] = `model = "autorun"`
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g, err := OpenGame(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	return g
}

func newTestContext(t *testing.T, g *Game) *Context {
	t.Helper()
	c, err := g.NewContext("main", "autorun", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// run executes files in order in one context and returns the runs.
func run(t *testing.T, c *Context, files ...string) []FileRun {
	t.Helper()
	var runs []FileRun
	c.Do(func(o *Lua) {
		for _, f := range files {
			r, _ := o.ExecFile(f, nil)
			runs = append(runs, r)
		}
	})
	return runs
}

func TestWatchdogStopsInfiniteLoopAndNextFileRuns(t *testing.T) {
	g := newTestGame(t, map[string]string{
		"Lua/a_loop.lua": "x = 1\nwhile true do end\n",
		"Lua/b_next.lua": "after = 'ran'\n",
		"Lua/c_co.lua":   "local co = coroutine.create(function() while true do end end)\nprint(coroutine.resume(co))\n",
	}, Options{Timeout: 150 * time.Millisecond})
	c := newTestContext(t, g)
	start := time.Now()
	runs := run(t, c, "Lua/a_loop.lua", "Lua/b_next.lua", "Lua/c_co.lua")
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("took %v", el)
	}
	if runs[0].OK || !strings.Contains(runs[0].Error, "infinite loop") {
		t.Fatalf("loop file: %+v", runs[0])
	}
	if !runs[1].OK {
		t.Fatalf("next file did not run: %+v", runs[1])
	}
	var errs []ErrorRecord
	var after lua.LValue
	c.Do(func(o *Lua) { errs = o.Errors(); after = o.GetGlobal("after") })
	if after.String() != "ran" {
		t.Fatalf("after = %v", after)
	}
	if errs[0].File != "Lua/a_loop.lua" || errs[0].Line != 2 || errs[0].Context != "main" {
		t.Fatalf("error record %+v", errs[0])
	}
	// A loop inside a coroutine is stopped too (coroutines inherit the deadline).
	if len(errs) < 2 && runs[2].OK {
		var out []OutputLine
		c.Do(func(o *Lua) { out = o.Output() })
		if len(out) == 0 || !strings.Contains(out[len(out)-1].Text, "false") {
			t.Fatalf("coroutine loop not stopped: %+v %+v", runs[2], out)
		}
	}
}

func TestSandboxRefusesEscapes(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("top secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := newTestGame(t, map[string]string{"Lua/x.lua": "return 1", "data.txt": "inside"}, Options{})
	if err := os.Symlink(secret, filepath.Join(g.Dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(g.Dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "evil.lua"), []byte("pwned = true"), 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(outside, "marker")
	cases := []struct {
		name string
		code string
	}{
		{"os.exit", "os.exit(3)"},
		{"os.execute", "os.execute('touch " + marker + "')"},
		{"io.popen", "io.popen('touch " + marker + "')"},
		{"io.open outside by absolute path", "assert(io.open('" + secret + "'))"},
		{"io.open outside by dot-dot", "assert(io.open('../" + filepath.Base(outside) + "/secret.txt'))"},
		{"io.open for writing", "assert(io.open('new.txt', 'w'))"},
		{"package.loadlib", "package.loadlib('libc.so.6', 'system')"},
		{"require dot-dot", "require('../x')"},
		{"require slash", "require('/etc/passwd')"},
		{"symlink file out of the folder", "assert(io.open('link.txt'))"},
		{"symlink folder out of the folder", "require('linkdir.evil')"},
		{"dofile outside", "dofile('" + filepath.Join(outside, "evil.lua") + "')"},
		{"loadstring cannot reach os.remove", "os.remove('" + secret + "')"},
		{"debug library is absent", "assert(rawget(_G, 'debug'), 'absent')"},
		{"string.rep of gigabytes", "local s = string.rep('x', 2^31)"},
		{"huge string.format width", "string.format('%999999999d', 1)"},
	}
	c := newTestContext(t, g)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rec *ErrorRecord
			c.Do(func(o *Lua) { _, rec = o.RunString("test", tc.code) })
			if rec == nil {
				t.Fatalf("%s: no error", tc.code)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("marker file was created")
			}
			var pwned lua.LValue
			c.Do(func(o *Lua) { pwned = o.GetGlobal("pwned") })
			if pwned != lua.LNil {
				t.Fatalf("code outside the folder ran")
			}
		})
	}
	// Reading inside the folder works.
	var rec *ErrorRecord
	var vals []lua.LValue
	c.Do(func(o *Lua) { vals, rec = o.RunString("test", "return io.open('data.txt'):read('*a')") })
	if rec != nil || vals[0].String() != "inside" {
		t.Fatalf("inside read: %v %v", vals, rec)
	}
}

func TestDeepRecursionIsALuaError(t *testing.T) {
	g := newTestGame(t, map[string]string{
		"Lua/rec.lua": "local function f(n) return 1 + f(n + 1) end\nf(1)\n",
		"Lua/ok.lua":  "fine = true",
	}, Options{})
	c := newTestContext(t, g)
	runs := run(t, c, "Lua/rec.lua", "Lua/ok.lua")
	if runs[0].OK || !strings.Contains(runs[0].Error, "stack overflow") {
		t.Fatalf("recursion: %+v", runs[0])
	}
	if !runs[1].OK {
		t.Fatalf("next file: %+v", runs[1])
	}
}

func TestProvenanceNamesFileAndLine(t *testing.T) {
	g := newTestGame(t, map[string]string{
		"Lua/a.lua": "-- defines\nCounter = 1\nfunction Helper() end\n",
		"Lua/b.lua": "\n\nCounter = Counter + 1\n",
	}, Options{})
	c := newTestContext(t, g)
	c.Do(func(o *Lua) { o.SetStep("Game Lua") })
	run(t, c, "Lua/a.lua", "Lua/b.lua")
	cases := []struct {
		name, global, defined, assigned string
	}{
		{"reassigned in another file", "Counter", "Lua/a.lua:2", "Lua/b.lua:3"},
		{"function statement", "Helper", "Lua/a.lua:3", "Lua/a.lua:3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p Provenance
			var ok bool
			c.Do(func(o *Lua) { p, ok = o.Provenance(tc.global) })
			if !ok || p.DefinedAt != tc.defined || p.AssignedAt != tc.assigned || p.DefinedStep != "Game Lua" {
				t.Fatalf("%s: %+v", tc.global, p)
			}
		})
	}
}

func TestStubModeRecordsCalls(t *testing.T) {
	src := "local name = GetMapName()\n" +
		"GetMapName()\n" +
		"local w = terrain.GetSize().x + 1\n" +
		"if OptionalThing then error('should be nil') end\n" +
		"local t = MaybeTable or {}\n" +
		"result = tostring(name)\n"
	cases := []struct {
		name    string
		mode    string
		wantErr bool
	}{
		{"stub mode records", ModeStubs, false},
		{"strict mode errors", ModeStrict, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGame(t, map[string]string{"Lua/a.lua": src}, Options{Mode: tc.mode})
			c := newTestContext(t, g)
			runs := run(t, c, "Lua/a.lua")
			if runs[0].OK == tc.wantErr {
				t.Fatalf("run: %+v", runs[0])
			}
			if tc.wantErr {
				return
			}
			var stubs []StubRecord
			var result lua.LValue
			c.Do(func(o *Lua) { stubs = o.stubList(); result = o.GetGlobal("result") })
			byName := map[string]StubRecord{}
			for _, s := range stubs {
				byName[s.Name] = s
			}
			if s := byName["GetMapName"]; s.Calls != 2 || s.First != "Lua/a.lua:1" {
				t.Fatalf("GetMapName: %+v (all %+v)", s, stubs)
			}
			if s := byName["terrain.GetSize"]; s.Calls != 1 || s.First != "Lua/a.lua:3" {
				t.Fatalf("terrain.GetSize: %+v (all %+v)", s, stubs)
			}
			if _, ok := byName["OptionalThing"]; ok {
				t.Fatalf("a tested global became a stub")
			}
			if result.String() != "stub:GetMapName()" {
				t.Fatalf("result %v", result)
			}
		})
	}
}

func TestNewGlobalsNeedLoading(t *testing.T) {
	g := newTestGame(t, map[string]string{}, Options{})
	c := newTestContext(t, g)
	var recs [3]*ErrorRecord
	c.Do(func(o *Lua) {
		o.LockNewGlobals = true
		o.DefineGlobal("Loading", lua.LTrue)
		_, recs[0] = o.RunString("a", "Early = 1")
		o.DefineGlobal("Loading", lua.LFalse)
		_, recs[1] = o.RunString("b", "Early = 2")
		_, recs[2] = o.RunString("c", "Late = 1")
	})
	if recs[0] != nil || recs[1] != nil {
		t.Fatalf("allowed assignments failed: %v %v", recs[0], recs[1])
	}
	if recs[2] == nil || !strings.Contains(recs[2].Message, "undeclared global 'Late'") {
		t.Fatalf("new global outside Loading: %+v", recs[2])
	}
}

func TestSyntaxErrorNamesFileAndLine(t *testing.T) {
	g := newTestGame(t, map[string]string{"Lua/bad.lua": "x = 1\n\nfunction (\n"}, Options{})
	c := newTestContext(t, g)
	runs := run(t, c, "Lua/bad.lua")
	var errs []ErrorRecord
	c.Do(func(o *Lua) { errs = o.Errors() })
	if runs[0].OK || len(errs) != 1 || errs[0].File != "Lua/bad.lua" || errs[0].Line != 3 {
		t.Fatalf("%+v %+v", runs[0], errs)
	}
}

func TestNestingLimitRefusesBeforeCompiling(t *testing.T) {
	deep := "x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)
	g := newTestGame(t, map[string]string{"Lua/deep.lua": deep}, Options{})
	c := newTestContext(t, g)
	runs := run(t, c, "Lua/deep.lua")
	if runs[0].OK || !strings.Contains(runs[0].Error, "nesting deeper") {
		t.Fatalf("%+v", runs[0])
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSplitWhere(t *testing.T) {
	tests := []struct {
		name, in string
		file     string
		line     int
	}{
		{"a position", "Lua/a.lua:12", "Lua/a.lua", 12},
		{"a file name holding a colon", "Lua/x:3.lua:7", "Lua/x:3.lua", 7},
		{"no line", "[engine]", "[engine]", 0},
		{"digits then letters are no line", "Lua/a.lua:12abc", "Lua/a.lua:12abc", 0},
		{"a line with no file is no position", ":12", ":12", 0},
		{"an empty line", "Lua/a.lua:", "Lua/a.lua:", 0},
		{"empty", "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if f, l := SplitWhere(tc.in); f != tc.file || l != tc.line {
				t.Fatalf("SplitWhere(%q) = %q, %d; want %q, %d", tc.in, f, l, tc.file, tc.line)
			}
		})
	}
}
