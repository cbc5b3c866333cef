// Package logfile is where the standard library logger's lines go in the
// modscope binary: a file in the user's cache directory, opened on the first
// line (no line, no file). Fyne reports its own troubles through that logger
// — a favourite folder the file dialog cannot find ("this computer does not
// define a VIDEOS folder"), a translation it lacks — and those are not
// modscope's messages: standard error carries only modscope's own.
package logfile

import (
	"os"
	"path/filepath"
	"sync"
)

// Writer appends to Path, creating it and its folder on the first Write.
// If the file cannot be opened, lines are dropped: a log must never stop
// the program or reach the terminal.
type Writer struct {
	Path string

	mu   sync.Mutex
	f    *os.File
	dead bool
}

// Write appends p to the file.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil && !w.dead {
		if err := os.MkdirAll(filepath.Dir(w.Path), 0o755); err == nil {
			w.f, err = os.OpenFile(w.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			w.dead = err != nil
		} else {
			w.dead = true
		}
	}
	if w.f == nil {
		return len(p), nil
	}
	if _, err := w.f.Write(p); err != nil {
		return len(p), nil // dropped: see the type's comment
	}
	return len(p), nil
}

// DefaultPath is modscope.log in modscope's folder of the user's cache
// directory (~/.cache/modscope/modscope.log on Linux), or "" if there is
// none.
func DefaultPath() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "modscope", "modscope.log")
}
