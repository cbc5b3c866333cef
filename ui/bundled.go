package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"modscope/assets"
	"modscope/cli"
	"modscope/engine"
)

// userSample gives the folder the Samples menu opens for a bundled sample:
// a writable copy under the user's data directory (assets.UserSample).
// Tests replace it (see samples_test.go) so they never write there.
var userSample = assets.UserSample

// sampleNames lists the bundled samples (built into the binary), the
// models' own first, in model order.
func sampleNames() []string { return assets.SampleNames() }

// exportDefinitions is File › Export LuaLS Definitions…: it asks for a
// folder and writes there, as `modscope annotate` does, the definitions of
// the open folder's API as loaded now (docs/annotate.md).
func (u *App) exportDefinitions() {
	if !u.ctl.HasSession() {
		u.showError(errNoSession)
		return
	}
	fd := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if l == nil {
			return
		}
		u.writeDefinitions(l.Path())
	}, u.win)
	if l, err := listableURI(u.exportDir()); err == nil {
		fd.SetLocation(l)
	}
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// writeDefinitions writes the definitions into dir on the controller's
// worker (which owns the engine) and says what it wrote.
func (u *App) writeDefinitions(dir string) {
	c := u.ctl
	folder := c.Dir
	c.OnWorker(func(d engine.Driver) {
		sum, err := cli.ExportDefinitions(d, folder, dir)
		c.Post(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.app.Preferences().SetString("exportDir", dir)
			c.SetStatus("Exported LuaLS definitions to " + dir)
			u.refreshHeader()
			dialog.ShowInformation("LuaLS definitions", sum.String()+
				"\n\nPoint the Lua language server at them with the .luarc.json written there\n(copy it to your mod's root folder, or merge its settings).", u.win)
		})
	})
}
