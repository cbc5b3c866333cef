package editor

import "modscope/ui/editor/buffer"

// File helpers, re-exported from modscope/ui/editor/buffer (see there).

// Stamp identifies a file's content on disk (size, modification time,
// SHA-256) when it was loaded or saved.
type Stamp = buffer.Stamp

// ChangedOnDiskError is SaveAtomic's error when the file changed on disk
// since the expected Stamp; errors.Is(err, ErrChangedOnDisk) matches it.
type ChangedOnDiskError = buffer.ChangedOnDiskError

// ErrChangedOnDisk matches every *ChangedOnDiskError with errors.Is.
var ErrChangedOnDisk = buffer.ErrChangedOnDisk

// Load reads a file and returns its content and Stamp.
func Load(path string) (string, Stamp, error) { return buffer.Load(path) }

// SaveAtomic writes data to path through a temporary file in the same
// directory renamed over it, keeping the file mode, unless the file on disk
// is no longer the one expected describes (then a *ChangedOnDiskError).
func SaveAtomic(path string, data []byte, expected Stamp) (Stamp, error) {
	return buffer.SaveAtomic(path, data, expected)
}

// ForceSaveAtomic is SaveAtomic without the changed-on-disk check.
func ForceSaveAtomic(path string, data []byte) (Stamp, error) {
	return buffer.ForceSaveAtomic(path, data)
}
