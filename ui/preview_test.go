package ui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestPreview renders the window with the test driver's software painter
// through an autorun and a sectors session and checks each stage: what ran,
// and that every capture is a real picture. MODSCOPE_PREVIEW=dir keeps the
// PNGs there for a quick look without X (a temporary folder otherwise).
func TestPreview(t *testing.T) {
	out := os.Getenv("MODSCOPE_PREVIEW")
	if out == "" {
		out = t.TempDir()
	}
	h := newHarness(t)
	u := h.u
	u.win.Resize(fyne.NewSize(1440, 900))
	shot := func(name string) {
		t.Helper()
		h.idle()
		img := u.win.Canvas().Capture()
		checkPicture(t, name, img)
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatalf("%s: encode: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".png"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lastLog := func(what, want string) {
		t.Helper()
		if len(u.ctl.Log) == 0 {
			t.Fatalf("%s: the log is empty", what)
		}
		lg := u.ctl.Log[len(u.ctl.Log)-1]
		if !strings.Contains(lg.Name+" "+lg.Text, want) || !lg.OK {
			t.Errorf("%s: last log entry %+v, want %q done without errors", what, lg, want)
		}
	}

	h.open(sample(t, "autorun"))
	test.Tap(u.stepper.stepBtn)
	h.idle()
	test.Tap(u.stepper.stepBtn)
	h.idle()
	if u.ctl.Next != 2 {
		t.Errorf("after two steps the next step is %d, want 2", u.ctl.Next)
	}
	shot("autorun-step")
	test.Tap(u.stepper.runBtn)
	h.idle()
	if len(u.ctl.Steps) == 0 || u.ctl.Next != len(u.ctl.Steps) {
		t.Errorf("after run: next step %d of %d, want all run", u.ctl.Next, len(u.ctl.Steps))
	}
	u.events.name.SetText("NewMap")
	u.events.args.SetText(`"mars" 3`)
	test.Tap(u.events.sendBtn)
	h.idle()
	lastLog("send NewMap", "NewMap")
	u.bottomTabs.SelectIndex(1)
	shot("autorun-events")
	u.bottomTabs.SelectIndex(3)
	shot("autorun-timeline")
	data, err := u.timeline.PNG()
	if err != nil {
		t.Fatalf("timeline export: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("timeline export is not a PNG: %v", err)
	}
	checkPicture(t, "timeline export", img)
	if err := os.WriteFile(filepath.Join(out, "timeline-export.png"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	added := false
	u.ctl.AddWatch("main", "MapName", func() { added = true })
	h.waitFor("the watch", func() bool { return added })
	if n := len(u.ctl.Watches); n == 0 || u.ctl.Watches[n-1].Expr != "MapName" {
		t.Errorf("watches %+v, want MapName listed", u.ctl.Watches)
	}
	u.globals.tabs.SelectIndex(2)
	u.bottomTabs.SelectIndex(4)
	u.regs.refresh()
	u.toggleTheme()
	shot("autorun-light")
	u.toggleTheme()
	u.globals.tabs.SelectIndex(0)

	h.open(sample(t, "sectors"))
	test.Tap(u.stepper.runBtn)
	h.idle()
	h.runLine("join p1")
	h.runLine("jump p1 alpha")
	lastLog("jump", "jump p1 alpha")
	if !h.hasContext("sector:alpha") {
		t.Errorf("after jump p1 alpha contexts %+v, want sector:alpha", u.ctl.Contexts)
	}
	u.leftTabs.SelectIndex(1)
	u.bottomTabs.SelectIndex(1)
	u.globals.cmpWith = "server"
	u.globals.tabs.SelectIndex(1)
	shot("sectors")
}

// checkPicture fails unless img has a size and more than one colour (a
// blank capture means nothing was painted).
func checkPicture(t *testing.T, name string, img image.Image) {
	t.Helper()
	b := img.Bounds()
	if b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("%s: a %dx%d picture", name, b.Dx(), b.Dy())
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 {
				return
			}
		}
	}
	t.Errorf("%s: a blank picture", name)
}
