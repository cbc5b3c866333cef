package sectors

import (
	"io/fs"
	"path"
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

// ModFolders lists the folders (<mod> or assets/<mod> of the game folder
// fsys) that hold manifest.xml and server.lua or sector.lua, sorted by
// name.
func ModFolders(fsys fs.FS) []ModFolder {
	var mods []ModFolder
	for _, base := range []string{".", "assets"} {
		entries, err := fs.ReadDir(fsys, base)
		if err != nil {
			continue
		}
		for _, e := range entries {
			rel := path.Join(base, e.Name())
			if !isDir(fsys, rel) || !isFile(fsys, path.Join(rel, "manifest.xml")) {
				continue
			}
			if isFile(fsys, path.Join(rel, "server.lua")) || isFile(fsys, path.Join(rel, "sector.lua")) {
				mods = append(mods, ModFolder{Name: e.Name(), Dir: rel})
			}
		}
	}
	sort.SliceStable(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	return mods
}

func isDir(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && st.IsDir()
}

func isFile(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && st.Mode().IsRegular()
}

// detect is the sectors marker: at least one mod folder.
func detect(fsys fs.FS) (string, bool) {
	mods := ModFolders(fsys)
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
		Window: engine.WindowSpec{
			Title:         "sectors — server and sectors",
			Send:          engine.SendEvent,
			SendLabel:     "Event — onto the one bus (every context's handlers get it); TARGET is who enqueues it",
			NameHint:      "event, e.g. player_logged_in",
			ArgsHint:      `fields: {"player_id":"p1"}`,
			Targets:       []string{"server"}, // the server context is a target before it is live
			PlayerActions: true,
			LifecycleRows: true,
			ModsSection:   engine.ModelSectors,
			ModsFirst:     []string{"base"}, // listed mods load first: base (the game) stays first
			OpenFirst:     []string{"base/server.lua", "assets/base/server.lua", "*/server.lua"},
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
