package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
)

// contextsView lists every live context: name, model, state, residents.
type contextsView struct {
	u       *App
	list    *fkList
	empty   *widget.Label
	removed *widget.Label // contexts the last command removed
	obj     fyne.CanvasObject

	// rows with residents are one line taller
	shortH, tallH float32
	tall          map[int]bool
}

func stateColor(state string) color.Color {
	switch state {
	case engine.StateActive:
		return color.NRGBA{R: 0x2e, G: 0xb8, B: 0x4c, A: 0xff}
	case engine.StateLoading, engine.StateReloading:
		return color.NRGBA{R: 0xf0, G: 0xa0, B: 0x20, A: 0xff}
	case engine.StateUnloading:
		return color.NRGBA{R: 0xe0, G: 0x70, B: 0x40, A: 0xff}
	case engine.StateUnloaded:
		return color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
	}
	return color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
}

func newContextsView(u *App) *contextsView {
	v := &contextsView{u: u, tall: map[int]bool{}}
	v.empty = widget.NewLabel("No contexts yet: Step (F10) or Run all (F5).")
	v.empty.Wrapping = fyne.TextWrapWord
	v.list = newFKList(u, func() int { return len(u.ctl.Contexts) },
		func() fyne.CanvasObject {
			dot := canvas.NewCircle(color.White)
			name := widget.NewLabelWithStyle("context name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			info := widget.NewLabel("model · state")
			info.Truncation = fyne.TextTruncateEllipsis
			info.SizeName = theme.SizeNameCaptionText
			res := widget.NewLabel("residents")
			res.Truncation = fyne.TextTruncateEllipsis
			res.SizeName = theme.SizeNameCaptionText
			res.Hide()
			return container.NewBorder(nil, nil,
				container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), dot)), nil,
				container.NewVBox(name, info, res))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.ctl.Contexts) {
				return
			}
			ci := u.ctl.Contexts[i]
			b := o.(*fyne.Container)
			txt := b.Objects[0].(*fyne.Container)
			dot := b.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			dot.FillColor = stateColor(ci.State)
			dot.Refresh()
			name := ci.Name
			if tag := changeTag(u.ctl.LastChanges, ci.Name); tag != "" {
				name += "   (" + tag + ")"
			}
			txt.Objects[0].(*widget.Label).SetText(name)
			txt.Objects[1].(*widget.Label).SetText(contextSummary(ci))
			res := txt.Objects[2].(*widget.Label)
			if r := residentsLine(ci); r != "" {
				res.SetText(r)
				res.Show()
			} else {
				res.Hide()
			}
			b.Refresh()
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(u.ctl.Contexts) {
			u.SelectContext(u.ctl.Contexts[i].Name)
		}
	}
	v.removed = widget.NewLabel("")
	v.removed.Wrapping = fyne.TextWrapWord
	v.removed.SizeName = theme.SizeNameCaptionText
	v.obj = container.NewBorder(nil, v.removed, nil, nil, container.NewStack(v.list, container.NewVBox(v.empty)))
	return v
}

// sizeRows makes the rows of contexts with residents one line taller.
func (v *contextsView) sizeRows() {
	if v.tallH == 0 {
		o := v.list.CreateItem().(*fyne.Container)
		v.shortH = o.MinSize().Height
		o.Objects[0].(*fyne.Container).Objects[2].Show()
		v.tallH = o.MinSize().Height
	}
	ctxs := v.u.ctl.Contexts
	for i := range v.tall {
		if i >= len(ctxs) || len(ctxs[i].Residents) == 0 {
			v.list.SetItemHeight(i, v.shortH)
			delete(v.tall, i)
		}
	}
	for i, ci := range ctxs {
		if len(ci.Residents) > 0 && !v.tall[i] {
			v.list.SetItemHeight(i, v.tallH)
			v.tall[i] = true
		}
	}
}

// changeTag says whether the last command created, merged or split name.
func changeTag(ch *engine.ContextChanges, name string) string {
	if ch == nil {
		return ""
	}
	switch {
	case contains(ch.Created, name):
		return "new"
	case contains(ch.Merged, name):
		return "merged"
	case contains(ch.Split, name):
		return "split"
	}
	return ""
}

// contextSummary is the panel's second line: model, state and counts.
func contextSummary(ci engine.ContextInfo) string {
	ci.Residents = nil
	return contextLine(ci)
}

// residentsLine lists a context's residents (scripts model), without the
// context's own name where a resident repeats it ("entity:1 scripts/a.lua"
// in entity:1 reads "scripts/a.lua").
func residentsLine(ci engine.ContextInfo) string {
	if len(ci.Residents) == 0 {
		return ""
	}
	out := make([]string, len(ci.Residents))
	for i, r := range ci.Residents {
		out[i] = strings.TrimPrefix(r, ci.Name+" ")
	}
	return fmt.Sprintf("%d resident%s: %s", len(out), plural(len(out)), strings.Join(out, ", "))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func contextLine(ci engine.ContextInfo) string {
	parts := []string{ci.State}
	if ci.Model != "" {
		parts = append([]string{ci.Model}, parts...)
	}
	if ci.Globals > 0 {
		parts = append(parts, fmt.Sprintf("%d globals", ci.Globals))
	}
	if ci.Files > 0 {
		parts = append(parts, fmt.Sprintf("%d files", ci.Files))
	}
	if ci.Errors > 0 {
		parts = append(parts, fmt.Sprintf("%d errors", ci.Errors))
	}
	if len(ci.Residents) > 0 {
		parts = append(parts, "residents: "+strings.Join(ci.Residents, ", "))
	}
	return strings.Join(parts, " · ")
}

func (v *contextsView) refresh() {
	if len(v.u.ctl.Contexts) == 0 {
		v.empty.Show()
	} else {
		v.empty.Hide()
	}
	v.sizeRows()
	v.list.Refresh()
	if ch := v.u.ctl.LastChanges; ch != nil && len(ch.Removed) > 0 {
		v.removed.SetText("Last command removed: " + strings.Join(ch.Removed, ", "))
		v.removed.Show()
	} else {
		v.removed.Hide()
	}
	for i, ci := range v.u.ctl.Contexts {
		if ci.Name == v.u.selected {
			sel := v.list.OnSelected
			v.list.OnSelected = nil
			v.list.Select(i)
			v.list.OnSelected = sel
			return
		}
	}
	v.list.UnselectAll()
}
