package ui

import (
	"errors"
	"fmt"
	"testing"

	"modscope/engine"
)

// TestDetectionFailed: the window offers a choice of model only for a
// failure to choose one (an *engine.OpenError where detection found none or
// more than one and the settings set none), never for an engine that could
// not start, a protocol mismatch, an unreadable folder or bad settings.
func TestDetectionFailed(t *testing.T) {
	noModel := &engine.OpenError{Err: errors.New("/x matches no model: ..."), Folder: engine.FolderInfo{Dir: "/x"}}
	twoModels := &engine.OpenError{Err: errors.New("/x matches more than one model"), Folder: engine.FolderInfo{Dir: "/x",
		Detection: engine.Detection{Models: []string{engine.ModelAutorun, engine.ModelScripts}, Evidence: []string{"autorun: Lua/", "scripts: scene.toml"}}}}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"no model matched", noModel, true},
		{"two models matched", twoModels, true},
		{"wrapped, still the open error", fmt.Errorf("open: %w", twoModels), true},
		{"the engine child could not start", errors.New("engine process: fork/exec: no such file"), false},
		{"a protocol mismatch", errors.New("engine: protocol 3, want 4 while opening /x"), false},
		{"text like a detection failure but no OpenError", errors.New("/x matches no model"), false},
		{"the folder could not be read", &engine.OpenError{Err: errors.New("open folder /x: permission denied"),
			Folder: engine.FolderInfo{DetectError: "open folder /x: permission denied"}}, false},
		{"bad settings", &engine.OpenError{Err: errors.New("modscope.toml:1: bad"),
			Folder: engine.FolderInfo{HasSettings: true, SettingsError: "modscope.toml:1: bad"}}, false},
		{"the settings chose a model that failed", &engine.OpenError{Err: errors.New("model scripts: scene.toml: bad"),
			Folder: engine.FolderInfo{HasSettings: true, SettingsModel: engine.ModelScripts}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fi, got := detectionFailed(tc.err)
			if got != tc.want {
				t.Fatalf("detectionFailed(%v) = %v, want %v", tc.err, got, tc.want)
			}
			if got && tc.err == error(twoModels) && len(fi.Detection.Evidence) != 2 {
				t.Errorf("the evidence %v", fi.Detection.Evidence)
			}
		})
	}
}

// TestModelChoicesMatchedFirst: a folder that matched two models offers
// those two first, then the others.
func TestModelChoicesMatchedFirst(t *testing.T) {
	got := modelChoices([]string{engine.ModelScripts, engine.ModelAutorun})
	if len(got) != len(engine.ModelNames) || got[0] != engine.ModelScripts || got[1] != engine.ModelAutorun {
		t.Errorf("modelChoices = %v: want scripts, autorun first, then the rest of %v", got, engine.ModelNames)
	}
}
