package ui

import (
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestPreview renders the window with the test driver's software painter
// (MODSCOPE_PREVIEW=dir writes PNGs there): a quick look without X.
func TestPreview(t *testing.T) {
	out := os.Getenv("MODSCOPE_PREVIEW")
	if out == "" {
		t.Skip("set MODSCOPE_PREVIEW=dir")
	}
	h := newHarness(t)
	u := h.u
	u.win.Resize(fyne.NewSize(1440, 900))
	shot := func(name string) {
		h.idle()
		f, _ := os.Create(out + "/" + name + ".png")
		png.Encode(f, u.win.Canvas().Capture())
		f.Close()
	}
	h.open(sample(t, "autorun"))
	test.Tap(u.stepper.stepBtn)
	h.idle()
	test.Tap(u.stepper.stepBtn)
	h.idle()
	shot("autorun-step")
	test.Tap(u.stepper.runBtn)
	h.idle()
	u.events.name.SetText("NewMap")
	u.events.args.SetText(`"mars" 3`)
	test.Tap(u.events.sendBtn)
	h.idle()
	u.bottomTabs.SelectIndex(1)
	shot("autorun-events")
	u.bottomTabs.SelectIndex(3)
	shot("autorun-timeline")
	data, _ := u.timeline.PNG()
	os.WriteFile(out+"/timeline-export.png", data, 0o644)
	u.ctl.AddWatch("main", "MapName", nil)
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
	u.leftTabs.SelectIndex(1)
	u.bottomTabs.SelectIndex(1)
	u.globals.cmpWith = "server"
	u.globals.tabs.SelectIndex(1)
	shot("sectors")
}
