package sectors

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"modscope/engine"
)

// Settings is the [sectors] section of modscope.toml.
type Settings struct {
	Mods []string `toml:"mods"` // mod order; unnamed mods follow by name
}

// settingsOf returns the game's [sectors] section (zero when absent).
func settingsOf(g *engine.Game) Settings {
	return engine.SettingsSection[Settings](g.Settings, engine.ModelSectors)
}

// ModFolder is one mod folder of a sectors game.
type ModFolder struct {
	Name string // folder name, the first part of require names
	Dir  string // path relative to the game folder, slash separated
}

// ModFolders lists the folders (DIR/<mod> or DIR/assets/<mod>) that hold
// manifest.xml and server.lua or sector.lua, sorted by name.
func ModFolders(dir string) []ModFolder {
	var mods []ModFolder
	for _, base := range []string{"", "assets"} {
		entries, err := os.ReadDir(filepath.Join(dir, base))
		if err != nil {
			continue
		}
		for _, e := range entries {
			rel := filepath.ToSlash(filepath.Join(base, e.Name()))
			full := filepath.Join(dir, rel)
			if !isDir(full) || !isFile(filepath.Join(full, "manifest.xml")) {
				continue
			}
			if isFile(filepath.Join(full, "server.lua")) || isFile(filepath.Join(full, "sector.lua")) {
				mods = append(mods, ModFolder{Name: e.Name(), Dir: rel})
			}
		}
	}
	sort.SliceStable(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	return mods
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// detect is the sectors marker: at least one mod folder.
func detect(dir string) (string, bool) {
	mods := ModFolders(dir)
	names := make([]string, len(mods))
	for i, m := range mods {
		names[i] = m.Name
	}
	return "mods " + strings.Join(names, ", "), len(mods) > 0
}

func init() {
	engine.Register(engine.ModelSpec{
		Name:           engine.ModelSectors,
		Order:          2,
		New:            New,
		DefaultContext: "server",
		Detect:         detect,
		Markers:        "no mod folder with manifest.xml and server.lua or sector.lua",
		Settings:       func() any { return new(Settings) },
		SettingsRows: func(sec any) [][2]string {
			return [][2]string{{"mods", strings.Join(sec.(*Settings).Mods, ", ")}}
		},
		// event, callback and advance are the core's verbs.
		Verbs: []engine.Verb{
			{Name: "join", Usage: "join PLAYER [SECTOR]", MinArgs: 1},
			{Name: "jump", Usage: "jump PLAYER SECTOR", MinArgs: 2},
			{Name: "leave", Usage: "leave PLAYER", MinArgs: 1},
			{Name: "logout", Usage: "logout PLAYER", MinArgs: 1},
		},
	})
}
