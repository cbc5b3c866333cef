package engine

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// The names of the models this repository ships. The core's logic never
// branches on them: they are here (not in the model packages, which
// import engine) so that the window and tests can name a model without
// importing it; each model package registers itself under its name.
const (
	ModelAutorun = "autorun"
	ModelSectors = "sectors"
	ModelScripts = "scripts"
)

// Detection is what a folder looked like to model detection.
type Detection struct {
	Models   []string // models whose markers were found, in ModelNames order
	Evidence []string // one human line per marker found ("model: evidence")
}

// Detect looks at DIR for the markers of each registered model
// (docs/README.md and each model's doc), through the folder opened as an
// os.Root: a marker that is a link out of the folder does not count.
func Detect(dir string) (Detection, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Detection{}, fmt.Errorf("open folder %s: %w", dir, unwrapPathErr(err))
	}
	defer root.Close()
	return detectFS(root.FS(), dir)
}

// detectFS runs every registered model's detection on the folder dir,
// opened as fsys.
func detectFS(fsys fs.FS, dir string) (Detection, error) {
	var d Detection
	if _, err := fs.ReadDir(fsys, "."); err != nil {
		return d, fmt.Errorf("open folder %s: %w", dir, unwrapPathErr(err))
	}
	for _, sp := range registered() {
		if sp.Detect == nil {
			continue
		}
		if ev, ok := sp.Detect(fsys); ok {
			d.Models = append(d.Models, sp.Name)
			d.Evidence = append(d.Evidence, sp.Name+": "+ev)
		}
	}
	return d, nil
}

// noModelText lists every registered model's markers for the "matches no
// model" error.
func noModelText() string {
	var parts []string
	for _, sp := range registered() {
		if sp.Detect != nil && sp.Markers != "" {
			parts = append(parts, sp.Markers+" ("+sp.Name+")")
		}
	}
	return strings.Join(parts, ", ")
}

// ChooseModel applies the settings' model and the detection: exactly one
// model or a clear reason why none could be chosen.
func ChooseModel(dir string, s Settings) (string, Detection, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", Detection{}, fmt.Errorf("open folder %s: %w", dir, unwrapPathErr(err))
	}
	defer root.Close()
	return chooseModel(root.FS(), dir, s)
}

// chooseModel is ChooseModel on the folder dir opened as fsys.
func chooseModel(fsys fs.FS, dir string, s Settings) (string, Detection, error) {
	d, err := detectFS(fsys, dir)
	if err != nil {
		return "", d, err
	}
	if s.Model != "" {
		return s.Model, d, nil
	}
	switch len(d.Models) {
	case 0:
		return "", d, fmt.Errorf("%s matches no model: %s; set model in %s", dir, noModelText(), SettingsFile)
	case 1:
		return d.Models[0], d, nil
	default:
		return "", d, fmt.Errorf("%s matches more than one model (%s); set model in %s", dir, strings.Join(d.Evidence, "; "), SettingsFile)
	}
}
