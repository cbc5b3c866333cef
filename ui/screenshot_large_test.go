package ui

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"modscope/internal/gengame"
)

// syncLog collects a process's output for polling.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLargeGameUnderXvfb is issue 19's acceptance run: the real binary on
// a generated game of 2,600 files in strict mode (hundreds of errors),
// driven under Xvfb with the keyboard only. It steps with F10 while the
// search box has the focus, loads everything with F5, searches a global by
// its exact name and reaches it in the tree, opens Problems, edits a file
// from outside and sees the change, and quits with Ctrl+Q. The window
// reports what it shows with MODSCOPE_UI_TRACE=1; the screenshots go to
// docs/screenshots (or MODSCOPE_SCREENSHOT_DIR).
//
//	MODSCOPE_XVFB=1 go test ./ui -run LargeGame -v
func TestLargeGameUnderXvfb(t *testing.T) {
	if os.Getenv("MODSCOPE_XVFB") != "1" {
		t.Skip("set MODSCOPE_XVFB=1 to drive the window under Xvfb")
	}
	for _, tool := range []string{"Xvfb", "import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, _ := filepath.Abs("..")
	bin := os.Getenv("MODSCOPE_SCREENSHOT_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "modscope")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
	}
	outDir := filepath.Join(root, "docs", "screenshots")
	if d := os.Getenv("MODSCOPE_SCREENSHOT_DIR"); d != "" {
		outDir = d
	}
	game := filepath.Join(t.TempDir(), "game")
	m, err := gengame.Generate(game, "mods", 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Files < 2000 {
		t.Fatalf("the generated game has %d files", m.Files)
	}
	// strict mode: engine calls the game does not define fail (hundreds of errors)
	f, err := os.OpenFile(filepath.Join(game, "modscope.toml"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, `mode = "strict"`)
	f.Close()
	name, file := firstGlobalFunction(t, filepath.Join(game, "Lua"))

	display := ":88"
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1440x900x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Skipf("Xvfb: %v", err)
	}
	defer func() { xvfb.Process.Kill(); xvfb.Wait() }()
	time.Sleep(time.Second)
	env := append(os.Environ(), "DISPLAY="+display, "HOME="+t.TempDir(), "MODSCOPE_UI_TRACE=1")
	app := exec.Command(bin, game)
	app.Env = env
	logs := &syncLog{}
	app.Stdout, app.Stderr = logs, logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		app.Process.Kill()
		<-exited
	}()
	waitLog := func(what string, re *regexp.Regexp, limit time.Duration) []string {
		t.Helper()
		deadline := time.Now().Add(limit)
		for {
			if m := re.FindStringSubmatch(logs.String()); m != nil {
				return m
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s after %v; output:\n%s", what, limit, tail(logs.String(), 40))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	key := func(keys ...string) {
		for _, k := range keys {
			if out, err := xcmd(env, "xdotool", "key", k); err != nil {
				t.Logf("xdotool key %s: %v %s", k, err, out)
			}
			time.Sleep(150 * time.Millisecond)
		}
	}
	shot := func(name string) {
		t.Helper()
		xcmd(env, "xdotool", "mousemove", "700", "300")
		time.Sleep(300 * time.Millisecond)
		xcmd(env, "xdotool", "mousemove", "1420", "20")
		time.Sleep(1200 * time.Millisecond)
		p := filepath.Join(outDir, name+".png")
		if out, err := xcmd(env, "import", "-window", "root", p); err != nil {
			t.Fatalf("import: %v %s", err, out)
		}
		if n, err := distinctColors(p); err != nil || n < 16 {
			t.Fatalf("%s does not look like a window (%d colours, %v)", p, n, err)
		}
		t.Logf("wrote %s", p)
	}

	deadline := time.Now().Add(60 * time.Second)
	for {
		out, _ := xcmd(env, "xdotool", "search", "--name", "modscope")
		if w := strings.Fields(out); len(w) > 0 {
			xcmd(env, "xdotool", "windowfocus", "--sync", w[0])
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window after 60s; output:\n%s", logs.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
	waitLog("the folder", regexp.MustCompile(`status: Opened game`), 60*time.Second)
	time.Sleep(time.Second)

	// F10 and F5 with the keyboard in the search box (window-level keys)
	key("ctrl+k", "F10")
	waitLog("a step run by F10 from the search box", regexp.MustCompile(`status: step: `), 30*time.Second)
	key("F5")
	m1 := waitLog("the load", regexp.MustCompile(`status: Run all: done, (\d+) errors`), 180*time.Second)
	if n := atoiOr(m1[1]); n < 100 {
		t.Errorf("strict mode on the generated game gave %d errors, want hundreds", n)
	}

	// search a global by its exact name: it is the first hit and selected in the tree
	key("ctrl+k", "ctrl+a")
	xcmd(env, "xdotool", "type", "--delay", "15", name)
	key("Return")
	waitLog("the global selected in the tree", regexp.MustCompile(`globals selected: `+regexp.QuoteMeta(name)+` \| type: +function`), 30*time.Second)
	shot("large-search")

	// the Problems panel: grouped, counted
	key("ctrl+6")
	waitLog("the problems", regexp.MustCompile(`problems: \d{3,} errors · \d+ groups`), 10*time.Second)
	shot("large-problems")

	// an edit from outside: reloaded, and what changed is shown
	// (the first line, a comment, becomes a global: the file may fail
	// further down in strict mode, and no line moves)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(src), "\n")
	if err := os.WriteFile(file, []byte("AddedFromOutside = 42\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	waitLog("the changes of the edit", regexp.MustCompile(`globals summary: Changes since the last reload in main: \+1 added`), 180*time.Second)
	time.Sleep(time.Second)
	shot("large-changed")

	// nothing but the trace on standard error (no toolkit noise)
	for _, ln := range strings.Split(logs.String(), "\n") {
		if ln != "" && !strings.HasPrefix(ln, "ui: ") {
			t.Errorf("unexpected output: %s", ln)
		}
	}

	// Ctrl+Q quits
	key("ctrl+q")
	select {
	case <-exited:
		exited <- nil
	case <-time.After(10 * time.Second):
		t.Errorf("Ctrl+Q did not quit")
	}
}

// firstGlobalFunction finds a global function defined by a game file
// (the first in path order) and the file.
func firstGlobalFunction(t *testing.T, dir string) (string, string) {
	t.Helper()
	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".lua") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	re := regexp.MustCompile(`^function ([A-Za-z_][A-Za-z0-9_]*)\(`)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				fh.Close()
				return m[1], f
			}
		}
		fh.Close()
	}
	t.Fatal("no global function in the generated game")
	return "", ""
}

func atoiOr(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
