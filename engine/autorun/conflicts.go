package autorun

import "modscope/engine"

// modRefs names the mods, in load order, for the conflict recorder
// (engine/conflicts.go, docs/conflicts.md): a file under a mod's folder
// is that mod's.
func modRefs(mods []*ModDef) []engine.ModRef {
	out := make([]engine.ModRef, 0, len(mods))
	for _, d := range mods {
		out = append(out, engine.ModRef{ID: d.ID, Title: d.Title, Folder: d.Folder})
	}
	return out
}
