package ui

import (
	"fmt"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScreenshots builds the real binary, opens each bundled sample under
// Xvfb, drives it with a few keys and writes docs/screenshots/*.png. It runs
// only with MODSCOPE_XVFB=1 and skips when Xvfb, xdotool or ImageMagick's
// import are missing:
//
//	MODSCOPE_XVFB=1 go test ./ui -run Screenshots -v
func TestScreenshots(t *testing.T) {
	if os.Getenv("MODSCOPE_XVFB") != "1" {
		t.Skip("set MODSCOPE_XVFB=1 to take screenshots under Xvfb")
	}
	for _, tool := range []string{"Xvfb", "import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, _ := filepath.Abs("..")
	// MODSCOPE_SCREENSHOT_BIN uses a prebuilt binary instead of building one.
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
		outDir = d // make test writes them aside: the README's stay as they are
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}

	type shot struct {
		name   string
		sample string
		keys   [][]string // xdotool argument lists, run in order after the window shows
	}
	line := func(s string) [][]string {
		return [][]string{{"key", "ctrl+l"}, {"sleep", "0.3"}, {"type", "--delay", "20", s}, {"key", "Return"}, {"sleep", "1"}}
	}
	cat := func(parts ...[][]string) [][]string {
		var out [][]string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	shots := []shot{
		{"autorun-stepping", "autorun", [][]string{{"key", "F10"}, {"sleep", "0.8"}, {"key", "F10"}, {"sleep", "0.8"}, {"key", "F10"}, {"sleep", "0.8"}, {"key", "F10"}, {"sleep", "1"}}},
		{"autorun-loaded", "autorun", cat([][]string{{"key", "F5"}, {"sleep", "2"}}, line(`msg NewMap "mars" 3`),
			[][]string{{"key", "ctrl+3"}, {"sleep", "0.5"}})},
		{"autorun-timeline-light", "autorun", [][]string{{"key", "F5"}, {"sleep", "2"}, {"key", "ctrl+shift+t"}, {"key", "ctrl+4"}, {"sleep", "1"}}},
		{"sectors", "sectors", cat([][]string{{"key", "F5"}, {"sleep", "1.5"}}, line("join p1"), line("jump p1 alpha"), line("join p2"), line("jump p2 beta"),
			[][]string{{"key", "ctrl+shift+c"}, {"key", "ctrl+2"}, {"sleep", "0.5"}})},
		{"scripts", "scripts", cat([][]string{{"key", "F5"}, {"sleep", "1.5"}}, line("policy per_entity"),
			line("callback on_update 0.016"), line("callback entity:1 on_damage 30"),
			[][]string{{"key", "ctrl+shift+c"}, {"key", "ctrl+5"}, {"sleep", "1"}})},
	}
	for i, s := range shots {
		dir, err := findSample(s.sample)
		if err != nil && os.Getenv("MODSCOPE_SCREENSHOT_FIXTURES") == "1" {
			// the window's own test fixtures (for a binary that can run them)
			dir, err = filepath.Abs(filepath.Join("testdata", s.sample))
		}
		if err != nil {
			t.Logf("skip %s: %v", s.name, err)
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			display := fmt.Sprintf(":%d", 91+i)
			xvfb := exec.Command("Xvfb", display, "-screen", "0", "1440x900x24", "-nolisten", "tcp")
			if err := xvfb.Start(); err != nil {
				t.Skipf("Xvfb: %v", err)
			}
			defer func() { xvfb.Process.Kill(); xvfb.Wait() }()
			time.Sleep(time.Second)
			env := append(os.Environ(), "DISPLAY="+display, "HOME="+t.TempDir())
			app := exec.Command(bin, dir)
			app.Env = env
			var logs strings.Builder
			app.Stdout, app.Stderr = &logs, &logs
			if err := app.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { app.Process.Kill(); app.Wait() }()
			// wait for the window
			deadline := time.Now().Add(60 * time.Second)
			for {
				out, _ := xcmd(env, "xdotool", "search", "--name", "modscope")
				if strings.TrimSpace(out) != "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no window after 60s; output:\n%s", logs.String())
				}
				time.Sleep(300 * time.Millisecond)
			}
			time.Sleep(2500 * time.Millisecond)
			win, _ := xcmd(env, "xdotool", "search", "--name", "modscope")
			if w := strings.Fields(win); len(w) > 0 {
				xcmd(env, "xdotool", "windowactivate", "--sync", w[0])
				xcmd(env, "xdotool", "windowfocus", "--sync", w[0])
				xcmd(env, "xdotool", "mousemove", "720", "450")
			}
			for _, k := range s.keys {
				if k[0] == "sleep" {
					d, _ := time.ParseDuration(k[1] + "s")
					time.Sleep(d)
					continue
				}
				if out, err := xcmd(env, "xdotool", k...); err != nil {
					t.Logf("xdotool %v: %v %s", k, err, out)
				}
			}
			// a pointer move makes the GL driver repaint everything
			xcmd(env, "xdotool", "mousemove", "700", "300")
			time.Sleep(300 * time.Millisecond)
			xcmd(env, "xdotool", "mousemove", "720", "450")
			time.Sleep(1500 * time.Millisecond)
			shotPath := filepath.Join(outDir, s.name+".png")
			if out, err := xcmd(env, "import", "-window", "root", shotPath); err != nil {
				t.Fatalf("import: %v %s", err, out)
			}
			if n, err := distinctColors(shotPath); err != nil || n < 16 {
				t.Fatalf("%s does not look like a window (%d colours, %v); output:\n%s", shotPath, n, err, logs.String())
			}
			t.Logf("wrote %s", shotPath)
		})
	}
}

// distinctColors counts the colours of a PNG (up to 1000): a black or
// blank screen has one or two.
func distinctColors(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, err
	}
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && len(seen) < 1000; y += 3 {
		for x := b.Min.X; x < b.Max.X && len(seen) < 1000; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
		}
	}
	return len(seen), nil
}

func xcmd(env []string, name string, args ...string) (string, error) {
	c := exec.Command(name, args...)
	c.Env = env
	out, err := c.CombinedOutput()
	return string(out), err
}
