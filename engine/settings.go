package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"
)

// SettingsFile is the optional per-folder settings file.
const SettingsFile = "modscope.toml"

// Settings are a game folder's modscope.toml; every key is optional.
type Settings struct {
	Model   string `toml:"model"`
	Mode    string `toml:"mode"`    // "stubs" or "strict"
	Timeout string `toml:"timeout"` // Go duration
	Autorun struct {
		Platform []string `toml:"platform"`
		Mods     []string `toml:"mods"`
	} `toml:"autorun"`
	Sectors struct {
		Mods []string `toml:"mods"`
	} `toml:"sectors"`
}

// LoadSettings reads DIR/modscope.toml. A missing file yields zero Settings.
// A malformed file is an error naming the file, line and reason.
func LoadSettings(dir string) (Settings, error) {
	var s Settings
	path := filepath.Join(dir, SettingsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings %s: %w", path, err)
	}
	if _, err := toml.Decode(string(data), &s); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return s, fmt.Errorf("%s:%d: %s", SettingsFile, perr.Position.Line, perr.Message)
		}
		return s, fmt.Errorf("%s: %v", SettingsFile, err)
	}
	switch s.Mode {
	case "", ModeStubs, ModeStrict:
	default:
		return s, fmt.Errorf("%s: mode %q: want \"stubs\" or \"strict\"", SettingsFile, s.Mode)
	}
	if s.Timeout != "" {
		d, err := time.ParseDuration(s.Timeout)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("%s: timeout %q: want a positive Go duration such as \"5s\"", SettingsFile, s.Timeout)
		}
	}
	if s.Model != "" && !knownModel(s.Model) {
		return s, fmt.Errorf("%s: model %q: want one of %v", SettingsFile, s.Model, ModelNames)
	}
	return s, nil
}

// Modes of handling engine functions the folder does not define.
const (
	ModeStubs  = "stubs"
	ModeStrict = "strict"
)
