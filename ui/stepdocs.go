package ui

import "modscope/engine"

// stepDoc describes a step for people learning the load order (shown under
// the stepper): what the open model says about it (its
// WindowSpec.StepDocs, by name or by the name's shape), else a line that
// fits any model, so a step is never left blank.
func stepDoc(w engine.WindowSpec, name string) string {
	if d := w.StepDoc(name); d != "" {
		return d
	}
	return "A loading step of this model: the files and handlers it runs show in the Timeline (Ctrl+4) and its changes in Globals."
}
