package engine

import (
	"fmt"
	"os"
)

// Test helpers: the folder's settings and model choice, read through its
// os.Root as OpenGame reads them.

// SettingsIn reads dir's modscope.toml through the folder's root.
func SettingsIn(dir string) (Settings, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Settings{}, fmt.Errorf("read settings %s: %w", SettingsFile, unwrapPathErr(err))
	}
	defer root.Close()
	return loadSettings(root)
}

// ChooseModelIn applies s and the detection to dir, through its root.
func ChooseModelIn(dir string, s Settings) (string, Detection, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", Detection{}, fmt.Errorf("open folder %s: %w", dir, unwrapPathErr(err))
	}
	defer root.Close()
	return chooseModel(root.FS(), dir, s)
}
