package scripts

import (
	"io/fs"

	"modscope/engine"
)

// detect is the scripts marker: a scene file at the folder's top.
func detect(fsys fs.FS) (string, bool) {
	st, err := fs.Stat(fsys, SceneFile)
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
		Window: engine.WindowSpec{
			Title:                "scripts — context policies",
			Send:                 engine.SendEvent,
			SendLabel:            "Event — into one context, server or all",
			NameHint:             "event, e.g. player_logged_in",
			ArgsHint:             `fields: {"player_id":"p1"}`,
			AttachmentActions:    true,
			LifecycleRows:        true,
			RowsOnlyWhileLoading: true, // a scene's rows can be large
			OpenFirst:            []string{SceneFile},
			StepDocs:             stepDocs,
			Rows:                 rowViews,
			Stuck:                stuckRows,
			Note:                 noteRow,
		},
		// callback, edit and reload are the core's verbs.
		Verbs: []engine.Verb{
			{Name: "attach", Usage: "attach ENTITY SCRIPT", MinArgs: 2},
			{Name: "detach", Usage: "detach ENTITY SCRIPT", MinArgs: 2},
			{Name: "policy", Usage: "policy NAME|[RULES]", MinArgs: 1},
		},
	})
}
