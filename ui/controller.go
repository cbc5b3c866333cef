package ui

// The window's controller (it owns the engine session and keeps plain
// state for the views) is package ui/control: it holds no Fyne code, so
// its tests run without cgo. Edit it there; these are the names of its
// types as the views use them.

import (
	"errors"

	"modscope/ui/control"
)

type (
	// Controller is control.Controller.
	Controller = control.Controller
	// Change is control.Change.
	Change = control.Change
	// ConsoleLine is control.ConsoleLine.
	ConsoleLine = control.ConsoleLine
)

// The parts of the controller's state (control.Change).
const (
	ChangeSession     = control.ChangeSession
	ChangeSteps       = control.ChangeSteps
	ChangeContexts    = control.ChangeContexts
	ChangeConsole     = control.ChangeConsole
	ChangeLog         = control.ChangeLog
	ChangeBusy        = control.ChangeBusy
	ChangeReport      = control.ChangeReport
	ChangeGlobals     = control.ChangeGlobals
	ChangeBreakpoints = control.ChangeBreakpoints
	ChangeWatches     = control.ChangeWatches
	ChangeAll         = control.ChangeAll
)

// firstLine is control.FirstLine: s up to its first line break.
func firstLine(s string) string { return control.FirstLine(s) }

// errNoSession is what actions say when nothing is open.
var errNoSession = errors.New("no game folder is open: use File › Open or the Samples menu")
