package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
	"modscope/inspector"
	"modscope/ui/control"
)

// pageSize is how many children one "page" call fetches; the globals
// themselves come in one page of up to rootLimit.
const (
	pageSize  = 200
	rootLimit = 20000
)

// Special tree IDs (never valid inspector paths: they hold a NUL).
const (
	moreID    = "\x00more\x00"    // + parent ID: the "more…" row
	errID     = "\x00err\x00"     // + parent ID: a row saying why a page failed
	removedID = "\x00removed\x00" // + key: a global removed by the last step
	loadingID = "\x00loading\x00" // + parent ID
)

// gnode is one loaded row of the globals tree.
type gnode struct {
	path    inspector.Path
	node    inspector.Node
	kids    []string
	total   int
	loaded  bool // children fetched for the current generation
	loading bool
	err     string
}

// globalsView is the selected context's globals: a lazily expanding,
// paged tree with the last step's changes highlighted, search, details
// with provenance, and a side-by-side comparison with another context.
type globalsView struct {
	u      *App
	ctxSel *fkSelect
	ctx    string
	vgen   int // bumps when the context or the session changes

	tree     *fkTree
	nodes    map[string]*gnode
	diff     map[string]string // ID -> added/changed
	removed  []inspector.DiffEntry
	summary  *widget.Label
	diffText string
	// diffFrom says what the highlights compare with: "step" (the last
	// step) or "reload" (the state before the last reload, every context)
	diffFrom string
	diffCtx  string // the context the highlights are of
	diffRes  inspector.DiffResult

	chgRows []chgRow // the Changes tab: every context's changes since the last reload
	chgList *fkList
	chgHead *widget.Label
	// shownReload is the reload diff the Changes tab shows
	shownReload *engine.ReloadDiff
	builtins    bool // show globals no game code defined
	hidden      int  // how many the last childIDs("") hid
	builtChk    *fkCheck

	search    *fkEntry
	query     string
	results   []inspector.Match // ranked: exact name, prefix, the rest; globals first
	shown     int               // how many results the list shows (a page at a time)
	limit     int               // the engine's match limit of the last search
	truncated bool              // the engine stopped at limit
	resList   *fkList
	resBox    *fyne.Container
	resLbl    *widget.Label
	resSel    int
	treeArea  *fyne.Container
	resSplit  *container.Split

	detail     *widget.Label
	detailBox  *container.Scroll
	gotoDef    *widget.Button
	gotoAsg    *widget.Button
	evalBtn    *widget.Button
	defWhere   string
	asgWhere   string
	selectedID string

	cmpSel    *fkSelect
	cmpWith   string
	cmpRows   []cmpRow
	cmpList   *fkList
	cmpHead   *widget.Label
	tabs      *container.AppTabs
	watchIn   *fkEntry
	watchList *fkList
	obj       fyne.CanvasObject
}

type cmpRow struct {
	status, key, a, b string
}

// chgRow is one change of the Changes tab.
type chgRow struct {
	ctx, status, path, old, new string
}

func newGlobalsView(u *App) *globalsView {
	v := &globalsView{u: u, nodes: map[string]*gnode{}, diff: map[string]string{}}
	v.ctxSel = newFKSelect(u, nil, func(s string) { u.SelectContext(s) })
	v.ctxSel.PlaceHolder = "(no context yet)"
	v.summary = widget.NewLabel("")
	v.summary.SizeName = theme.SizeNameCaptionText
	v.summary.Truncation = fyne.TextTruncateEllipsis

	v.tree = newFKTree(u, v.childIDs, v.isBranch, v.createRow, v.updateRow)
	v.tree.OnSelected = v.selected
	v.tree.OnBranchOpened = func(id string) { v.ensureLoaded(id) }

	v.search = newFKEntry(u)
	v.search.SetPlaceHolder("Search globals (Ctrl+K)")
	v.search.OnSubmitted = func(string) { v.runSearch() }
	v.resLbl = widget.NewLabel("")
	v.resLbl.Truncation = fyne.TextTruncateEllipsis
	v.resLbl.SizeName = theme.SizeNameCaptionText
	v.resList = newFKList(u, v.resultRows,
		func() fyne.CanvasObject {
			k := widget.NewLabel("path")
			k.TextStyle = fyne.TextStyle{Monospace: true}
			k.Truncation = fyne.TextTruncateEllipsis
			val := widget.NewLabel("value")
			val.Truncation = fyne.TextTruncateEllipsis
			return container.NewGridWithColumns(2, k, val)
		},
		v.updateResult)
	v.resList.OnSelected = v.resultSelected
	closeRes := widget.NewButtonWithIcon("", theme.CancelIcon(), v.clearSearch)
	closeRes.Importance = widget.LowImportance
	v.resBox = container.NewBorder(container.NewBorder(nil, nil, nil, closeRes, v.resLbl), nil, nil, nil, v.resList)

	v.detail = widget.NewLabel("Select a global to see its value and where it was defined.")
	v.detail.Wrapping = fyne.TextWrapWord
	v.detail.TextStyle = fyne.TextStyle{Monospace: true}
	v.gotoDef = widget.NewButtonWithIcon("Definition", theme.NavigateNextIcon(), func() { u.GotoWhere(v.defWhere) })
	v.gotoAsg = widget.NewButtonWithIcon("Last assignment", theme.NavigateNextIcon(), func() { u.GotoWhere(v.asgWhere) })
	v.evalBtn = widget.NewButtonWithIcon("Console", theme.ComputerIcon(), func() {
		if p := v.selectedID; p != "" && !strings.HasPrefix(p, "\x00") {
			u.console.input.SetText("return " + luaExpr(v.nodes[p].path))
			u.focusConsole()
		}
	})
	v.gotoDef.Disable()
	v.gotoAsg.Disable()
	v.evalBtn.Disable()
	v.detailBox = container.NewVScroll(v.detail)
	detailBox := container.NewBorder(nil, container.NewHBox(v.gotoDef, v.gotoAsg, v.evalBtn), nil, nil, v.detailBox)

	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), v.reload)
	refresh.Importance = widget.LowImportance
	v.builtChk = newFKCheck(u, "Built-ins", func(on bool) {
		v.builtins = on
		v.childIDs("")
		v.tree.Refresh()
		v.updateSummary()
		v.refreshChanges()
	})
	// one row: the context, the search box, Built-ins (room for the tree)
	top := container.NewVBox(
		container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(130, v.ctxSel.MinSize().Height), v.ctxSel),
			container.NewHBox(v.builtChk, refresh), v.search),
		v.summary,
	)
	// search results go above the tree (never on top of it): selecting
	// one opens, selects and scrolls to it in the tree below
	v.resSplit = container.NewVSplit(v.resBox, v.tree)
	v.resSplit.Offset = 0.4
	v.treeArea = container.NewStack(v.tree)
	split := container.NewVSplit(v.treeArea, detailBox)
	split.Offset = 0.67
	globalsTab := container.NewBorder(top, nil, nil, nil, split)

	// side by side
	v.cmpSel = newFKSelect(u, nil, func(s string) { v.cmpWith = s; v.compare() })
	v.cmpSel.PlaceHolder = "other context"
	v.cmpHead = widget.NewLabel("Pick a second context to compare their globals.")
	v.cmpHead.Wrapping = fyne.TextWrapWord
	v.cmpList = newFKList(u, func() int { return len(v.cmpRows) },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(colNone)
			k := widget.NewLabel("key")
			k.TextStyle = fyne.TextStyle{Monospace: true}
			k.Truncation = fyne.TextTruncateEllipsis
			a := widget.NewLabel("a")
			a.Truncation = fyne.TextTruncateEllipsis
			b := widget.NewLabel("b")
			b.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(bg, container.NewGridWithColumns(3, k, a, b))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.cmpRows) {
				return
			}
			r := v.cmpRows[i]
			st := o.(*fyne.Container)
			bg := st.Objects[0].(*canvas.Rectangle)
			g := st.Objects[1].(*fyne.Container)
			g.Objects[0].(*widget.Label).SetText(r.key)
			g.Objects[1].(*widget.Label).SetText(r.a)
			g.Objects[2].(*widget.Label).SetText(r.b)
			bg.FillColor = statusColor(r.status)
			bg.Refresh()
		})
	cmpRefresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), v.compare)
	cmpRefresh.Importance = widget.LowImportance
	compareTab := container.NewBorder(container.NewVBox(
		container.NewBorder(nil, nil, bold("Compare with"), cmpRefresh, v.cmpSel), v.cmpHead), nil, nil, nil, v.cmpList)

	v.tabs = container.NewAppTabs(
		container.NewTabItem("Globals", globalsTab),
		container.NewTabItem("Changes", v.newChanges()),
		container.NewTabItem("Compare", compareTab),
		container.NewTabItem("Watches", v.newWatches()),
	)
	v.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Compare" {
			v.compare()
		}
	}
	v.obj = v.tabs
	return v
}

// newChanges builds the Changes tab: every context's globals that the
// last reload added, changed or removed; selecting one shows it.
func (v *globalsView) newChanges() fyne.CanvasObject {
	u := v.u
	v.chgHead = widget.NewLabel("Changes since the last reload (Ctrl+R, a save, an edit on disk) show here.")
	v.chgHead.Wrapping = fyne.TextWrapWord
	v.chgList = newFKList(u, func() int { return len(v.chgRows) },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(colNone)
			c := widget.NewLabel("ctx")
			k := widget.NewLabel("key")
			k.TextStyle = fyne.TextStyle{Monospace: true}
			k.Truncation = fyne.TextTruncateEllipsis
			val := widget.NewLabel("value")
			val.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(bg, container.NewBorder(nil, nil, c, nil, container.NewGridWithColumns(2, k, val)))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.chgRows) {
				return
			}
			r := v.chgRows[i]
			st := o.(*fyne.Container)
			bg := st.Objects[0].(*canvas.Rectangle)
			b := st.Objects[1].(*fyne.Container)
			g := b.Objects[0].(*fyne.Container)
			b.Objects[1].(*widget.Label).SetText(r.ctx)
			mark := map[string]string{"added": "+ ", "changed": "~ ", "removed": "− "}[r.status]
			g.Objects[0].(*widget.Label).SetText(mark + r.path)
			val := r.new
			switch r.status {
			case "removed":
				val = "was " + r.old
			case "changed":
				val = r.old + " → " + r.new
			}
			g.Objects[1].(*widget.Label).SetText(val)
			bg.FillColor = statusColor(r.status)
			bg.Refresh()
		})
	v.chgList.OnSelected = func(i widget.ListItemID) {
		if i >= len(v.chgRows) {
			return
		}
		r := v.chgRows[i]
		v.chgList.Unselect(i)
		u.SelectContext(r.ctx)
		v.tabs.SelectIndex(0)
		if r.status == "removed" {
			return
		}
		if p, err := inspector.ParsePath(r.path); err == nil {
			v.revealPath(p)
		}
	}
	return container.NewBorder(v.chgHead, nil, nil, nil, v.chgList)
}

// refreshChanges fills the Changes tab from the controller's reload diff.
func (v *globalsView) refreshChanges() {
	rd := v.u.ctl.ReloadDiff
	defer func() { v.shownReload = rd }()
	v.chgRows = nil
	if rd == nil {
		v.chgHead.SetText("Changes since the last reload (Ctrl+R, a save, an edit on disk) show here.")
		v.chgList.Refresh()
		return
	}
	var parts []string
	hidden := 0
	for _, cd := range rd.Contexts {
		var n [3]int
		add := func(i int, r chgRow) {
			// the selected context's built-ins only with Built-ins ticked
			if !v.builtins && r.ctx == v.ctx && isTopLevel(r.path) && v.nodes[r.path] != nil && !v.isGameGlobal(r.path) {
				hidden++
				return
			}
			n[i]++
			v.chgRows = append(v.chgRows, r)
		}
		for _, e := range cd.Diff.Added {
			add(0, chgRow{cd.Context, "added", e.Path, "", e.New})
		}
		for _, e := range cd.Diff.Changed {
			add(1, chgRow{cd.Context, "changed", e.Path, e.Old, e.New})
		}
		for _, e := range cd.Diff.Removed {
			add(2, chgRow{cd.Context, "removed", e.Path, e.Old, ""})
		}
		if n != [3]int{} {
			parts = append(parts, fmt.Sprintf("%s: +%d ~%d −%d", cd.Context, n[0], n[1], n[2]))
		}
	}
	if hidden > 0 {
		parts = append(parts, fmt.Sprintf("%d built-ins (tick Built-ins to see them)", hidden))
	}
	if len(parts) == 0 {
		v.chgHead.SetText("Changes since the last reload (" + v.u.ctl.ReloadWhy + "): no globals changed in any context.")
	} else {
		v.chgHead.SetText("Changes since the last reload (" + v.u.ctl.ReloadWhy + "): " + strings.Join(parts, " · "))
		if v.u.ctl.ReloadWhy != "Ctrl+R" && v.shownReload != rd {
			// a save or an edit on disk: the user looked elsewhere; show what it did
			v.tabs.SelectIndex(1)
		}
	}
	v.chgList.Refresh()
}

// newWatches builds the watch expressions tab: Lua expressions evaluated
// in a context after every step and command.
func (v *globalsView) newWatches() fyne.CanvasObject {
	u := v.u
	v.watchIn = newFKEntry(u)
	v.watchIn.SetPlaceHolder("Lua expression, e.g. #table.keys(_G) (Enter)")
	add := func() {
		expr := strings.TrimSpace(v.watchIn.Text)
		if expr == "" || v.ctx == "" {
			return
		}
		v.watchIn.SetText("")
		u.ctl.AddWatch(v.ctx, expr, nil)
	}
	v.watchIn.OnSubmitted = func(string) { add() }
	addBtn := widget.NewButtonWithIcon("Watch", theme.ContentAddIcon(), add)
	clear := widget.NewButtonWithIcon("Clear all", theme.ContentClearIcon(), u.ctl.ClearWatches)
	v.watchList = newFKList(u, func() int { return len(u.ctl.Watches) },
		func() fyne.CanvasObject {
			e := widget.NewLabel("expr")
			e.TextStyle = fyne.TextStyle{Monospace: true}
			e.Truncation = fyne.TextTruncateEllipsis
			val := widget.NewLabel("value")
			val.Truncation = fyne.TextTruncateEllipsis
			return container.NewGridWithColumns(2, e, val)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.ctl.Watches) {
				return
			}
			w := u.ctl.Watches[i]
			g := o.(*fyne.Container)
			g.Objects[0].(*widget.Label).SetText(w.Context + ": " + w.Expr)
			val := g.Objects[1].(*widget.Label)
			if w.Error != "" {
				val.Importance = widget.DangerImportance
				val.SetText(firstLine(w.Error))
			} else {
				val.Importance = widget.MediumImportance
				val.SetText(w.Value)
			}
		})
	help := widget.NewLabel("Evaluated after every step and command.")
	help.SizeName = theme.SizeNameCaptionText
	return container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, addBtn, v.watchIn), help),
		container.NewHBox(clear), nil, nil, v.watchList)
}

func (v *globalsView) watchesChanged() { v.watchList.Refresh() }

func statusColor(s string) color.Color {
	switch s {
	case "added":
		return colAdded
	case "changed":
		return colChanged
	case "removed":
		return colRemoved
	}
	return colNone
}

// luaExpr renders a path as a Lua expression (for the console).
func luaExpr(p inspector.Path) string {
	var b strings.Builder
	for i, tok := range p {
		switch {
		case tok == inspector.MetaToken:
			s := b.String()
			b.Reset()
			b.WriteString("getmetatable(" + s + ")")
		case strings.HasPrefix(tok, "["):
			b.WriteString(tok)
		case i == 0:
			b.WriteString(tok)
		default:
			b.WriteString("." + tok)
		}
	}
	return b.String()
}

// ---- tree callbacks ----

func (v *globalsView) childIDs(id string) []string {
	if strings.HasPrefix(id, "\x00") {
		return nil
	}
	n := v.nodes[id]
	if n == nil {
		if id != "" || v.ctx == "" {
			return nil
		}
		n = &gnode{path: inspector.Path{}}
		v.nodes[""] = n
	}
	if !n.loaded && !n.loading {
		v.load(id, 0)
	}
	out := n.kids
	if id == "" && (len(v.removed) > 0 || !v.builtins) {
		out = make([]string, 0, len(n.kids)+len(v.removed))
		for _, r := range v.removed {
			out = append(out, removedID+r.Path)
		}
		hidden := 0
		for _, k := range n.kids {
			if v.builtins || v.isGameGlobal(k) {
				out = append(out, k)
			} else {
				hidden++
			}
		}
		v.hidden = hidden
	}
	switch {
	case n.err != "":
		out = append(out[:len(out):len(out)], errID+id)
	case len(n.kids) == 0 && n.loading:
		out = append(out[:len(out):len(out)], loadingID+id)
	case len(n.kids) < n.total:
		out = append(out[:len(out):len(out)], moreID+id)
	}
	return out
}

// isGameGlobal tells whether a top-level global was defined by game code
// (it has a provenance) or added by the last step (engine exports).
func (v *globalsView) isGameGlobal(id string) bool {
	n := v.nodes[id]
	if n == nil {
		return false
	}
	if p := n.node.Provenance; p != nil {
		// the engine's exports and a model's own core library are built-ins
		return !strings.HasPrefix(p.DefinedAt, "[")
	}
	return v.diff[id] == "added"
}

func (v *globalsView) isBranch(id string) bool {
	if id == "" {
		return true
	}
	if strings.HasPrefix(id, "\x00") {
		return false
	}
	n := v.nodes[id]
	return n != nil && n.node.HasChildren
}

func (v *globalsView) createRow(bool) fyne.CanvasObject {
	bg := canvas.NewRectangle(colNone)
	k := widget.NewLabel("key")
	k.TextStyle = fyne.TextStyle{Monospace: true}
	k.Truncation = fyne.TextTruncateEllipsis
	val := widget.NewLabel("value")
	val.Truncation = fyne.TextTruncateEllipsis
	return container.NewStack(bg, container.NewGridWithColumns(2, k, val))
}

func (v *globalsView) updateRow(id string, _ bool, o fyne.CanvasObject) {
	st := o.(*fyne.Container)
	bg := st.Objects[0].(*canvas.Rectangle)
	g := st.Objects[1].(*fyne.Container)
	k := g.Objects[0].(*widget.Label)
	val := g.Objects[1].(*widget.Label)
	status := ""
	k.Importance, val.Importance = widget.MediumImportance, widget.MediumImportance
	k.TextStyle = fyne.TextStyle{Monospace: true}
	switch {
	case strings.HasPrefix(id, moreID):
		n := v.nodes[strings.TrimPrefix(id, moreID)]
		k.SetText("more…")
		k.Importance = widget.HighImportance
		if n != nil {
			val.SetText(fmt.Sprintf("%d of %d shown — select to load %d more", len(n.kids), n.total, min(pageSize, n.total-len(n.kids))))
		}
	case strings.HasPrefix(id, errID):
		n := v.nodes[strings.TrimPrefix(id, errID)]
		k.SetText("error")
		k.Importance = widget.DangerImportance
		if n != nil {
			val.SetText(n.err)
		}
	case strings.HasPrefix(id, loadingID):
		k.SetText("loading…")
		val.SetText("")
	case strings.HasPrefix(id, removedID):
		key := strings.TrimPrefix(id, removedID)
		status = "removed"
		k.SetText("− " + key)
		val.SetText("removed (was " + v.removedValue(key) + ")")
		val.Importance = widget.DangerImportance
	default:
		n := v.nodes[id]
		if n == nil {
			return
		}
		status = v.diff[id]
		key := n.node.Key
		switch status {
		case "added":
			key = "+ " + key
		case "changed":
			key = "~ " + key
		}
		k.SetText(key)
		text := n.node.Value
		if n.node.Type == "string" || n.node.Type == "number" || n.node.Type == "boolean" {
			text = n.node.Type + "  " + text
		}
		val.SetText(text)
	}
	k.Refresh()
	val.Refresh()
	bg.FillColor = statusColor(status)
	bg.Refresh()
}

func (v *globalsView) removedValue(key string) string {
	for _, r := range v.removed {
		if r.Path == key {
			return r.Old
		}
	}
	return "?"
}

// ensureLoaded fetches a branch's first page if it has not been.
func (v *globalsView) ensureLoaded(id string) {
	if n := v.nodes[id]; n != nil && !n.loaded && !n.loading {
		v.load(id, 0)
	}
}

// load fetches children of id from offset (0 replaces them, keeping as
// many as were shown).
func (v *globalsView) load(id string, offset int) { v.loadThen(id, offset, 0, nil) }

// loadThen fetches limit children of id from offset (limit 0: a page, or
// as many as were shown) and then calls done (when the answer is still
// for the current view).
func (v *globalsView) loadThen(id string, offset, limit int, done func()) {
	n := v.nodes[id]
	if n == nil || v.ctx == "" || !v.u.ctl.HasSession() {
		return
	}
	n.loading = true
	if limit <= 0 {
		limit = pageSize
		if offset == 0 && len(n.kids) > limit {
			limit = len(n.kids)
		}
	}
	if id == "" {
		// the top level comes whole, so that built-ins can be hidden
		limit = rootLimit
	}
	gen, ctx := v.vgen, v.ctx
	path := inspector.FormatPath(n.path)
	v.u.ctl.View(engine.Command{Op: "page", Args: []any{ctx}, Path: path, Offset: offset, Limit: limit}, func(r engine.Result) {
		if gen != v.vgen {
			return
		}
		n := v.nodes[id]
		if n == nil {
			return
		}
		n.loading = false
		n.loaded = true
		if !r.OK {
			n.err = r.Error
			n.kids = nil
			n.total = 0
			v.tree.Refresh()
			return
		}
		if r.Page == nil {
			n.err = "the engine answered no page"
			v.tree.Refresh()
			return
		}
		pr := *r.Page
		n.err = ""
		n.total = pr.Total
		if offset == 0 {
			n.kids = n.kids[:0:0]
		}
		for _, nd := range pr.Nodes {
			cp := n.path.Child(nd.Key)
			cid := inspector.FormatPath(cp)
			old := v.nodes[cid]
			c := &gnode{path: cp, node: nd}
			if old != nil {
				c.kids, c.total = old.kids, old.total
			}
			v.nodes[cid] = c
			n.kids = append(n.kids, cid)
		}
		if id == "" {
			v.childIDs("")
			v.updateSummary()
		}
		v.tree.Refresh()
		if id == v.selectedID || contains(n.kids, v.selectedID) {
			v.refreshDetail()
		}
		if done != nil {
			done()
		}
	})
}

func (v *globalsView) selected(id string) {
	v.selectedID = id
	switch {
	case strings.HasPrefix(id, moreID):
		parent := strings.TrimPrefix(id, moreID)
		v.tree.Unselect(id)
		if n := v.nodes[parent]; n != nil && !n.loading {
			v.load(parent, len(n.kids))
		}
		return
	case strings.HasPrefix(id, removedID):
		key := strings.TrimPrefix(id, removedID)
		v.setDetail(fmt.Sprintf("%s\nremoved by the last step\nwas: %s", key, v.removedValue(key)), "", "")
		v.evalBtn.Disable()
		return
	case strings.HasPrefix(id, "\x00"):
		return
	}
	v.refreshDetail()
}

func (v *globalsView) refreshDetail() {
	n := v.nodes[v.selectedID]
	if n == nil || v.selectedID == "" {
		return
	}
	v.showNode(inspector.FormatPath(n.path), n.node)
	v.evalBtn.Enable()
	trace("globals selected: %s", strings.ReplaceAll(v.detail.Text, "\n", " | "))
}

// showNode fills the detail pane.
func (v *globalsView) showNode(path string, nd inspector.Node) {
	v.showNodeProv(path, nd, true)
}

// showNodeProv fills the detail pane; provKnown says whether nd came with
// its provenance (the tree's nodes do, search hits do not).
func (v *globalsView) showNodeProv(path string, nd inspector.Node, provKnown bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", path)
	fmt.Fprintf(&b, "type:     %s\n", nd.Type)
	fmt.Fprintf(&b, "value:    %s\n", nd.Value)
	if nd.Size > 0 {
		fmt.Fprintf(&b, "size:     %d\n", nd.Size)
	}
	if nd.HasMeta {
		b.WriteString("has a metatable\n")
	}
	def, asg := "", ""
	if nd.Defined != "" {
		fmt.Fprintf(&b, "function: %s\n", nd.Defined)
		def = nd.Defined
	}
	if p := nd.Provenance; p != nil {
		if p.DefinedAt != "" {
			fmt.Fprintf(&b, "defined:  %s%s\n", p.DefinedAt, stepSuffix(p.DefinedStep))
			if def == "" || strings.HasPrefix(def, "[Go]") {
				def = p.DefinedAt
			}
		}
		if p.AssignedAt != "" {
			fmt.Fprintf(&b, "assigned: %s%s\n", p.AssignedAt, stepSuffix(p.AssignedStep))
			asg = p.AssignedAt
		}
	} else if provKnown && len(strings.Split(path, ".")) == 1 && !strings.Contains(path, "[") {
		b.WriteString("not defined by game code (built in)\n")
	}
	if st := v.diff[path]; st != "" {
		if v.diffFrom == "reload" {
			fmt.Fprintf(&b, "%s since the last reload\n", st)
		} else {
			fmt.Fprintf(&b, "%s by the last step\n", st)
		}
	}
	v.setDetail(strings.TrimRight(b.String(), "\n"), def, asg)
	v.evalBtn.Enable()
}

func stepSuffix(step string) string {
	if step == "" {
		return ""
	}
	return "  (step: " + step + ")"
}

func (v *globalsView) setDetail(text, def, asg string) {
	v.detail.SetText(text)
	v.defWhere, v.asgWhere = def, asg
	_, _, okDef := control.SplitWhere(def)
	_, _, okAsg := control.SplitWhere(asg)
	setEnabled(v.gotoDef, okDef)
	setEnabled(v.gotoAsg, okAsg && asg != def)
}

// ---- state changes ----

const noSelection = "Select a global to see its value and where it was defined."

func (v *globalsView) sessionChanged() {
	v.vgen++
	v.ctx = ""
	v.nodes = map[string]*gnode{}
	v.clearDiff()
	v.results = nil
	v.showResults(false)
	v.cmpRows = nil
	v.cmpWith = ""
	v.chgRows = nil
	v.summary.SetText("")
	v.selectedID = ""
	v.setDetail(noSelection, "", "")
	v.tree.CloseAllBranches()
	v.tree.Refresh()
	v.cmpList.Refresh()
	v.chgList.Refresh()
}

func (v *globalsView) clearDiff() {
	v.diff = map[string]string{}
	v.removed = nil
	v.diffText, v.diffFrom, v.diffCtx = "", "", ""
	v.diffRes = inspector.DiffResult{}
}

func (v *globalsView) contextsChanged() {
	names := v.u.ContextNames()
	v.ctxSel.Options = names
	if v.ctxSel.Selected != v.u.selected {
		cb := v.ctxSel.OnChanged
		v.ctxSel.OnChanged = nil
		if v.u.selected == "" {
			v.ctxSel.ClearSelected()
		} else {
			v.ctxSel.SetSelected(v.u.selected)
		}
		v.ctxSel.OnChanged = cb
	}
	v.ctxSel.Refresh()
	var others []string
	for _, n := range names {
		if n != v.u.selected {
			others = append(others, n)
		}
	}
	v.cmpSel.Options = others
	v.cmpSel.Refresh()
	if v.u.selected != v.ctx {
		v.ctx = v.u.selected
		v.vgen++
		v.nodes = map[string]*gnode{}
		v.clearDiff()
		v.selectedID = ""
		v.results = nil
		v.showResults(false)
		v.tree.CloseAllBranches()
		v.tree.UnselectAll()
		v.setDetail(noSelection, "", "")
		v.tree.Refresh()
		if v.ctx == "" && v.u.ctl.Next == 0 {
			v.diffText = "Not started: F10 runs the next step, F5 every step."
		}
		v.updateSummary()
		v.loadDiff()
		if v.tabs.Selected() != nil && v.tabs.Selected().Text == "Compare" {
			v.compare()
		}
	}
}

// reload refreshes every loaded branch and the highlights after a command.
func (v *globalsView) reload() {
	if v.ctx == "" {
		return
	}
	v.vgen++
	for _, n := range v.nodes {
		n.loaded, n.loading = false, false
	}
	if root := v.nodes[""]; root != nil {
		v.load("", 0)
	}
	v.tree.Refresh()
	v.loadDiff()
	v.refreshChanges()
	if v.tabs.Selected() != nil && v.tabs.Selected().Text == "Compare" {
		v.compare()
	}
}

// loadDiff fetches what the highlights show: after a reload, the changes
// since the state before it (every context, from the controller); else
// the changes made by the last step or command.
func (v *globalsView) loadDiff() {
	if v.ctx == "" || !v.u.ctl.HasSession() {
		return
	}
	c, ctx := v.u.ctl, v.ctx
	if rd := c.ReloadDiff; rd != nil {
		d := inspector.DiffResult{}
		for _, cd := range rd.Contexts {
			if cd.Context == ctx {
				d = cd.Diff
			}
		}
		v.applyDiff("reload", ctx, d)
		return
	}
	if c.Next == 0 {
		v.showNotStarted()
		return
	}
	gen := v.vgen
	c.View(engine.Command{Op: "diff", Args: []any{ctx}}, func(r engine.Result) {
		if gen != v.vgen || c.ReloadDiff != nil {
			return // a reload came after: its changes stand
		}
		if c.Next == 0 {
			v.showNotStarted() // a reset came after
			return
		}
		if !r.OK {
			v.clearDiff()
			v.diffText = "Changes since the last step are not available: " + firstLine(r.Error)
			v.tree.Refresh()
			v.updateSummary()
			return
		}
		if r.Diff == nil {
			v.clearDiff()
			v.diffText = "the engine answered no changes"
			v.updateSummary()
			return
		}
		d := *r.Diff
		v.applyDiff("step", ctx, d)
	})
}

// showNotStarted clears the highlights: nothing has run (or a reset).
func (v *globalsView) showNotStarted() {
	v.clearDiff()
	v.diffText = "Not started: F10 runs the next step, F5 every step."
	v.tree.Refresh()
	v.updateSummary()
}

// applyDiff highlights a diff of ctx in the tree.
func (v *globalsView) applyDiff(from, ctx string, d inspector.DiffResult) {
	v.diff = map[string]string{}
	for _, e := range d.Added {
		v.diff[e.Path] = "added"
	}
	for _, e := range d.Changed {
		v.diff[e.Path] = "changed"
	}
	v.removed = d.Removed
	v.diffFrom, v.diffCtx, v.diffRes = from, ctx, d
	v.diffText = ""
	v.childIDs("")
	v.tree.Refresh()
	v.updateSummary()
}

// isTopLevel tells whether a diff path names a global (not a field).
func isTopLevel(path string) bool { return !strings.ContainsAny(path, ".[") }

// diffCounts counts the highlighted entries: game globals (shown) and
// built-ins (shown only with Built-ins ticked), whatever the check box says.
func (v *globalsView) diffCounts() (game, built [3]int) {
	for i, es := range [][]inspector.DiffEntry{v.diffRes.Added, v.diffRes.Changed, v.diffRes.Removed} {
		for _, e := range es {
			if i < 2 && isTopLevel(e.Path) && v.nodes[e.Path] != nil && !v.isGameGlobal(e.Path) {
				built[i]++
			} else {
				game[i]++
			}
		}
	}
	return game, built
}

func (v *globalsView) updateSummary() {
	t := v.diffText
	if v.diffFrom != "" {
		game, built := v.diffCounts()
		ctx := v.diffCtx
		switch {
		case v.diffFrom == "reload":
			t = "Changes since the last reload in " + ctx + ": "
		default:
			t = "Last step in " + ctx + ": "
		}
		if game == [3]int{} {
			t += "no game globals changed"
		} else {
			t += fmt.Sprintf("+%d added · ~%d changed · −%d removed (highlighted)", game[0], game[1], game[2])
		}
		if nb := built[0] + built[1]; nb > 0 {
			if v.builtins {
				t += fmt.Sprintf(" · %d built-ins changed", nb)
			} else {
				t += fmt.Sprintf(" · %d built-ins changed (tick Built-ins to see them)", nb)
			}
		}
		if v.diffFrom == "reload" {
			if rd := v.u.ctl.ReloadDiff; rd != nil {
				var others []string
				for _, cd := range rd.Contexts {
					if cd.Context == ctx {
						continue
					}
					if n := len(cd.Diff.Added) + len(cd.Diff.Changed) + len(cd.Diff.Removed); n > 0 {
						others = append(others, fmt.Sprintf("%s %d", cd.Context, n))
					}
				}
				if len(others) > 0 {
					t += " · other contexts: " + strings.Join(others, ", ") + " (Changes tab)"
				}
			}
		}
	}
	if !v.builtins && v.hidden > 0 {
		if t != "" {
			t += " · "
		}
		t += fmt.Sprintf("%d built-ins hidden", v.hidden)
	}
	if t != v.summary.Text {
		trace("globals summary: %s", t)
	}
	v.summary.SetText(t)
}

// ---- search ----

// searchLimit is how many matches the engine collects at first; "search
// further" asks for four times as many.
const (
	searchLimit = 5000
	resultPage  = 200
)

func (v *globalsView) runSearch() {
	q := strings.TrimSpace(v.search.Text)
	if q == "" {
		v.clearSearch()
		return
	}
	if v.ctx == "" {
		return
	}
	v.query, v.limit = q, searchLimit
	v.doSearch()
}

func (v *globalsView) doSearch() {
	gen, q, limit := v.vgen, v.query, v.limit
	v.resLbl.SetText("Searching…")
	v.showResults(true)
	v.u.ctl.View(engine.Command{Op: "search", Args: []any{v.ctx, q}, Limit: limit}, func(r engine.Result) {
		if gen != v.vgen || q != v.query {
			return
		}
		v.results = nil
		v.shown = 0
		if !r.OK {
			v.resLbl.SetText("Search failed: " + firstLine(r.Error))
			v.resList.Refresh()
			return
		}
		if r.Search == nil {
			v.resLbl.SetText("the engine answered no search result")
			return
		}
		sr := *r.Search
		v.results = rankMatches(q, sr.Matches)
		v.truncated = sr.Truncated
		v.shown = min(resultPage, len(v.results))
		v.resSel = -1
		v.resultLabel()
		// the results take the room they need, up to 40% (the tree keeps the rest)
		v.resSplit.Offset = min(0.4, 0.08+0.05*float64(v.resultRows()))
		v.resSplit.Refresh()
		v.resList.UnselectAll()
		v.resList.Refresh()
		v.resList.ScrollToTop()
		trace("search %q: %s", q, v.resLbl.Text)
		if len(v.results) > 0 && len(v.results[0].Path) == 1 && strings.EqualFold(keyName(v.results[0].Path[0]), q) {
			v.resList.Select(0) // the global of that name: show it in the tree now
		}
	})
}

func (v *globalsView) resultLabel() {
	n := fmt.Sprint(len(v.results))
	if v.truncated {
		n += "+"
	}
	word := "matches"
	if n == "1" {
		word = "match"
	}
	t := fmt.Sprintf("%s %s for %q", n, word, v.query)
	if v.shown < len(v.results) || v.truncated {
		t += fmt.Sprintf(" · showing %d", v.shown)
	}
	if len(v.results) > 0 {
		t += " · select one to show it in the tree"
	}
	v.resLbl.SetText(t)
}

// resultRows is the results list's length: the shown page and a "more"
// row when more matches are there (or the engine stopped early).
func (v *globalsView) resultRows() int {
	if v.shown < len(v.results) || (v.truncated && len(v.results) > 0) {
		return v.shown + 1
	}
	return v.shown
}

func (v *globalsView) updateResult(i widget.ListItemID, o fyne.CanvasObject) {
	g := o.(*fyne.Container)
	k, val := g.Objects[0].(*widget.Label), g.Objects[1].(*widget.Label)
	if i == v.shown {
		k.Importance = widget.HighImportance
		k.SetText("more…")
		if v.shown < len(v.results) {
			val.SetText(fmt.Sprintf("%d more — select to show %d more", len(v.results)-v.shown, min(resultPage, len(v.results)-v.shown)))
		} else {
			val.SetText(fmt.Sprintf("the search stopped at %d matches — select to search further", v.limit))
		}
		return
	}
	if i >= len(v.results) {
		return
	}
	m := v.results[i]
	k.Importance = widget.MediumImportance
	k.SetText(m.Text)
	val.SetText(m.Node.Value)
}

func (v *globalsView) resultSelected(i widget.ListItemID) {
	if i == v.shown {
		v.resList.Unselect(i)
		if v.shown < len(v.results) {
			v.shown = min(v.shown+resultPage, len(v.results))
			v.resultLabel()
			v.resList.Refresh()
		} else if v.truncated {
			v.limit *= 4
			v.doSearch()
		}
		return
	}
	if i < 0 || i >= len(v.results) {
		return
	}
	v.resSel = i
	m := v.results[i]
	v.showNodeProv(m.Text, m.Node, false)
	v.revealPath(m.Path)
}

// showResults puts the results above the tree, or takes them away.
func (v *globalsView) showResults(on bool) {
	if on {
		v.resSplit.Trailing = v.tree
		v.treeArea.Objects = []fyne.CanvasObject{v.resSplit}
	} else {
		v.treeArea.Objects = []fyne.CanvasObject{v.tree}
	}
	v.treeArea.Refresh()
}

func (v *globalsView) clearSearch() {
	v.results = nil
	v.shown = 0
	v.query = ""
	v.showResults(false)
	v.search.SetText("")
}

// revealSelectedResult opens the tree down to the chosen search hit.
func (v *globalsView) revealSelectedResult() {
	if v.resSel < 0 || v.resSel >= len(v.results) {
		return
	}
	v.revealPath(v.results[v.resSel].Path)
}

// revealPath opens the tree down to path (loading what it must: the
// branches on the way, every page up to the entry), then selects it and
// scrolls to it.
func (v *globalsView) revealPath(p inspector.Path) {
	if len(p) == 0 {
		return
	}
	gen := v.vgen
	target := inspector.FormatPath(p)
	var step func(i int)
	step = func(i int) {
		if gen != v.vgen {
			return
		}
		if i >= len(p) {
			v.tree.Select(target)
			v.tree.ScrollTo(target)
			return
		}
		parent := inspector.FormatPath(p[:i])
		child := inspector.FormatPath(p[:i+1])
		n := v.nodes[parent]
		if n == nil && parent == "" {
			n = &gnode{path: inspector.Path{}}
			v.nodes[""] = n
		}
		if n == nil {
			v.resLbl.SetText("Cannot show " + target + ": " + parent + " is gone")
			return
		}
		if i > 0 {
			v.tree.OpenBranch(parent)
		}
		if n.loaded && !n.loading && contains(n.kids, child) {
			if i == 0 && !v.builtins && !v.isGameGlobal(child) {
				v.builtChk.SetChecked(true) // the hit is a built-in: show them
			}
			step(i + 1)
			return
		}
		if n.loaded && !n.loading && len(n.kids) >= n.total {
			v.resLbl.SetText("Cannot show " + target + ": it is no longer there (search again)")
			return
		}
		v.loadThen(parent, 0, max(n.total, len(n.kids), pageSize), func() {
			if contains(v.nodes[parent].kids, child) {
				step(i)
			} else if gen == v.vgen {
				v.resLbl.SetText("Cannot show " + target + ": it is no longer there (search again)")
			}
		})
	}
	step(0)
}

// rankMatches orders search hits for people looking for a name: the exact
// name first, then names that start with the query, then the rest (names
// that contain it, then values); globals before nested fields, shallower
// before deeper, then alphabetically.
func rankMatches(q string, ms []inspector.Match) []inspector.Match {
	lq := strings.ToLower(q)
	type ranked struct {
		cls, depth int
		text       string
		m          inspector.Match
	}
	rs := make([]ranked, len(ms))
	for i, m := range ms {
		name := ""
		if len(m.Path) > 0 {
			name = strings.ToLower(keyName(m.Path[len(m.Path)-1]))
		}
		cls := 3
		if m.ByName {
			switch {
			case name == lq:
				cls = 0
			case strings.HasPrefix(name, lq):
				cls = 1
			default:
				cls = 2
			}
		}
		rs[i] = ranked{cls, len(m.Path), strings.ToLower(m.Text), m}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.cls != b.cls {
			return a.cls - b.cls
		}
		if a.depth != b.depth {
			return a.depth - b.depth
		}
		return strings.Compare(a.text, b.text)
	})
	out := make([]inspector.Match, len(rs))
	for i, r := range rs {
		out[i] = r.m
	}
	return out
}

// keyName is the name a path token stands for: Foo, ["a b"] -> a b, [3] -> 3.
func keyName(tok string) string {
	if strings.HasPrefix(tok, "[") && strings.HasSuffix(tok, "]") {
		tok = tok[1 : len(tok)-1]
		if uq, err := strconv.Unquote(tok); err == nil {
			return uq
		}
	}
	return tok
}

// ---- compare ----

func (v *globalsView) compare() {
	if v.cmpWith == "" || v.cmpWith == v.ctx {
		// pick the first other context
		for _, n := range v.u.ContextNames() {
			if n != v.ctx {
				v.cmpWith = n
				cb := v.cmpSel.OnChanged
				v.cmpSel.OnChanged = nil
				v.cmpSel.SetSelected(n)
				v.cmpSel.OnChanged = cb
				break
			}
		}
	}
	a, b := v.ctx, v.cmpWith
	if a == "" || b == "" || a == b {
		v.cmpRows = nil
		v.cmpHead.SetText("Pick a second context to compare its globals with " + orNone(a) + ".")
		v.cmpList.Refresh()
		return
	}
	gen := v.vgen
	v.u.ctl.View(engine.Command{Op: "diff", Args: []any{a, b}}, func(r engine.Result) {
		if gen != v.vgen || v.cmpWith != b {
			return
		}
		v.cmpRows = nil
		if !r.OK {
			v.cmpHead.SetText("Compare is not available: " + firstLine(r.Error))
			v.cmpList.Refresh()
			return
		}
		if r.Diff == nil {
			v.cmpHead.SetText("the engine answered no comparison")
			return
		}
		d := *r.Diff
		v.cmpRows = append(v.cmpRows, cmpRow{status: "", key: "global", a: a, b: b})
		for _, e := range d.Removed {
			v.cmpRows = append(v.cmpRows, cmpRow{"removed", e.Path, e.Old, "—"})
		}
		for _, e := range d.Added {
			v.cmpRows = append(v.cmpRows, cmpRow{"added", e.Path, "—", e.New})
		}
		for _, e := range d.Changed {
			v.cmpRows = append(v.cmpRows, cmpRow{"changed", e.Path, e.Old, e.New})
		}
		v.cmpHead.SetText(fmt.Sprintf("%s vs %s: %d only in %s (red) · %d only in %s (green) · %d different (orange)",
			a, b, len(d.Removed), a, len(d.Added), b, len(d.Changed)))
		v.cmpList.Refresh()
	})
}

func orNone(s string) string {
	if s == "" {
		return "(no context)"
	}
	return s
}
