//go:build !(linux || darwin)

package remote

import "os"

// setOSLimit does nothing here: no OS limit is set on this OS (Windows
// would need a job object); the runtime's soft limit and the engine's heap
// watchdog still apply.
func setOSLimit(uint64) error { return nil }

// killSelf ends the process as abruptly as this OS allows.
func killSelf() { os.Exit(137) }
