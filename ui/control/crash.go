package control

// The window runs the engine in a child process (engine/remote), so that a
// game folder that kills its engine leaves the window as it was. These are
// the controller's side of that: whether the engine can die and be
// restarted, reading the state again after a death, and the restart.

import (
	"errors"
	"fmt"

	"modscope/engine/remote"
)

// Restartable is a driver whose engine can die and be restarted
// (*remote.Driver).
type Restartable interface {
	Died() *remote.Death
	Restart(replayUpTo int) error
}

// Restartable returns the session's driver if its engine can die (nil
// when nothing is open, or the engine runs in this process).
func (c *Controller) Restartable() Restartable {
	d := c.live.Load()
	if d == nil {
		return nil
	}
	r, _ := (*d).(Restartable)
	return r
}

// RefreshAfterDeath reads the state again once the engine has died: its
// contexts are unloaded and the report holds the death.
func (c *Controller) RefreshAfterDeath() {
	gen := c.Gen
	c.enqueue(func() {
		if c.sess == nil || int(c.curGen.Load()) != gen {
			return
		}
		sn := c.take(false)
		c.post(func() { c.notify(c.apply(sn)) })
	})
}

// RestartEngine starts a new engine process on the folder and replays the
// first replayUpTo entries of the event log (0: a clean start); done (may
// be nil) gets the error on the UI goroutine. The console starts afresh
// (the replay writes to it again); editor buffers are not touched.
func (c *Controller) RestartEngine(replayUpTo int, done func(error)) {
	r := c.Restartable()
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
				status = "Engine restart failed: " + FirstLine(err.Error())
			}
			c.end(status)
			c.notify(ch | ChangeAll)
			if done != nil && gen == c.Gen {
				done(err)
			}
		})
	})
}
