package remote

import (
	"modscope/engine"
	"modscope/engine/models"
)

// OpenDriver opens dir the way the window and the CLI do: in an engine
// child process when this program can start one (Available; a test
// binary cannot unless its TestMain asked), else, or when inProcess is
// set, in this process.
func OpenDriver(dir string, opt engine.Options, ro Options, inProcess bool) (engine.Driver, error) {
	if inProcess || !Available() {
		return models.Open(dir, opt)
	}
	d, err := Open(dir, opt, ro)
	if err != nil {
		return nil, err // not a nil *Driver in a non-nil interface
	}
	return d, nil
}
