package engine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modscope/engine"
	"modscope/engine/scripts"
)

// Containment II (issue 24, docs/containment.md): testdata/hostile/containment
// attacks one bound per file; after each, the next file still runs, and the
// whole run ends within the bound its report states.

// TestContainmentFolder runs the containment fixture with the files whose
// names cannot be committed portably added, and checks each class.
func TestContainmentFolder(t *testing.T) {
	needModel(t, engine.ModelAutorun)
	dir := copyHostile(t, "containment")
	writeFile(t, dir, "Lua/50_back\\slash.lua", "Backslash = true\n")
	writeFile(t, dir, "Lua/51_x:12: evil.lua", "\n\nerror('evil')\n")
	start := time.Now()
	s := openAndRun(t, dir)
	elapsed := time.Since(start)
	rep := s.Report()

	if got := evalIn(t, s, "main", "return LastRan"); got != "true" {
		t.Fatalf("the last file did not run: LastRan = %s", got)
	}
	if rep.BoundMs <= 0 || rep.Calls <= 0 || float64(elapsed.Milliseconds()) > rep.BoundMs {
		t.Errorf("run took %v; report bound %v ms over %d calls", elapsed, rep.BoundMs, rep.Calls)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Errorf("report is not valid JSON: %v", err)
	}
	checkErrors(t, rep.Errors, []wantError{
		{file: "Lua/02_nested_messages.lua", line: 4, msg: "infinite loop of messages"},
		{file: "Lua/05_giant_strings.lua", line: 3, msg: "string length overflow"},
		{file: "Lua/51_x:12: evil.lua", line: 3, msg: "evil"},
	})
	for _, c := range []struct{ name, code, want string }{
		{"a file's budget includes the messages it sent", "return AfterTick", "nil"},
		{"compile time is bounded before compiling", "return CompileError", "<string>:3: arithmetic chains would take more than"},
		{"coroutines nest to a bound, not to a Go stack overflow", "return CoroutineLevels", "201"},
		{"string.format of many big strings is refused", "return FormatOK, FormatErr:match('string.format: result is over the 64 MiB limit')", "false\tstring.format: result is over the 64 MiB limit"},
		{"f:read(-5) reads the rest", "return #ReadNegative == #ReadGameFile('Lua/07_leftovers.lua')", "true"},
		{"_printregs is not reachable", "return PrintRegs", "false"},
		{"a file named back\\slash.lua runs", "return Backslash", "true"},
		{"display uses the builtin tostring, not the game's", "return Named", "named table"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := evalIn(t, s, "main", c.code); !strings.HasPrefix(got, c.want) {
				t.Errorf("%s = %q, want %q", c.code, got, c.want)
			}
		})
	}
	t.Run("a looping __tostring is stopped when shown", func(t *testing.T) {
		start := time.Now()
		got := evalIn(t, s, "main", "return Loopy")
		if el := time.Since(start); el > 20*time.Second || !strings.Contains(got, "__tostring failed") || !strings.Contains(got, "infinite loop") {
			t.Errorf("eval Loopy = %q after %v", got, el)
		}
		w := s.Do(engine.Command{Op: "watch", Args: []any{"main", "Loopy"}})
		if !strings.Contains(w.Result+w.Error, "__tostring failed") {
			t.Errorf("watch of Loopy = %+v", w)
		}
	})
	for _, o := range rep.Output {
		if len(o.Text) > engine.MaxOutputLine+200 {
			t.Errorf("an output line of %d bytes was kept", len(o.Text))
		}
	}
}

// TestNestedMessagesAreBounded: a file whose handlers send messages that
// loop ends within its budget (CallBudgetFactor x the limit), not in
// 2^depth x the limit, and the next file runs.
func TestNestedMessagesAreBounded(t *testing.T) {
	needModel(t, engine.ModelAutorun)
	dir := t.TempDir()
	writeFile(t, dir, "modscope.toml", "model = \"autorun\"\ntimeout = \"200ms\"\n")
	writeFile(t, dir, "Lua/a.lua", `function OnMsg.Tick() Msg("Tick") Msg("Tick") while true do end end Msg("Tick")`)
	writeFile(t, dir, "Lua/b.lua", "Next = true\n")
	start := time.Now()
	s := openAndRun(t, dir)
	if el, budget := time.Since(start), engine.CallBudget(200*time.Millisecond); el > budget+15*time.Second {
		t.Errorf("took %v; the file's budget is %v", el, budget)
	}
	if got := evalIn(t, s, "main", "return Next"); got != "true" {
		t.Errorf("the next file did not run")
	}
}

// TestReloadLuaDoesNotLoopForEver: a file that calls ReloadLua() while it
// loads is reloaded at most MaxLuaReloads times, then said to be wrong.
func TestReloadLuaDoesNotLoopForEver(t *testing.T) {
	needModel(t, engine.ModelAutorun)
	s := openAndRun(t, copyHostile(t, "reload"))
	loads := evalIn(t, s, "main", "return Loads")
	if loads == "nil" || len(loads) > 2 {
		t.Errorf("Loads = %s, want a few", loads)
	}
	checkErrors(t, s.Report().Errors, []wantError{{file: "Lua/01_reload.lua", line: 2, msg: "reload would never end"}})
}

// TestFolderCannotRaiseTheWatchdog: modscope.toml may lower the limit, not
// raise it past the person's or MaxFolderTimeout.
func TestFolderCannotRaiseTheWatchdog(t *testing.T) {
	for _, c := range []struct {
		name     string
		person   time.Duration
		settings string
		want     time.Duration
	}{
		{"a folder lowers the person's limit", 5 * time.Second, "1s", time.Second},
		{"a folder cannot raise the person's limit", 2 * time.Second, "8760h", 2 * time.Second},
		{"with no limit set, a folder is capped", 0, "8760h", engine.MaxFolderTimeout},
		{"with no limit set, the default", 0, "", engine.DefaultTimeout},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			toml := "model = \"autorun\"\n"
			if c.settings != "" {
				toml += "timeout = \"" + c.settings + "\"\n"
			}
			writeFile(t, dir, "modscope.toml", toml)
			g, err := engine.OpenGame(dir, engine.Options{Timeout: c.person})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			if g.Timeout != c.want {
				t.Errorf("timeout %v, want %v", g.Timeout, c.want)
			}
		})
	}
}

// TestSettingsAreReadInsideTheFolder: modscope.toml is read through the
// folder's root (a link out is refused, its target never quoted), only as
// a regular file of bounded size, and deep nesting is refused before the
// TOML parser recurses.
func TestSettingsAreReadInsideTheFolder(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("model = \"TOP-SECRET-TOKEN\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		make func(t *testing.T, dir string)
		want string
	}{
		{"a link out of the folder", func(t *testing.T, dir string) {
			if err := os.Symlink(secret, filepath.Join(dir, "modscope.toml")); err != nil {
				t.Skip(err)
			}
		}, "read settings modscope.toml"},
		{"a FIFO", func(t *testing.T, dir string) {
			if err := mkfifoExt(filepath.Join(dir, "modscope.toml")); err != nil {
				t.Skip(err)
			}
		}, "not a regular file"},
		{"a link to /dev/zero inside", func(t *testing.T, dir string) {
			if _, err := os.Stat("/dev/zero"); err != nil {
				t.Skip(err)
			}
			if err := os.Symlink("/dev/zero", filepath.Join(dir, "modscope.toml")); err != nil {
				t.Skip(err)
			}
		}, "read settings modscope.toml"},
		{"a huge file", func(t *testing.T, dir string) {
			writeFile(t, dir, "modscope.toml", "# "+strings.Repeat("x", engine.MaxSettingsBytes)+"\n")
		}, "larger than"},
		{"nesting millions deep", func(t *testing.T, dir string) {
			writeFile(t, dir, "modscope.toml", "x = "+strings.Repeat("[", 500000)+strings.Repeat("]", 500000)+"\n")
		}, "nested deeper than"},
		{"a parse error quotes nothing of the file", func(t *testing.T, dir string) {
			writeFile(t, dir, "modscope.toml", "model = \"TOP-SECRET-TOKEN\" junk 'TOP-SECRET-TOKEN'\n")
		}, "modscope.toml:1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "Lua/a.lua", "x = 1\n")
			c.make(t, dir)
			done := make(chan error, 1)
			go func() {
				_, err := engine.SettingsIn(dir)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("error %v, want %q", err, c.want)
				}
				if err != nil && strings.Contains(err.Error(), "TOP-SECRET") {
					t.Errorf("the error quotes the file: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("reading the settings blocked")
			}
		})
	}
}

// TestUnreadableSubfolderIsReported: a folder the engine cannot list is an
// error in the report, not a silent gap in the load.
func TestUnreadableSubfolderIsReported(t *testing.T) {
	needModel(t, engine.ModelAutorun)
	dir := t.TempDir()
	writeFile(t, dir, "modscope.toml", "model = \"autorun\"\n")
	writeFile(t, dir, "Lua/a.lua", "A = true\n")
	g, err := engine.OpenGame(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	// listing a file as a folder fails the way an unreadable folder does
	// (running as root, no permission bit stops the engine)
	g.ListLua("Lua/a.lua")
	if errs := g.TakeListErrors(); len(errs) != 1 || !strings.Contains(errs[0].Message, "cannot list folder Lua/a.lua") {
		t.Errorf("list errors %+v", errs)
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root: a folder without permissions is still readable")
	}
	locked := filepath.Join(dir, "Lua", "locked")
	writeFile(t, dir, "Lua/locked/b.lua", "B = true\n")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) }) //nolint:errcheck // cleanup
	s := openAndRun(t, dir)
	checkErrors(t, s.Report().Errors, []wantError{{file: "Lua/locked", msg: "cannot list folder"}})
}

// TestStubFloodKeepsTheReportBounded: thousands of distinct, long stand-in
// names do not make the report as large as they are.
func TestStubFloodKeepsTheReportBounded(t *testing.T) {
	needModel(t, engine.ModelAutorun)
	dir := t.TempDir()
	writeFile(t, dir, "modscope.toml", "model = \"autorun\"\n")
	writeFile(t, dir, "Lua/a.lua", `local long = string.rep("n", 100000) for i = 1, 2000 do local x = _G[long .. i] end`)
	writeFile(t, dir, "Lua/b.lua", "Next = true\n")
	s := openAndRun(t, dir)
	if got := evalIn(t, s, "main", "return Next"); got != "true" {
		t.Errorf("the next file did not run")
	}
	b, err := json.Marshal(s.Report())
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 16<<20 {
		t.Errorf("the report is %d MiB", len(b)>>20)
	}
}

// TestDeepTOMLIsRefused: modscope.toml and scene.toml nested millions deep
// are refused before the TOML parser recurses (it overflowed the Go stack).
func TestDeepTOMLIsRefused(t *testing.T) {
	deep := "x = " + strings.Repeat("[", 5_000_000) + strings.Repeat("]", 5_000_000) + "\n"
	dir := t.TempDir()
	writeFile(t, dir, "modscope.toml", deep[:min(len(deep), engine.MaxSettingsBytes)])
	if _, err := engine.SettingsIn(dir); err == nil || !strings.Contains(err.Error(), "nested deeper than") {
		t.Errorf("settings: %v", err)
	}
	if _, err := scripts.ParseScene(deep, nil); err == nil || !strings.Contains(err.Error(), "nested deeper than") {
		t.Errorf("scene: %v", err)
	}
}
