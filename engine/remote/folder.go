package remote

import "modscope/engine"

// capFolder returns a copy of fi with every string bounded (the folder's
// file names and settings are the folder's to choose).
func capFolder(fi engine.FolderInfo) engine.FolderInfo {
	c := func(s string) string { return capString(s, maxWireString) }
	list := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = c(s)
		}
		return out
	}
	fi.Dir, fi.DetectError, fi.SettingsError, fi.SettingsModel = c(fi.Dir), c(fi.DetectError), c(fi.SettingsError), c(fi.SettingsModel)
	fi.Detection.Evidence = list(fi.Detection.Evidence)
	fi.LuaFiles = list(fi.LuaFiles)
	fi.FirstFile = c(fi.FirstFile)
	rows := make([][2]string, len(fi.Settings))
	for i, kv := range fi.Settings {
		rows[i] = [2]string{c(kv[0]), c(kv[1])}
	}
	fi.Settings = rows
	return fi
}
