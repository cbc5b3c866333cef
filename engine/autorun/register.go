package autorun

import (
	"io/fs"
	"strings"

	"modscope/engine"
)

// Settings is the [autorun] section of modscope.toml.
type Settings struct {
	Platform []string `toml:"platform"`
	Mods     []string `toml:"mods"`
	// LuaRevision and BuildVersion are the globals the engine reads
	// from _LuaRevision.lua (0 and "": a plausible revision, see docs/autorun.md).
	LuaRevision  int    `toml:"lua_revision"`
	BuildVersion string `toml:"build_version"`
}

// settingsOf returns the game's [autorun] section (zero when absent).
func settingsOf(g *engine.Game) Settings {
	return engine.SettingsSection[Settings](g.Settings, engine.ModelAutorun)
}

// markerDirs are the top-level folders of a Haemimont game or mod tree.
var markerDirs = []string{"CommonLua", "Lua", "Data", "DLC", "Mods"}

// detect finds the marker folders in the game folder, in the folder's own
// order.
func detect(fsys fs.FS) (string, bool) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", false
	}
	var marks []string
	for _, e := range entries {
		for _, m := range markerDirs {
			if e.Name() != m {
				continue
			}
			if st, err := fs.Stat(fsys, m); err == nil && st.IsDir() {
				marks = append(marks, m+"/")
			}
		}
	}
	return strings.Join(marks, ", "), len(marks) > 0
}

func init() {
	engine.Register(engine.ModelSpec{
		Name:           engine.ModelAutorun,
		Order:          1,
		New:            New,
		DefaultContext: "main",
		Detect:         detect,
		Markers:        "no CommonLua/, Lua/, Data/, DLC/ or Mods/",
		Settings:       func() any { return new(Settings) },
		SettingsRows: func(sec any) [][2]string {
			s := sec.(*Settings)
			return [][2]string{{"platform", strings.Join(s.Platform, ", ")}, {"mods", strings.Join(s.Mods, ", ")}}
		},
		Window: engine.WindowSpec{
			Title:       "autorun — staged loader (Lua/, Mods/)",
			Send:        engine.SendMsg,
			SendLabel:   "Message — Msg(name, args…) in main",
			NameHint:    "message, e.g. NewMap",
			ArgsHint:    `arguments: "mars" 3`,
			ReloadAll:   true, // the game reloads everything (ReloadLua), never one file
			ModsSection: engine.ModelAutorun,
			OpenFirst:   []string{"Lua/"},
			StepDocs:    stepDocs,
		},
		// msg, event and advance are the core's verbs; ReloadLua() is
		// picked up through engine.ReloadRequester (Model.TakeReload).
	})
}

// Both autorun models are asked after every command whether Lua called
// ReloadLua() (the session runs that reload).
var (
	_ engine.ReloadRequester = (*Model)(nil)
	_ engine.ReloadRequester = (*Shipped)(nil)
)
