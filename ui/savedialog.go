package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// exportDir is where a save dialog starts: the folder of the last export,
// else the open game folder, else the working directory.
func (u *App) exportDir() string {
	if d := u.app.Preferences().String("exportDir"); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	if u.ctl.Dir != "" {
		return u.ctl.Dir
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return ""
}

// resolveSavePath turns what was typed into an absolute path: an absolute
// path as it is (~/ is the home folder), a relative one under base.
func resolveSavePath(typed, base string) (string, error) {
	p := strings.TrimSpace(typed)
	if p == "" {
		return "", errors.New("no file name")
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		p = filepath.Join(home, strings.TrimPrefix(p, "~"))
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	p = filepath.Clean(p)
	if st, err := os.Stat(filepath.Dir(p)); err != nil || !st.IsDir() {
		return "", fmt.Errorf("save %s: the folder %s does not exist", p, filepath.Dir(p))
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return "", fmt.Errorf("save %s: that is a folder", p)
	}
	return p, nil
}

// saveDialog asks where to save name (a full path, typed or browsed,
// starting in exportDir) and calls write with it; an existing file is
// replaced only after asking.
func (u *App) saveDialog(title, name string, write func(path string) error) {
	base := u.exportDir()
	in := newFKEntry(u)
	in.SetText(filepath.Join(base, name))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	save := func() {
		p, err := resolveSavePath(in.Text, base)
		if err != nil {
			msg.SetText(err.Error())
			return
		}
		do := func() {
			if err := write(p); err != nil {
				msg.SetText(err.Error())
				return
			}
			u.app.Preferences().SetString("exportDir", filepath.Dir(p))
			d.Hide()
		}
		if _, err := os.Stat(p); err == nil {
			u.ask("Replace "+filepath.Base(p)+"?", p+" exists. Replace it?", []string{"Replace", "Cancel"}, func(i int) {
				if i == 0 {
					do()
				}
			})
			return
		}
		do()
	}
	in.OnSubmitted = func(string) { save() }
	// Browse picks a folder only: Fyne's save dialog would create (and so
	// empty) the file it names before we could ask whether to replace it.
	browse := widget.NewButton("Browse…", func() {
		fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil {
				msg.SetText(err.Error())
				return
			}
			if dir == nil {
				return
			}
			in.SetText(filepath.Join(dir.Path(), filepath.Base(in.Text)))
		}, u.win)
		if l, err := listableURI(filepath.Dir(in.Text)); err == nil {
			fd.SetLocation(l)
		} else if l, err := listableURI(base); err == nil {
			fd.SetLocation(l)
		}
		fd.Resize(fyne.NewSize(900, 600))
		fd.Show()
	})
	hint := widget.NewLabel("A full path, or a name in " + base)
	hint.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(container.NewBorder(nil, nil, nil, browse, in), hint, msg)
	d = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(620, body.MinSize().Height+40), body), u.win)
	saveBtn := widget.NewButton("Save", save)
	saveBtn.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", func() { d.Hide() }), saveBtn})
	d.Show()
	u.win.Canvas().Focus(in)
	u.lastSave, u.lastSaveDo = in, save // for tests
}
