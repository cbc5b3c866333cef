package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
)

// problemsView is the Problems tab: every error of the session, grouped by
// root cause (the engine's ErrorRecord.Cause: errors that follow from one
// error, failed file or stand-in go under it) and otherwise by file, with
// counts and a filter; selecting an error opens its file at its line.
type problemsView struct {
	u        *App
	filter   *fkEntry
	head     *widget.Label
	detail   *widget.Label
	tree     *fkTree
	groups   []*probGroup
	byKey    map[string]*probGroup
	shown    int // errors shown (after the filter)
	lastHead string
	obj      fyne.CanvasObject
}

// probGroup is one group of errors.
type probGroup struct {
	key   string
	title string
	root  bool  // grouped by a root cause (not just by file)
	errs  []int // indexes into Controller.Errors
}

const probPrefix = "e:" // + index: one error's tree ID

func newProblemsView(u *App) *problemsView {
	v := &problemsView{u: u, byKey: map[string]*probGroup{}}
	v.filter = newFKEntry(u)
	v.filter.SetPlaceHolder("Filter problems (file, message, context, step)")
	v.filter.OnChanged = func(string) { v.refresh() }
	v.head = widget.NewLabelWithStyle("No problems", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.detail = widget.NewLabel("Select an error to open its file at its line; its message and traceback show here.\n\n" +
		"Errors that follow from another (a failed file, a missing stand-in) are grouped under that root cause; the rest by file.")
	v.detail.Wrapping = fyne.TextWrapWord
	v.detail.TextStyle = fyne.TextStyle{Monospace: true}
	v.tree = newFKTree(u, v.children, func(id string) bool { return id == "" || v.byKey[id] != nil },
		func(branch bool) fyne.CanvasObject {
			l := widget.NewLabel("problem")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		}, v.updateRow)
	v.tree.OnSelected = v.selected
	split := container.NewHSplit(v.tree, container.NewVScroll(v.detail))
	split.Offset = 0.68
	v.obj = container.NewBorder(container.NewBorder(nil, nil, v.head, nil, v.filter), nil, nil, nil, split)
	return v
}

func (v *problemsView) children(id string) []string {
	if id == "" {
		out := make([]string, len(v.groups))
		for i, g := range v.groups {
			out[i] = g.key
		}
		return out
	}
	g := v.byKey[id]
	if g == nil {
		return nil
	}
	out := make([]string, len(g.errs))
	for i, e := range g.errs {
		out[i] = probPrefix + strconv.Itoa(e)
	}
	return out
}

func (v *problemsView) errAt(id string) (engine.ErrorRecord, bool) {
	i, err := strconv.Atoi(strings.TrimPrefix(id, probPrefix))
	errs := v.u.ctl.CurrentErrors()
	if err != nil || !strings.HasPrefix(id, probPrefix) || i < 0 || i >= len(errs) {
		return engine.ErrorRecord{}, false
	}
	return errs[i], true
}

func (v *problemsView) updateRow(id string, branch bool, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if g := v.byKey[id]; g != nil {
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Importance = widget.MediumImportance
		if g.root {
			l.Importance = widget.DangerImportance
		}
		l.SetText(fmt.Sprintf("%d × %s", len(g.errs), g.title))
		return
	}
	e, ok := v.errAt(id)
	if !ok {
		l.SetText("")
		return
	}
	l.TextStyle = fyne.TextStyle{}
	l.Importance = widget.MediumImportance
	l.SetText(errorLine(e))
}

// errorLine is one error as a row: file:line — message · context · step.
func errorLine(e engine.ErrorRecord) string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(" — ")
	}
	b.WriteString(firstLine(e.Message))
	if e.Context != "" {
		b.WriteString(" · " + e.Context)
	}
	if e.Step != "" {
		b.WriteString(" · " + e.Step)
	}
	return b.String()
}

func (v *problemsView) selected(id string) {
	if g := v.byKey[id]; g != nil {
		if v.tree.IsBranchOpen(id) {
			v.tree.CloseBranch(id)
		} else {
			v.tree.OpenBranch(id)
		}
		v.tree.Unselect(id)
		return
	}
	e, ok := v.errAt(id)
	if !ok {
		return
	}
	v.detail.SetText(engine.FormatError(e))
	if e.File != "" {
		where := e.File
		if e.Line > 0 {
			where += ":" + strconv.Itoa(e.Line)
		}
		v.u.GotoWhere(where)
	}
}

// groupErrors groups errors (indexes) by root cause when the engine
// named one, else by file; the biggest groups first.
//
// errs are the errors to group; all (errs among them) are every error of
// the session, where a cause may be found (an error of a reload may follow
// from a file that failed in the first load).
func groupErrors(errs, all []engine.ErrorRecord, keep func(engine.ErrorRecord) bool) []*probGroup {
	byID := map[string]engine.ErrorRecord{}
	for _, e := range all {
		if e.ID != "" {
			if _, ok := byID[e.ID]; !ok {
				byID[e.ID] = e
			}
		}
	}
	followed := map[string]bool{} // IDs other errors follow from
	for _, e := range errs {
		if e.Cause != "" && e.Cause != "root" {
			followed[e.Cause] = true
		}
	}
	var groups []*probGroup
	idx := map[string]*probGroup{}
	for i, e := range errs {
		if keep != nil && !keep(e) {
			continue
		}
		var key, title string
		root := false
		switch {
		case e.Cause != "" && e.Cause != "root":
			key, root = "cause:"+e.Cause, true
			if c, ok := byID[e.Cause]; ok {
				title = "Follows from " + errorLine(c)
			} else {
				title = "Follows from " + e.Cause
			}
		case e.ID != "" && followed[e.ID]:
			key, root = "cause:"+e.ID, true
			title = "Follows from " + errorLine(e)
		default:
			f := e.File
			if f == "" {
				f = "(no file)"
			}
			key, title = "file:"+f, f
		}
		g := idx[key]
		if g == nil {
			g = &probGroup{key: key, title: title, root: root}
			idx[key] = g
			groups = append(groups, g)
		}
		g.errs = append(g.errs, i)
	}
	// a root-cause group of one error is just that error's file
	for _, g := range groups {
		if g.root && len(g.errs) == 1 {
			e := errs[g.errs[0]]
			if e.File != "" {
				g.title = e.File
			}
			g.root = false
		}
	}
	sort.SliceStable(groups, func(a, b int) bool {
		if len(groups[a].errs) != len(groups[b].errs) {
			return len(groups[a].errs) > len(groups[b].errs)
		}
		if groups[a].root != groups[b].root {
			return groups[a].root
		}
		return groups[a].title < groups[b].title
	})
	return groups
}

// refresh regroups the errors (after new ones, a reset or the filter).
func (v *problemsView) refresh() {
	errs := v.u.ctl.CurrentErrors()
	q := strings.ToLower(strings.TrimSpace(v.filter.Text))
	var keep func(engine.ErrorRecord) bool
	if q != "" {
		keep = func(e engine.ErrorRecord) bool {
			return strings.Contains(strings.ToLower(errorLine(e)+"\n"+e.Traceback), q)
		}
	}
	v.groups = groupErrors(errs, v.u.ctl.Errors, keep)
	v.byKey = map[string]*probGroup{}
	v.shown = 0
	roots := 0
	for _, g := range v.groups {
		v.byKey[g.key] = g
		v.shown += len(g.errs)
		if g.root {
			roots++
		}
	}
	switch {
	case len(errs) == 0:
		v.head.SetText("No problems")
	case q != "":
		v.head.SetText(fmt.Sprintf("%d of %d errors · %d groups", v.shown, len(errs), len(v.groups)))
	default:
		t := fmt.Sprintf("%d errors · %d groups", len(errs), len(v.groups))
		if roots > 0 {
			t += fmt.Sprintf(" · %d root causes", roots)
		}
		v.head.SetText(t)
	}
	if len(v.groups) <= 3 {
		for _, g := range v.groups {
			v.tree.OpenBranch(g.key)
		}
	}
	v.tree.Refresh()
	v.u.setProblemsTab(len(errs))
	if v.head.Text != v.lastHead {
		v.lastHead = v.head.Text
		trace("problems: %s", v.head.Text)
	}
}

// title of the Problems tab with its count.
func problemsTitle(n int) string {
	if n == 0 {
		return "Problems"
	}
	return fmt.Sprintf("Problems (%d)", n)
}

// setProblemsTab shows the error count on the Problems tab.
func (u *App) setProblemsTab(n int) {
	if u.problemsTab == nil {
		return
	}
	if t := problemsTitle(n); u.problemsTab.Text != t {
		u.problemsTab.Text = t
		u.problemsTab.Icon = nil
		if n > 0 {
			u.problemsTab.Icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		}
		u.bottomTabs.Refresh()
	}
}
