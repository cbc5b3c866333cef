package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEventScriptMustBeARegularFile: --events reads only a regular file of
// bounded size (docs/containment.md): a FIFO would block for ever and
// /dev/zero would never end; both are usage errors at once.
func TestEventScriptMustBeARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "events.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	big := filepath.Join(dir, "big.events")
	if err := os.WriteFile(big, []byte(strings.Repeat("# x\n", 5<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, file, want string }{
		{"a FIFO", fifo, "not a regular file"},
		{"/dev/zero", "/dev/zero", "not a regular file"},
		{"a file over the limit", big, "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan outcome, 1)
			go func() { done <- runCLI(t, "", "run", sectorsSample, "--events", c.file, "--in-process") }()
			select {
			case o := <-done:
				if o.code != ExitUsage || !strings.Contains(o.stderr, c.want) {
					t.Errorf("exit %d, stderr %q; want usage error with %q", o.code, o.stderr, c.want)
				}
			case <-time.After(time.Minute):
				t.Fatal("reading the event script blocked")
			}
		})
	}
}

// TestInProcessGivesTheSameErrors: the containment fixture's hostile files
// (but the one whose error count depends on timing) give the same report
// in the engine child as with --in-process.
func TestInProcessGivesTheSameErrors(t *testing.T) {
	src := filepath.Join("..", "engine", "testdata", "hostile", "containment")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		if strings.Contains(rel, "02_nested_messages") {
			return nil
		}
		if rel == "modscope.toml" { // a generous limit: no stop depends on timing
			return os.WriteFile(filepath.Join(dir, rel), []byte("model = \"autorun\"\n"), 0o644)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	events := filepath.Join(t.TempDir(), "show.events")
	if err := os.WriteFile(events, []byte("eval main return Named, ReadNegative ~= nil, PrintRegs, CoroutineLevels\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", dir, "--json", "--events", events, "--timeout", "2m"}
	child := runCLI(t, "", args...)
	local := runCLI(t, "", append(args, "--in-process")...)
	if child.code != local.code || withoutTimes(t, child.stdout) != withoutTimes(t, local.stdout) {
		t.Errorf("child (exit %d):\n%s\nin process (exit %d):\n%s", child.code, child.stdout, local.code, local.stdout)
	}
}
