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
		if why := stuckReasons(reg.Model)[ctx]; why != "" {
			v.stuck.SetText(ctx + " is " + why)
			v.stuck.Show()
		} else {
			v.stuck.Hide()
		}
		v.tree.Refresh()
		v.tree.OpenBranch("h")
		if isScriptsRows(reg.Model) {
			v.tree.OpenBranch("m/calls")
			for _, id := range v.kids["m/calls"] {
				v.tree.OpenBranch(id)
			}
		}
	})
}

func (v *registriesView) fill(reg engine.Registries) {
	// scripts: the context's call log and the callbacks first, in their own shape
	scripts := isScriptsRows(reg.Model)
	done := map[string]bool{}
	if scripts {
		for _, k := range scriptsKinds {
			if rows, ok := reg.Model[k]; ok && v.fillScripts(k, rows, reg) {
				done[k] = true
			}
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
		kid := v.add("", "m/"+k, fmt.Sprintf("%s (%d)", strings.ToUpper(k[:1])+k[1:], len(rows)), "")
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

// scriptsKinds are the scripts model's rows, in the order the view shows
// them (before the handlers).
var scriptsKinds = []string{"calls", "callbacks", "lifecycle", "attachments", "policy"}

// isScriptsRows tells the scripts model's rows (lifecycle, calls, callbacks
// per attachment) from the others'.
func isScriptsRows(m map[string][]modelRow) bool {
	_, life := m["lifecycle"]
	_, calls := m["calls"]
	return life && calls
}

// fillScripts adds the scripts model's rows of kind k in their own shape;
// it reports false for a kind it leaves to the generic rows.
func (v *registriesView) fillScripts(k string, rows []modelRow, reg engine.Registries) bool {
	switch k {
	case "attachments":
		id := v.add("", "m/"+k, fmt.Sprintf("Attachments (%d)", len(rows)), "")
		for i, r := range rows {
			v.add(id, fmt.Sprintf("m/%s/%d", k, i), attachmentLine(r), "")
		}
	case "callbacks":
		groups := callbacksByAttachment(rows)
		id := v.add("", "m/"+k, fmt.Sprintf("Callbacks per attachment (%d registered by %d attachments)", len(rows), len(groups)), "")
		for gi, g := range groups {
			gid := v.add(id, fmt.Sprintf("m/%s/%d", k, gi), fmt.Sprintf("%s (%d)", g.attachment, len(g.rows)), "")
			for i, r := range g.rows {
				text := rowStr(r, "name") + "   " + rowStr(r, "where")
				if c := rowStr(r, "context"); c != "" {
					text += "   · in " + c
				}
				v.add(gid, fmt.Sprintf("m/%s/%d/%d", k, gi, i), text, rowStr(r, "where"))
			}
		}
	case "calls":
		calls := callsOf(map[string][]modelRow{"calls": rows}, reg.Context)
		id := v.add("", "m/"+k, fmt.Sprintf("Call log of %s (%d)", reg.Context, len(calls)), "")
		var names []string
		byName := map[string][]modelRow{}
		for _, r := range calls {
			n := rowStr(r, "callback")
			if _, ok := byName[n]; !ok {
				names = append(names, n)
			}
			byName[n] = append(byName[n], r)
		}
		for ni, n := range names {
			cs := byName[n]
			nid := v.add(id, fmt.Sprintf("m/%s/%d", k, ni), fmt.Sprintf("%s (%d call%s)", n, len(cs), plural(len(cs))), "")
			for i, r := range cs {
				v.add(nid, fmt.Sprintf("m/%s/%d/%d", k, ni, i), callLine(r), "")
			}
		}
	case "lifecycle":
		id := v.add("", "m/"+k, fmt.Sprintf("Lifecycle (%d contexts)", len(rows)), "")
		for i, r := range rows {
			v.add(id, fmt.Sprintf("m/%s/%d", k, i), lifecycleLine(r), "")
		}
	case "policy":
		for i, r := range rows {
			text := "Policy: " + rowStr(r, "policy")
			if rules := rowStr(r, "rules"); rules != "" {
				text += " · rules: " + rules
			}
			id := v.add("", fmt.Sprintf("m/%s/%d", k, i), text, "")
			if n := rowStr(r, "note"); n != "" {
				v.add(id, fmt.Sprintf("m/%s/%d/note", k, i), n, "")
			}
		}
	default:
		return false
	}
	return true
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
