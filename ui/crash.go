package ui

// The window runs the engine in a child process (engine/remote), so that a
// game folder that kills its engine (a fatal out-of-memory, a Go stack
// overflow, a signal) leaves the window, and every editor buffer, as they
// were. This file hooks that in: OpenDriver starts the child, and when its
// engine dies the window says what was running and offers to restart it,
// replaying the event log up to the fatal event, or clean.

import (
	"fmt"

	"modscope/engine"
	"modscope/engine/remote"
	"modscope/ui/control"
)

// control.OpenDriver opens dir in an engine child process when this program can
// start one (a test binary cannot unless its TestMain asked), else in
// this process.
func init() { control.OpenDriver = openEngine }

// openEngine is the window's OpenDriver.
func openEngine(dir string, opt engine.Options) (engine.Driver, error) {
	return remote.OpenDriver(dir, opt, remote.Options{}, false)
}

// watchCrashes shows the crash dialog once for every death of the engine
// (it learns of one with the next change: the death arrives as an error
// event, and the command that was running ends with it).
func (u *App) watchCrashes() {
	var shown *remote.Death
	u.ctl.OnChange(func(Change) {
		r := u.ctl.Restartable()
		if r == nil {
			return
		}
		dt := r.Died()
		if dt == nil || dt == shown {
			return
		}
		shown = dt
		u.ctl.RefreshAfterDeath()
		u.showCrash(dt)
	})
}

// Choices of the crash dialog.
const (
	crashRestart = iota
	crashRestartClean
	crashLater
)

// showCrash says what was running when the engine died and offers to
// restart it.
func (u *App) showCrash(dt *remote.Death) {
	var restart string
	switch dt.LogIndex {
	case 0:
		restart = "Restart and Restart clean both start the folder afresh (no event had completed)."
	case 1:
		restart = "Restart starts the engine again and replays the one event that completed before " +
			"(not the one that was running); Restart clean starts the folder afresh."
	default:
		restart = fmt.Sprintf("Restart starts the engine again and replays the %d events that completed before "+
			"(not the one that was running); Restart clean starts the folder afresh.", dt.LogIndex)
	}
	msg := fmt.Sprintf("%s.\n\nThe window and every editor buffer are as they were. %s", dt.Err, restart)
	u.ask("The engine stopped", msg, []string{"Restart", "Restart clean", "Not now"}, func(i int) {
		switch i {
		case crashRestart:
			u.ctl.RestartEngine(dt.LogIndex, nil)
		case crashRestartClean:
			u.ctl.RestartEngine(0, nil)
		}
	})
}
