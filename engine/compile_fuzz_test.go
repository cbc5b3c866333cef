package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// deepChains builds source whose syntax tree is n levels deep although its
// brackets hardly nest: what nesting.go cannot see and syntaxdepth.go must.
var deepChains = []struct {
	name  string
	build func(n int) string
}{
	{"call chain", func(n int) string { return "x = f" + strings.Repeat("()", n) }},
	{"not chain", func(n int) string { return "x = " + strings.Repeat("not ", n) + "1" }},
	{"unary minus chain", func(n int) string { return "x = " + strings.Repeat("- ", n) + "1" }},
	{"comparison chain", func(n int) string { return "x = 2" + strings.Repeat(" < 2", n) }},
	{"concatenation chain", func(n int) string { return "x = 'a'" + strings.Repeat(" .. 'a'", n) }},
	{"addition chain", func(n int) string { return "x = 1" + strings.Repeat(" + 1", n) }},
	{"and chain", func(n int) string { return "x = a" + strings.Repeat(" and a", n) }},
	{"field chain", func(n int) string { return "x = a" + strings.Repeat(".b", n) }},
	{"elseif chain", func(n int) string { return "if x then " + strings.Repeat("elseif x then ", n) + "end" }},
}

func TestSyntaxDepthLimit(t *testing.T) {
	for _, tc := range deepChains {
		t.Run(tc.name, func(t *testing.T) {
			// Far over the limit: refused, naming the file and a line.
			_, err := compileSource("Lua/deep.lua", []byte("-- header\n"+tc.build(3*MaxSyntaxDepth)))
			var ce *CompileError
			if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "deeper than") || ce.File != "Lua/deep.lua" || ce.Line != 2 {
				t.Fatalf("err = %v, want a refusal at Lua/deep.lua:2", err)
			}
			// Long but ordinary chains still compile (gopher-lua itself runs
			// out of registers on a concatenation of about 250 pieces).
			if _, err := compileSource("Lua/ok.lua", []byte(tc.build(100))); err != nil {
				t.Fatalf("a 100-long chain was refused: %v", err)
			}
		})
	}
}

// TestDeepCallChainFileFailsAndNextFileRuns is the case that used to kill
// the process: a million-call chain overflowed the Go stack in gopher-lua's
// compiler (fatal error: stack overflow, which no recover catches).
func TestDeepCallChainFileFailsAndNextFileRuns(t *testing.T) {
	g := newTestGame(t, map[string]string{
		"Lua/a_deep.lua": "local y = 1\nx = f" + strings.Repeat("()", 1e6) + "\n",
		"Lua/b_next.lua": "after = 'ran'\n",
	}, Options{Timeout: hostileTimeout})
	c := newTestContext(t, g)
	start := time.Now()
	runs := run(t, c, "Lua/a_deep.lua", "Lua/b_next.lua")
	if el := time.Since(start); el > 2*hostileBound {
		t.Fatalf("took %v", el)
	}
	var errs []ErrorRecord
	c.Do(func(o *Lua) { errs = o.Errors() })
	if runs[0].OK || len(errs) == 0 || errs[0].File != "Lua/a_deep.lua" || errs[0].Line != 2 || !strings.Contains(errs[0].Message, "deeper than") {
		t.Fatalf("deep file: %+v %+v", runs[0], errs)
	}
	if !runs[1].OK {
		t.Fatalf("next file: %+v", runs[1])
	}
}

// fuzzSeeds returns the hostile fixtures' Lua sources as fuzz seeds.
func fuzzSeeds(t testing.TB) [][]byte {
	var out [][]byte
	err := filepath.WalkDir("testdata/hostile", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".lua") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzCompileSource runs the whole pre-compile path (BOM, size, nesting,
// binary data, parse, syntax depth, compile) on arbitrary bytes: it must
// return a function or a CompileError, never panic, and stay quick.
func FuzzCompileSource(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{"", "\xef\xbb\xbf", "#!/bin/lua\nreturn 1", "x = f()()()", "return not not not 1",
		"a = 1\r\nb = 2\r\n", "\x1bLua\x51\x00", "local t = {[1]=2; 3, f = function(...) return ... end}",
		"if a then elseif b then else end", "goto x ::x::", "return 'a' .. 'b' .. 1 < 2 and #t or -x ^ 2"} {
		f.Add([]byte(s))
	}
	// The Lua 5.3 dialect (docs/lua.md): bitwise operators, //, break
	// before other statements, labels, _ENV, new escapes and numerals.
	for _, s := range []string{"return 1 | 2 ~ 3 & 4 << 5 >> 6 // 7", "return ~~x, ~ -1, a ~= b, ~a ~ ~b",
		"for i = 1, 3 do if i == 2 then goto continue end break ::continue:: end",
		"while true do break x = 1 end", "local _ENV = {y = 1} return y", "local function f(_ENV) z = 1 end _ENV.x = _ENV",
		"return 0xFFFFFFFFFFFFFFFF, 0xA.8p1, '\\x41\\z  \\u{20AC}'", "return 2^53 // 1 & 1.5",
		"do goto l end ::l:: ::m:: local a repeat goto m until true"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		proto, err := compileSource("fuzz.lua", src)
		if el := time.Since(start); el > 10*time.Second {
			t.Fatalf("compiling %d bytes took %v", len(src), el)
		}
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) || ce.File != "fuzz.lua" {
				t.Fatalf("error %v (%T) is not a CompileError naming the file", err, err)
			}
			return
		}
		if proto == nil {
			t.Fatal("no error and no function")
		}
	})
}

// FuzzLoadSettings feeds arbitrary modscope.toml files to the settings
// reader: an error must name the file, and a success must hold only
// values the engine accepts.
func FuzzLoadSettings(f *testing.F) {
	for _, s := range []string{"", `model = "autorun"`, "mode = \"strict\"\ntimeout = \"5s\"\n[autorun]\nplatform = [\"pc\"]\nmods = [\"A\"]\n[sectors]\nmods = [\"base\"]\n",
		"model = \n= 3", "timeout = \"-1s\"", "[autorun]\nmods = 3", "model = \"nope\"", "\xef\xbb\xbfmode = \"stubs\"", "[[autorun]]\n",
		"timeout = \"87600h\"", "x = " + strings.Repeat("[", 10000), "x = '''" + strings.Repeat("{", 100) + "'''"} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/hostile/badsettings/modscope.toml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, SettingsFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := SettingsIn(dir)
		if err != nil {
			if !strings.Contains(err.Error(), SettingsFile) {
				t.Fatalf("error %q does not name %s", err, SettingsFile)
			}
			return
		}
		switch s.Mode {
		case "", ModeStubs, ModeStrict:
		default:
			t.Fatalf("accepted mode %q", s.Mode)
		}
		if s.Model != "" && !knownModel(s.Model) {
			t.Fatalf("accepted model %q", s.Model)
		}
		if s.Timeout != "" {
			if d, err := time.ParseDuration(s.Timeout); err != nil || d <= 0 {
				t.Fatalf("accepted timeout %q", s.Timeout)
			}
		}
		// containment: a folder never raises the watchdog past the
		// person's limit or MaxFolderTimeout
		if d := EffectiveTimeout(0, s); d > MaxFolderTimeout || d <= 0 {
			t.Fatalf("timeout %q gives a limit of %v", s.Timeout, d)
		}
		if d := EffectiveTimeout(time.Second, s); d > time.Second || d <= 0 {
			t.Fatalf("timeout %q raises a 1s limit to %v", s.Timeout, d)
		}
	})
}
