package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
)

// stepperView lists the model's steps with the next one marked, with
// breakpoints, and the buttons that run them.
type stepperView struct {
	u        *App
	list     *fkList
	sel      int // selected step, -1 none
	bar      *widget.ProgressBar
	stepBtn  *widget.Button
	runToBtn *widget.Button
	runBtn   *widget.Button
	resetBtn *widget.Button
	loadBtn  *widget.Button
	stopBtn  *widget.Button
	info     *widget.Label
	doc      *widget.Label // what the selected (else the next) step does
	obj      fyne.CanvasObject
}

func newStepperView(u *App) *stepperView {
	v := &stepperView{u: u, sel: -1}
	v.list = newFKList(u, func() int { return len(u.ctl.Steps) },
		func() fyne.CanvasObject {
			bp := widget.NewButtonWithIcon("", theme.RadioButtonIcon(), nil)
			bp.Importance = widget.LowImportance
			mark := widget.NewIcon(nil)
			name := widget.NewLabel("step name")
			name.Truncation = fyne.TextTruncateEllipsis
			info := widget.NewLabel("")
			info.SizeName = theme.SizeNameCaptionText
			return container.NewBorder(nil, nil, container.NewHBox(bp, mark), info, name)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := u.ctl
			if i >= len(c.Steps) {
				return
			}
			name := c.Steps[i]
			b := o.(*fyne.Container)
			lbl := b.Objects[0].(*widget.Label)
			left := b.Objects[1].(*fyne.Container)
			info := b.Objects[2].(*widget.Label)
			bp := left.Objects[0].(*widget.Button)
			mark := left.Objects[1].(*widget.Icon)
			if c.Breakpoints[name] {
				bp.SetIcon(theme.NewErrorThemedResource(theme.RadioButtonCheckedIcon()))
			} else {
				bp.SetIcon(theme.RadioButtonIcon())
			}
			bp.OnTapped = func() { u.ctl.ToggleBreakpoint(name) }
			lbl.TextStyle = fyne.TextStyle{}
			switch {
			case i < c.Next:
				mark.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
			case i == c.Next:
				mark.SetResource(theme.NewPrimaryThemedResource(theme.MediaPlayIcon()))
				lbl.TextStyle = fyne.TextStyle{Bold: true}
			default:
				mark.SetResource(nil)
			}
			lbl.SetText(fmt.Sprintf("%d. %s", i+1, name))
			info.SetText("")
			info.Importance = widget.MediumImportance
			if i < c.Next {
				if st, ok := lastStep(c.Report, name); ok {
					t := fmt.Sprintf("%d files · %s", len(st.Files), fmtMs(st.Ms))
					if st.Errors > 0 {
						t += fmt.Sprintf(" · %d err", st.Errors)
						info.Importance = widget.DangerImportance
					}
					if st.Fatal {
						t += " · fatal"
						info.Importance = widget.DangerImportance
					}
					info.SetText(t)
				}
			}
			info.Refresh()
			b.Refresh()
		})
	v.list.OnSelected = func(i widget.ListItemID) { v.sel = i; v.refreshButtons(); v.refreshDoc() }
	v.list.OnUnselected = func(widget.ListItemID) { v.sel = -1; v.refreshButtons(); v.refreshDoc() }

	v.stepBtn = widget.NewButtonWithIcon("Step", theme.MediaSkipNextIcon(), v.step)
	v.stepBtn.Importance = widget.HighImportance
	v.runToBtn = widget.NewButtonWithIcon("Run to selected", theme.MediaFastForwardIcon(), v.runTo)
	v.runBtn = widget.NewButtonWithIcon("Run all", theme.MediaPlayIcon(), v.runAll)
	v.resetBtn = widget.NewButtonWithIcon("Reset", theme.MediaReplayIcon(), v.reset)
	v.loadBtn = widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), v.reload)
	v.bar = widget.NewProgressBar()
	v.bar.TextFormatter = func() string {
		if len(u.ctl.Steps) == 0 {
			return "no steps"
		}
		return fmt.Sprintf("%d of %d steps", u.ctl.Next, len(u.ctl.Steps))
	}
	v.info = widget.NewLabel("F10 step · F5 run all (stops at ● breakpoints) · Ctrl+F10 run to selected · Ctrl+R reload · Ctrl+. stop")
	v.info.SizeName = theme.SizeNameCaptionText
	v.info.Truncation = fyne.TextTruncateEllipsis
	title := widget.NewLabelWithStyle("Steps", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), u.ctl.Stop)
	// one row (room for the steps): Step with its name, the rest icons
	for _, b := range []*widget.Button{v.runToBtn, v.runBtn, v.resetBtn, v.loadBtn, v.stopBtn} {
		b.SetText("")
	}
	buttons := container.NewHBox(v.stepBtn, v.runBtn, v.runToBtn, v.resetBtn, v.loadBtn, v.stopBtn)
	top := container.NewBorder(nil, nil, title, buttons, v.bar)
	v.doc = widget.NewLabel("")
	v.doc.Wrapping = fyne.TextWrapWord
	v.doc.SizeName = theme.SizeNameCaptionText
	docScroll := container.NewVScroll(v.doc)
	docScroll.SetMinSize(fyne.NewSize(0, 52))
	v.obj = container.NewBorder(top, container.NewVBox(docScroll, v.info), nil, nil, v.list)
	v.refreshButtons()
	return v
}

func lastStep(r engine.Report, name string) (engine.StepReport, bool) {
	for i := len(r.Steps) - 1; i >= 0; i-- {
		if r.Steps[i].Name == name && r.Steps[i].Kind == "step" {
			return r.Steps[i], true
		}
	}
	return engine.StepReport{}, false
}

func fmtMs(ms float64) string {
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f ms", ms)
}

func (v *stepperView) refresh() {
	c := v.u.ctl
	if v.sel >= len(c.Steps) {
		v.sel = -1
		v.list.UnselectAll()
	}
	if len(c.Steps) > 0 {
		v.bar.SetValue(float64(c.Next) / float64(len(c.Steps)))
	} else {
		v.bar.SetValue(0)
	}
	v.list.Refresh()
	v.refreshDoc()
	if c.Next < len(c.Steps) && c.Busy > 0 {
		v.list.ScrollTo(c.Next)
	}
	v.refreshButtons()
}

// refreshDoc says what the selected step (else the next one) does.
func (v *stepperView) refreshDoc() {
	c := v.u.ctl
	i := v.sel
	if i < 0 || i >= len(c.Steps) {
		i = min(c.Next, len(c.Steps)-1) // the next step, or the last one run
	}
	if i < 0 || i >= len(c.Steps) {
		v.doc.SetText("")
		return
	}
	name, doc := c.Steps[i], stepDoc(c.Folder.Window, c.Steps[i])
	if strings.HasPrefix(doc, name) { // the text names the step itself: Msg("X"): ...
		v.doc.SetText(doc)
		return
	}
	v.doc.SetText(name + ": " + doc)
}

func (v *stepperView) refreshButtons() {
	c := v.u.ctl
	open := c.HasSession()
	left := open && c.Next < len(c.Steps)
	setEnabled(v.stepBtn, left && c.Busy == 0)
	setEnabled(v.runBtn, left && c.Busy == 0)
	setEnabled(v.runToBtn, left && c.Busy == 0 && v.sel >= c.Next)
	setEnabled(v.resetBtn, open && c.Busy == 0)
	setEnabled(v.loadBtn, open && c.Busy == 0)
	setEnabled(v.stopBtn, c.Busy > 0)
}

func setEnabled(w fyne.Disableable, on bool) {
	if on && w.Disabled() {
		w.Enable()
	} else if !on && !w.Disabled() {
		w.Disable()
	}
}

func (v *stepperView) step() {
	if v.u.ctl.Busy > 0 || !v.u.ctl.HasSession() {
		return
	}
	v.u.ctl.Step(nil)
}

func (v *stepperView) runAll() {
	if v.u.ctl.Busy > 0 || !v.u.ctl.HasSession() {
		return
	}
	v.u.ctl.RunAll(nil)
}

func (v *stepperView) runTo() {
	if v.u.ctl.Busy > 0 || !v.u.ctl.HasSession() || v.sel < 0 {
		return
	}
	v.u.ctl.RunTo(v.sel, nil)
}

func (v *stepperView) reset() {
	if v.u.ctl.Busy > 0 || !v.u.ctl.HasSession() {
		return
	}
	v.u.ctl.Reset(nil)
}

func (v *stepperView) reload() {
	if v.u.ctl.Busy > 0 || !v.u.ctl.HasSession() {
		return
	}
	v.u.editor.confirmDiscard(func() { v.u.ctl.Reload(nil) })
}
