package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
	"modscope/ui/control"
)

// registriesView shows the selected context's registries: handlers with
// the file:line that registered them, and the model's own rows (classes,
// threads, players, attachments), plus the contexts.
type registriesView struct {
	u     *App
	head  *widget.Label
	stuck *widget.Label // why the selected context is stuck loading (scripts)
	tree  *fkTree
	linkRows
	obj fyne.CanvasObject
	gen int
}

func newRegistriesView(u *App) *registriesView {
	v := &registriesView{u: u}
	v.clearData()
	v.head = widget.NewLabel("Registries of the selected context: handlers, classes, threads, players, attachments.")
	v.head.Truncation = fyne.TextTruncateEllipsis
	v.tree = newLinkTree(u, &v.linkRows, nil)
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), v.refresh)
	refresh.Importance = widget.LowImportance
	v.stuck = widget.NewLabel("")
	v.stuck.Wrapping = fyne.TextWrapWord
	v.stuck.Importance = widget.WarningImportance
	v.stuck.Hide()
	v.obj = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, refresh, v.head), v.stuck), nil, nil, nil, v.tree)
	return v
}

func (v *registriesView) clearData() {
	v.kids = map[string][]string{}
	v.text = map[string]string{}
	v.where = map[string]string{}
}

func (v *registriesView) clear() {
	v.gen++
	v.clearData()
	v.stuck.Hide()
	v.tree.Refresh()
}

func (v *registriesView) add(parent, id, text, where string) string {
	v.kids[parent] = append(v.kids[parent], id)
	v.text[id] = text
	if _, _, ok := control.SplitWhere(where); ok {
		v.where[id] = where
	}
	return id
}

func (v *registriesView) refresh() {
	ctx := v.u.selected
	if ctx == "" || !v.u.ctl.HasSession() {
		v.head.SetText("No context yet: Step (F10) or Run all (F5).")
		return
	}
	v.gen++
	gen := v.gen
	v.u.ctl.View(engine.Command{Op: "registries", Args: []any{ctx}}, func(r engine.Result) {
		if gen != v.gen {
			return
		}
		v.clearData()
		v.stuck.Hide()
		if !r.OK {
			v.head.SetText("Registries are not available: " + firstLine(r.Error))
			v.tree.Refresh()
			return
		}
		if r.Registries == nil {
			v.head.SetText("the engine answered no registries")
			v.tree.Refresh()
			return
		}
		reg := *r.Registries
		v.fill(reg)
		v.head.SetText(fmt.Sprintf("Registries of %s — select a file:line to open it", ctx))
		w := v.u.ctl.Folder.Window
		if why := stuckReasons(w, reg.Model)[ctx]; why != "" {
			v.stuck.SetText(ctx + " is " + why)
			v.stuck.Show()
		} else {
			v.stuck.Hide()
		}
		v.tree.Refresh()
		v.tree.OpenBranch("h")
		for _, sp := range w.Rows {
			if _, ok := reg.Model[sp.Kind]; !ok || !sp.Open {
				continue
			}
			v.tree.OpenBranch("m/" + sp.Kind)
			for _, id := range v.kids["m/"+sp.Kind] {
				v.tree.OpenBranch(id)
			}
		}
	})
}

func (v *registriesView) fill(reg engine.Registries) {
	// the kinds the model's WindowSpec.Rows describes first, in their own shape
	done := map[string]bool{}
	for _, sp := range v.u.ctl.Folder.Window.Rows {
		if rows, ok := reg.Model[sp.Kind]; ok && !done[sp.Kind] {
			v.fillSpec(sp, rows, reg.Context)
			done[sp.Kind] = true
		}
	}
	byName := map[string][]engine.HandlerInfo{}
	var names []string
	for _, h := range reg.Handlers {
		if _, ok := byName[h.Name]; !ok {
			names = append(names, h.Name)
		}
		byName[h.Name] = append(byName[h.Name], h)
	}
	sort.Strings(names)
	h := v.add("", "h", fmt.Sprintf("Handlers (%d for %d messages/events)", len(reg.Handlers), len(names)), "")
	for _, n := range names {
		hs := byName[n]
		sort.Slice(hs, func(i, j int) bool { return hs[i].Order < hs[j].Order })
		nid := v.add(h, "h/"+n, fmt.Sprintf("%s (%d)", n, len(hs)), "")
		for i, x := range hs {
			v.add(nid, fmt.Sprintf("h/%s/%d", n, i), fmt.Sprintf("#%d  %s", x.Order, x.Where), x.Where)
		}
	}
	var kinds []string
	for k := range reg.Model {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		rows := reg.Model[k]
		if done[k] {
			continue
		}
		kid := v.add("", "m/"+k, kindTitle(k, len(rows)), "")
		for i, row := range rows {
			text, where := rowText(row)
			v.add(kid, fmt.Sprintf("m/%s/%d", k, i), text, where)
		}
	}
	c := v.add("", "c", fmt.Sprintf("Contexts (%d)", len(reg.Contexts)), "")
	for i, ci := range reg.Contexts {
		v.add(c, fmt.Sprintf("c/%d", i), ci.Name+" — "+contextLine(ci), "")
	}
}

// fillSpec adds rows of kind sp.Kind as sp says: under its title (at the
// top when it has none), grouped when it groups them, each row with its
// detail line under it.
func (v *registriesView) fillSpec(sp engine.RowsSpec, rows []modelRow, ctx string) {
	k := sp.Kind
	rows = specRows(sp, rows, ctx)
	var groups []rowGroup
	if sp.GroupBy != "" {
		groups = groupRows(rows, sp.GroupBy)
	}
	parent := ""
	if sp.Title != "" {
		parent = v.add("", "m/"+k, specText(sp.Title, map[string]any{"n": len(rows), "groups": len(groups), "context": ctx}, kindTitle(k, len(rows))), "")
	}
	line := func(parent, id string, r modelRow) {
		text, where := specLine(sp, r)
		v.add(parent, id, text, where)
		if sp.Detail != "" {
			if d, err := engine.RowText(sp.Detail, r); err == nil && d != "" {
				v.add(id, id+"/note", d, "")
			}
		}
	}
	if sp.GroupBy == "" {
		for i, r := range rows {
			line(parent, fmt.Sprintf("m/%s/%d", k, i), r)
		}
		return
	}
	for gi, g := range groups {
		title := specText(sp.Group, map[string]any{"group": g.name, "n": len(g.rows)}, fmt.Sprintf("%s (%d)", g.name, len(g.rows)))
		gid := v.add(parent, fmt.Sprintf("m/%s/%d", k, gi), title, "")
		for i, r := range g.rows {
			line(gid, fmt.Sprintf("m/%s/%d/%d", k, gi, i), r)
		}
	}
}

// rowText renders a model registry row: its name first, then the other
// fields; where is its file:line, if it has one.
func rowText(row map[string]any) (text, where string) {
	var keys []string
	for k := range row {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, first := range []string{"name", "id"} {
		if x, ok := row[first]; ok {
			parts = append(parts, fmt.Sprint(x))
		}
	}
	for _, k := range keys {
		if k == "name" || k == "id" {
			continue
		}
		s := fmt.Sprint(row[k])
		if k == "where" || k == "defined" || k == "at" {
			where = s
		}
		if xs, ok := row[k].([]any); ok {
			var ss []string
			for _, x := range xs {
				ss = append(ss, fmt.Sprint(x))
			}
			s = strings.Join(ss, ", ")
		}
		if xs, ok := row[k].([]string); ok {
			s = strings.Join(xs, ", ")
		}
		parts = append(parts, k+": "+s)
	}
	return strings.Join(parts, " · "), where
}
