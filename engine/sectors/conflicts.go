package sectors

import "modscope/engine"

// modRefs names the mods other than base (the game itself), in load
// order, for the conflict recorder (engine/conflicts.go,
// docs/conflicts.md): a file under a mod's folder is that mod's.
func modRefs(mods []ModFolder) []engine.ModRef {
	var out []engine.ModRef
	for _, md := range mods {
		if md.Name == "base" {
			continue
		}
		out = append(out, engine.ModRef{ID: md.Name, Folder: md.Dir})
	}
	return out
}
