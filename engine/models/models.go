// Package models links every context model into the engine, so that
// engine.Open can run any supported game folder.
package models

import (
	"modscope/engine"
	// The models register themselves with the engine.
	_ "modscope/engine/autorun"
	_ "modscope/engine/scripts"
	_ "modscope/engine/sectors"
)

// Open opens a game folder with every model available.
func Open(dir string, opt engine.Options) (*engine.Session, error) {
	return engine.Open(dir, opt)
}
