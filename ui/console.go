package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const allContexts = "(all contexts)"

// consoleView shows print output, errors (with clickable file:line) and
// evaluates Lua in the selected context.
type consoleView struct {
	u      *App
	ctxSel *fkSelect
	list   *fkList
	input  *histEntry
	runBtn *widget.Button
	rows   []int         // indexes into ctl.Console after filtering
	full   *widget.Label // the selected line, whole (rows are cut to one line)
	filter string
	obj    fyne.CanvasObject
}

func newConsoleView(u *App) *consoleView {
	v := &consoleView{u: u, filter: allContexts}
	v.ctxSel = newFKSelect(u, []string{allContexts}, func(s string) {
		v.filter = s
		v.unselect()
		if s != allContexts && s != "" {
			u.SelectContext(s)
		}
		v.refresh()
	})
	v.ctxSel.Selected = allContexts
	v.list = newFKList(u, func() int { return len(v.rows) },
		func() fyne.CanvasObject {
			kind := widget.NewLabel("›")
			kind.TextStyle = fyne.TextStyle{Monospace: true}
			text := widget.NewLabel("text")
			text.TextStyle = fyne.TextStyle{Monospace: true}
			text.Truncation = fyne.TextTruncateEllipsis
			link := widget.NewHyperlink("file.lua:1", nil)
			ctx := widget.NewLabel("ctx")
			ctx.SizeName = theme.SizeNameCaptionText
			return container.NewBorder(nil, nil, container.NewHBox(kind, ctx), link, text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.rows) || v.rows[i] >= len(u.ctl.Console) {
				return
			}
			ln := u.ctl.Console[v.rows[i]]
			b := o.(*fyne.Container)
			text := b.Objects[0].(*widget.Label)
			left := b.Objects[1].(*fyne.Container)
			link := b.Objects[2].(*widget.Hyperlink)
			kind := left.Objects[0].(*widget.Label)
			ctx := left.Objects[1].(*widget.Label)
			imp := widget.MediumImportance
			prefix := " "
			switch ln.Kind {
			case "input":
				prefix = "›"
				imp = widget.HighImportance
			case "result":
				prefix = "="
				imp = widget.SuccessImportance
			case "error":
				prefix = "✗"
				imp = widget.DangerImportance
			}
			switch ln.Level {
			case "warn":
				imp = widget.WarningImportance
			case "error":
				imp = widget.DangerImportance
			}
			kind.SetText(prefix)
			kind.Importance = imp
			kind.Refresh()
			ctx.SetText(ln.Context)
			text.Importance = imp
			text.SetText(strings.ReplaceAll(ln.Text, "\n", " ⏎ "))
			if ln.Where != "" {
				where := ln.Where
				link.SetText(where)
				link.OnTapped = func() { u.GotoWhere(where) }
				link.Show()
			} else {
				link.Hide()
			}
			b.Refresh()
		})
	v.full = widget.NewLabel("")
	v.full.Wrapping = fyne.TextWrapWord
	v.full.TextStyle = fyne.TextStyle{Monospace: true}
	v.full.Hide()
	v.list.OnSelected = func(i widget.ListItemID) {
		if i >= len(v.rows) || v.rows[i] >= len(u.ctl.Console) {
			return
		}
		ln := u.ctl.Console[v.rows[i]]
		text := ln.Text
		if ln.Raw != "" {
			text = ln.Raw
		}
		if ln.Context != "" {
			text = ln.Context + ": " + text
		}
		v.full.SetText(text)
		v.full.Show()
	}
	v.input = newHistEntry()
	v.input.fkeys = u.functionKey
	v.input.SetPlaceHolder("Lua to evaluate in the selected context (Enter) — e.g. return #table.keys(_G)")
	v.input.TextStyle = fyne.TextStyle{Monospace: true}
	v.input.OnSubmitted = func(string) { v.eval() }
	v.runBtn = widget.NewButtonWithIcon("Eval", theme.MediaPlayIcon(), v.eval)
	clear := widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() {
		u.ctl.ClearConsole()
		v.refresh()
	})
	clear.Importance = widget.LowImportance
	top := container.NewBorder(nil, nil, widget.NewLabel("Context"), clear, v.ctxSel)
	bottom := container.NewVBox(v.full, container.NewBorder(nil, nil, nil, v.runBtn, v.input))
	v.obj = container.NewBorder(top, bottom, nil, nil, v.list)
	return v
}

// evalContext is the context an eval runs in.
func (v *consoleView) evalContext() string {
	if v.filter != allContexts && v.filter != "" {
		return v.filter
	}
	return v.u.selected
}

func (v *consoleView) eval() {
	code := strings.TrimSpace(v.input.Text)
	if code == "" || !v.u.ctl.HasSession() {
		return
	}
	ctx := v.evalContext()
	if ctx == "" {
		v.u.ctl.AddConsoleLine(ConsoleLine{Kind: "error", Level: "error", Text: "there is no context yet: Step (F10) or Run all (F5) first"})
		v.refresh()
		return
	}
	v.input.remember(code)
	v.input.SetText("")
	v.u.ctl.Eval(ctx, code, nil)
}

func (v *consoleView) contextsChanged() {
	opts := append([]string{allContexts}, v.u.ContextNames()...)
	v.ctxSel.Options = opts
	found := false
	for _, o := range opts {
		if o == v.filter {
			found = true
		}
	}
	if !found {
		v.filter = allContexts
	}
	if v.ctxSel.Selected != v.filter {
		cb := v.ctxSel.OnChanged
		v.ctxSel.OnChanged = nil
		v.ctxSel.SetSelected(v.filter)
		v.ctxSel.OnChanged = cb
	}
	v.ctxSel.Refresh()
	ctx := v.evalContext()
	if ctx == "" {
		v.input.SetPlaceHolder("No context yet: Step (F10) or Run all (F5) first")
	} else {
		v.input.SetPlaceHolder("Lua to evaluate in " + ctx + " (Enter) — e.g. return #table.keys(_G)")
	}
	v.refresh()
}

func (v *consoleView) refresh() {
	v.rows = v.rows[:0]
	for i, ln := range v.u.ctl.Console {
		if v.filter == allContexts || ln.Context == v.filter || ln.Context == "" {
			v.rows = append(v.rows, i)
		}
	}
	if len(v.rows) == 0 {
		v.unselect()
	}
	v.list.Refresh()
	if len(v.rows) > 0 {
		v.list.ScrollToBottom()
	}
}

// unselect forgets the selected line (its rows moved or went away).
func (v *consoleView) unselect() {
	v.list.UnselectAll()
	v.full.Hide()
}
