package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
	"modscope/ui/control"
)

// conflictsView is the Conflicts tab (docs/conflicts.md): the names two or
// more mods assign, or a mod and then the game again, worst first, either
// per name or per mod; every link opens its file at its line. "Mod order"
// opens modscope.toml, whose [autorun] mods list a person edits to try
// another order; the tab refreshes after every command (a reload too).
type conflictsView struct {
	u    *App
	head *widget.Label
	mode *widget.RadioGroup
	tree *fkTree
	linkRows
	sev map[string]int
	rep engine.ConflictReport
	tab *container.TabItem
	obj fyne.CanvasObject
	gen int
}

const (
	conflictsByName = "By name"
	conflictsByMod  = "By mod"
)

// addConflictsTab adds the Conflicts tab to the bottom tabs (after them
// being built) and refreshes it when it is selected and after commands.
func (u *App) addConflictsTab() {
	v := newConflictsView(u)
	v.tab = container.NewTabItem("Conflicts", v.obj)
	u.bottomTabs.Append(v.tab)
	prev := u.bottomTabs.OnSelected
	u.bottomTabs.OnSelected = func(t *container.TabItem) {
		if prev != nil {
			prev(t)
		}
		if t == v.tab {
			v.refresh()
		}
	}
	u.ctl.OnChange(func(ch Change) {
		if ch&ChangeSession != 0 {
			v.clear()
		}
		if ch&(ChangeReport|ChangeSession) != 0 && u.bottomTabs.Selected() == v.tab {
			v.refresh()
		}
	})
}

func newConflictsView(u *App) *conflictsView {
	v := &conflictsView{u: u}
	v.clearData()
	v.head = widget.NewLabel("Mod conflicts: names two or more mods assign. Load a folder with mods.")
	v.head.Truncation = fyne.TextTruncateEllipsis
	v.tree = newLinkTree(u, &v.linkRows, func(id string) widget.Importance {
		switch v.sev[id] {
		case engine.SevDiscards:
			return widget.DangerImportance
		case engine.SevDiscardsWrap:
			return widget.WarningImportance
		}
		return widget.MediumImportance
	})
	v.mode = widget.NewRadioGroup([]string{conflictsByName, conflictsByMod}, func(string) { v.fill() })
	v.mode.Horizontal = true
	v.mode.SetSelected(conflictsByName)
	order := widget.NewButtonWithIcon("Mod order", theme.DocumentCreateIcon(), v.editOrder)
	order.Importance = widget.LowImportance
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), v.refresh)
	refresh.Importance = widget.LowImportance
	bar := container.NewBorder(nil, nil, v.mode, container.NewHBox(order, refresh))
	v.obj = container.NewBorder(container.NewVBox(bar, v.head), nil, nil, nil, v.tree)
	return v
}

func (v *conflictsView) clearData() {
	v.kids = map[string][]string{}
	v.text = map[string]string{}
	v.where = map[string]string{}
	v.sev = map[string]int{}
}

func (v *conflictsView) clear() {
	v.gen++
	v.rep = engine.ConflictReport{}
	v.clearData()
	v.tree.Refresh()
}

func (v *conflictsView) add(parent, id, text, where string, sev int) string {
	v.kids[parent] = append(v.kids[parent], id)
	v.text[id] = text
	v.sev[id] = sev
	if _, _, ok := control.SplitWhere(where); ok {
		v.where[id] = where
	}
	return id
}

func (v *conflictsView) refresh() {
	if !v.u.ctl.HasSession() {
		v.head.SetText("No folder open.")
		return
	}
	v.gen++
	gen := v.gen
	v.u.ctl.View(engine.Command{Op: "conflicts"}, func(r engine.Result) {
		if gen != v.gen {
			return
		}
		if !r.OK {
			v.rep = engine.ConflictReport{}
			v.head.SetText("Conflicts are not available: " + firstLine(r.Error))
			v.fill()
			return
		}
		if r.Conflicts == nil {
			v.head.SetText("the engine answered no conflict report")
			return
		}
		v.rep = *r.Conflicts
		v.fill()
	})
}

// fill rebuilds the tree from the last report in the chosen grouping.
func (v *conflictsView) fill() {
	if v.tree == nil {
		return
	}
	v.clearData()
	rep := v.rep
	switch {
	case !rep.Recording:
		v.head.SetText("No mods ran yet: conflicts show once the mods' code has run (step \"Mod Lua\").")
	default:
		worst := 0
		for _, c := range rep.Conflicts {
			if c.Severity == engine.SevDiscards {
				worst++
			}
		}
		v.head.SetText(fmt.Sprintf("%d conflicts (%d discard another mod's change) among %d mods; select a link to open its file:line",
			len(rep.Conflicts), worst, len(rep.Mods)))
	}
	if v.mode.Selected == conflictsByMod {
		for i, m := range rep.Mods {
			mid := v.add("", "m/"+strconv.Itoa(i), fmt.Sprintf("%d. %s — %d names, %d conflicts, wins %d, lost %d",
				m.Order, m.ID, m.Assigned, m.Conflicts, m.Wins, m.Lost), "", conflictsModSev(m))
			for j, c := range rep.Conflicts {
				if containsString(c.Mods, m.ID) {
					v.addConflict(mid, mid+"/"+strconv.Itoa(j), c)
				}
			}
		}
	} else {
		for j, c := range rep.Conflicts {
			v.addConflict("", "c/"+strconv.Itoa(j), c)
		}
	}
	v.tree.Refresh()
	if first := v.kids[""]; len(first) > 0 {
		v.tree.OpenBranch(first[0])
	}
}

func conflictsModSev(m engine.ModConflicts) int {
	if m.Lost > 0 {
		return engine.SevDiscards
	}
	return 0
}

func (v *conflictsView) addConflict(parent, id string, c engine.Conflict) {
	text := fmt.Sprintf("%s  %s — winner %s", conflictWord(c.Severity), c.Name, c.Winner)
	if len(c.Lost) > 0 {
		text += ", lost " + strings.Join(c.Lost, ", ")
	}
	if c.Context != "main" {
		text += " (" + c.Context + ")"
	}
	cid := v.add(parent, id, text, "", c.Severity)
	for i, l := range c.Chain {
		who := l.Mod
		if who == "" {
			who = "game"
		}
		where := l.File
		if l.File != "" && l.Line > 0 {
			where = l.File + ":" + strconv.Itoa(l.Line)
		}
		row := fmt.Sprintf("%s %s  %s", who, l.Action, where)
		if l.Step != "" {
			row += "  (" + l.Step + ")"
		}
		row += "  " + l.Value
		if l.Kept {
			row += "  · kept"
		}
		v.add(cid, cid+"/"+strconv.Itoa(i), row, where, 0)
	}
}

func conflictWord(sev int) string {
	switch sev {
	case engine.SevDiscards:
		return "[discards]"
	case engine.SevDiscardsWrap:
		return "[discards a wrapper]"
	}
	return "[wraps]"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// editOrder opens modscope.toml at its [autorun] mods line (creating the
// file with the current order when the folder has none): edit the list,
// save, reload, and the conflicts change.
func (v *conflictsView) editOrder() {
	dir := v.u.ctl.Dir
	if dir == "" {
		return
	}
	path := filepath.Join(dir, engine.SettingsFile)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		w := v.u.ctl.Folder.Window
		if w.ModsSection == "" {
			v.head.SetText("The " + v.u.ctl.Model + " model has no mod order to edit.")
			return
		}
		section := w.ModsSection
		var ids []string
		for _, id := range w.ModsFirst {
			ids = append(ids, strconv.Quote(id)) // listed mods load first: these stay first
		}
		for _, m := range v.rep.Mods {
			ids = append(ids, strconv.Quote(m.ID))
		}
		data = []byte("[" + section + "]\n# the mods to load, in order; reload after editing to see the conflicts change\nmods = [" + strings.Join(ids, ", ") + "]\n")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			v.head.SetText("Cannot write " + engine.SettingsFile + ": " + err.Error())
			return
		}
	} else if err != nil {
		v.head.SetText("Cannot read " + engine.SettingsFile + ": " + err.Error())
		return
	}
	line := 1
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "mods") {
			line = i + 1
			break
		}
	}
	v.u.editor.open(path, line)
}
