// Package ui is modscope's desktop window (Fyne). It drives the engine only
// through engine.Session, like the command line does.
package ui

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

// Run opens the window on dir ("" = the bundled sample) and blocks until it closes.
func Run(dir string) error {
	a := app.NewWithID("dev.modscope.app")
	w := a.NewWindow("modscope")
	w.SetContent(widget.NewLabel("modscope: " + dir))
	w.ShowAndRun()
	return nil
}
