package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The model names.
const (
	ModelAutorun = "autorun"
	ModelSectors = "sectors"
	ModelScripts = "scripts"
)

// ModelNames lists every model in a stable order.
var ModelNames = []string{ModelAutorun, ModelSectors, ModelScripts}

func knownModel(name string) bool {
	for _, m := range ModelNames {
		if m == name {
			return true
		}
	}
	return false
}

// Detection is what a folder looked like to model detection.
type Detection struct {
	Models   []string // models whose markers were found, in ModelNames order
	Evidence []string // one human line per marker found
}

// Detect looks at DIR for the markers of each model (docs/README.md, docs/autorun.md, docs/sectors.md, docs/scripts.md).
func Detect(dir string) (Detection, error) {
	var d Detection
	entries, err := os.ReadDir(dir)
	if err != nil {
		return d, fmt.Errorf("open folder %s: %w", dir, err)
	}
	var autorunMarks []string
	for _, e := range entries {
		switch e.Name() {
		case "CommonLua", "Lua", "Data", "DLC", "Mods":
			if isDir(filepath.Join(dir, e.Name())) {
				autorunMarks = append(autorunMarks, e.Name()+"/")
			}
		}
	}
	if len(autorunMarks) > 0 {
		d.Models = append(d.Models, ModelAutorun)
		d.Evidence = append(d.Evidence, "autorun: "+strings.Join(autorunMarks, ", "))
	}
	if mods := SectorMods(dir); len(mods) > 0 {
		d.Models = append(d.Models, ModelSectors)
		names := make([]string, len(mods))
		for i, m := range mods {
			names[i] = m.Name
		}
		d.Evidence = append(d.Evidence, "sectors: mods "+strings.Join(names, ", "))
	}
	if fileExists(filepath.Join(dir, "scene.toml")) {
		d.Models = append(d.Models, ModelScripts)
		d.Evidence = append(d.Evidence, "scripts: scene.toml")
	}
	return d, nil
}

// SectorMod is one mod folder of a sectors game.
type SectorMod struct {
	Name string // folder name, the first part of require names
	Dir  string // path relative to the game folder, slash separated
}

// SectorMods lists the folders (DIR/<mod> or DIR/assets/<mod>) that hold
// manifest.xml and server.lua or sector.lua, sorted by name.
func SectorMods(dir string) []SectorMod {
	var mods []SectorMod
	for _, base := range []string{"", "assets"} {
		entries, err := os.ReadDir(filepath.Join(dir, base))
		if err != nil {
			continue
		}
		for _, e := range entries {
			rel := filepath.ToSlash(filepath.Join(base, e.Name()))
			full := filepath.Join(dir, rel)
			if !isDir(full) || !fileExists(filepath.Join(full, "manifest.xml")) {
				continue
			}
			if fileExists(filepath.Join(full, "server.lua")) || fileExists(filepath.Join(full, "sector.lua")) {
				mods = append(mods, SectorMod{Name: e.Name(), Dir: rel})
			}
		}
	}
	sort.SliceStable(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	return mods
}

// ChooseModel applies the settings' model and the detection: exactly one
// model or a clear reason why none could be chosen.
func ChooseModel(dir string, s Settings) (string, Detection, error) {
	d, err := Detect(dir)
	if err != nil {
		return "", d, err
	}
	if s.Model != "" {
		return s.Model, d, nil
	}
	switch len(d.Models) {
	case 0:
		return "", d, fmt.Errorf("%s matches no model: no CommonLua/, Lua/, Data/, DLC/ or Mods/ (autorun), no mod folder with manifest.xml and server.lua or sector.lua (sectors), no scene.toml (scripts); set model in %s", dir, SettingsFile)
	case 1:
		return d.Models[0], d, nil
	default:
		return "", d, fmt.Errorf("%s matches more than one model (%s); set model in %s", dir, strings.Join(d.Evidence, "; "), SettingsFile)
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
