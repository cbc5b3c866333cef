package ui

// The window runs the engine in a child process (engine/remote), so that a
// game folder that kills its engine (a fatal out-of-memory, a Go stack
// overflow, a signal) leaves the window, and every editor buffer, as they
// were. This file hooks that in: OpenDriver starts the child, and when its
// engine dies the window says what was running and offers to restart it,
// replaying the event log up to the fatal event, or clean.

import (
	"errors"
	"fmt"

	"modscope/engine"
	"modscope/engine/remote"
)

// OpenDriver opens dir in an engine child process when this program can
// start one (a test binary cannot unless its TestMain asked), else in
// this process.
func init() {
	OpenDriver = func(dir string, opt engine.Options) (engine.Driver, error) {
		return remote.OpenDriver(dir, opt, remote.Options{}, false)
	}
}

// restartable is a driver whose engine can die and be restarted
// (*remote.Driver).
type restartable interface {
	Died() *remote.Death
	Restart(replayUpTo int) error
}

// restartable returns the session's driver if its engine can die.
func (c *Controller) restartable() restartable {
	d := c.live.Load()
	if d == nil {
		return nil
	}
	r, _ := (*d).(restartable)
	return r
}

// watchCrashes shows the crash dialog once for every death of the engine
// (it learns of one with the next change: the death arrives as an error
// event, and the command that was running ends with it).
func (u *App) watchCrashes() {
	var shown *remote.Death
	u.ctl.OnChange(func(Change) {
		r := u.ctl.restartable()
		if r == nil {
			return
		}
		dt := r.Died()
		if dt == nil || dt == shown {
			return
		}
		shown = dt
		u.ctl.refreshAfterDeath()
		u.showCrash(dt)
	})
}

// refreshAfterDeath reads the state again once the engine has died: its
// contexts are unloaded and the report holds the death.
func (c *Controller) refreshAfterDeath() {
	gen := c.Gen
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			return
		}
		sn := c.take(false)
		c.post(func() { c.notify(c.apply(sn)) })
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

// RestartEngine starts a new engine process on the folder and replays the
// first replayUpTo entries of the event log (0: a clean start); done (may
// be nil) gets the error on the UI goroutine. The console starts afresh
// (the replay writes to it again); editor buffers are not touched.
func (c *Controller) RestartEngine(replayUpTo int, done func(error)) {
	r := c.restartable()
	if r == nil {
		if done != nil {
			done(errors.New("the engine does not run in a process of its own"))
		}
		return
	}
	c.begin("Restarting the engine")
	gen := c.Gen
	c.Console, c.Errors, c.ErrBase = nil, nil, 0
	c.notify(ChangeConsole)
	c.enqueue(func() {
		if int(c.curGen.Load()) != gen {
			c.post(func() { c.end("") })
			return
		}
		err := r.Restart(replayUpTo)
		sn := c.take(false)
		c.post(func() {
			c.flush()
			ch := c.apply(sn)
			status := "Engine restarted clean"
			if replayUpTo > 0 {
				status = fmt.Sprintf("Engine restarted; replayed %d events", replayUpTo)
			}
			if err != nil {
				status = "Engine restart failed: " + firstLine(err.Error())
			}
			c.end(status)
			c.notify(ch | ChangeAll)
			if done != nil && gen == c.Gen {
				done(err)
			}
		})
	})
}
