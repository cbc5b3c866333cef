package scripts

import (
	"os"
	"path/filepath"

	"modscope/engine"
)

// detect is the scripts marker: a scene file at the folder's top.
func detect(dir string) (string, bool) {
	st, err := os.Stat(filepath.Join(dir, SceneFile))
	return SceneFile, err == nil && st.Mode().IsRegular()
}

func init() {
	engine.Register(engine.ModelSpec{
		Name:           engine.ModelScripts,
		Order:          3,
		New:            New,
		DefaultContext: "shared",
		Detect:         detect,
		Markers:        "no " + SceneFile,
		// callback, edit and reload are the core's verbs.
		Verbs: []engine.Verb{
			{Name: "attach", Usage: "attach ENTITY SCRIPT", MinArgs: 2},
			{Name: "detach", Usage: "detach ENTITY SCRIPT", MinArgs: 2},
			{Name: "policy", Usage: "policy NAME|[RULES]", MinArgs: 1},
		},
	})
}
