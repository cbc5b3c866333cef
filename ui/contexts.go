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

	// The model's registry rows (scripts: lifecycle, calls...; sectors:
	// callbacks...), fetched after every command; stuck maps a context a
	// failed first load keeps loading to why.
	rows    map[string][]modelRow
	stuck   map[string]string
	rowsKey string
	rowsGen int
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
	v := &contextsView{u: u, tall: map[int]bool{}, stuck: map[string]string{}}
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
			r, stuck := v.thirdLine(ci)
			res.Importance = widget.MediumImportance
			if stuck {
				res.Importance = widget.WarningImportance
			}
			if r != "" {
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
		if i >= len(ctxs) || !v.isTall(ctxs[i]) {
			v.list.SetItemHeight(i, v.shortH)
			delete(v.tall, i)
		}
	}
	for i, ci := range ctxs {
		if v.isTall(ci) && !v.tall[i] {
			v.list.SetItemHeight(i, v.tallH)
			v.tall[i] = true
		}
	}
}

// thirdLine is a row's third line: why the context is stuck loading, if
// it is, then its residents.
func (v *contextsView) thirdLine(ci engine.ContextInfo) (text string, stuck bool) {
	r := residentsLine(ci)
	if why := v.stuck[ci.Name]; why != "" && ci.State == engine.StateLoading {
		return strings.TrimSuffix(shortReason(why)+" · "+r, " · "), true
	}
	return r, false
}

// isTall tells a row with a third line: residents, or why it is stuck.
func (v *contextsView) isTall(ci engine.ContextInfo) bool {
	return len(ci.Residents) > 0 || (ci.State == engine.StateLoading && v.stuck[ci.Name] != "")
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
	v.fetchRows()
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

// fetchRows asks the engine for the model's registry rows once the
// session is idle and something ran since the last time (models whose
// WindowSpec asks for LifecycleRows), then shows why a context is stuck
// loading and hands the rows to the events panel.
func (v *contextsView) fetchRows() {
	c := v.u.ctl
	w := c.Folder.Window
	if !c.HasSession() || !w.LifecycleRows || len(c.Contexts) == 0 {
		if v.rows != nil || len(v.stuck) > 0 {
			v.rowsGen++
			v.rowsKey = ""
			v.setRows(nil)
		}
		return
	}
	if c.Busy > 0 {
		return
	}
	key := fmt.Sprintf("%d/%d/%d/%d", c.Gen, len(c.Log), c.Next, len(c.Contexts))
	if key == v.rowsKey {
		return
	}
	if w.RowsOnlyWhileLoading && v.rows != nil && !anyLoading(c.Contexts) && len(v.stuck) == 0 {
		// a scene's rows can be large: the window needs them here only for
		// a context stuck loading (the policy's note is already shown)
		return
	}
	v.rowsKey = key
	v.rowsGen++
	gen := v.rowsGen
	c.View(engine.Command{Op: "registries", Args: []any{c.Contexts[0].Name}}, func(r engine.Result) {
		if gen != v.rowsGen {
			return
		}
		if !r.OK || r.Registries == nil {
			v.rowsKey = "" // try again after the next command
			return
		}
		v.setRows(r.Registries.Model)
	})
}

func anyLoading(ctxs []engine.ContextInfo) bool {
	for _, ci := range ctxs {
		if ci.State == engine.StateLoading {
			return true
		}
	}
	return false
}

func (v *contextsView) setRows(rows map[string][]modelRow) {
	v.rows = rows
	v.stuck = stuckReasons(rows)
	v.sizeRows()
	v.list.Refresh()
	if v.u.events != nil {
		v.u.events.rowsChanged(rows)
	}
}
