package ui

import (
	"encoding/json"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
	"modscope/inspector"
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
	ctxSel *widget.Select
	ctx    string
	vgen   int // bumps when the context or the session changes

	tree     *widget.Tree
	nodes    map[string]*gnode
	diff     map[string]string // ID -> added/changed
	removed  []inspector.DiffEntry
	summary  *widget.Label
	diffText string
	builtins bool // show globals no game code defined
	hidden   int  // how many the last childIDs("") hid
	builtChk *widget.Check

	search     *widget.Entry
	results    []inspector.Match
	resList    *widget.List
	resBox     *fyne.Container
	resLbl     *widget.Label
	resSel     int
	pendingSel string

	detail     *widget.Label
	gotoDef    *widget.Button
	gotoAsg    *widget.Button
	evalBtn    *widget.Button
	defWhere   string
	asgWhere   string
	selectedID string

	cmpSel    *widget.Select
	cmpWith   string
	cmpRows   []cmpRow
	cmpList   *widget.List
	cmpHead   *widget.Label
	tabs      *container.AppTabs
	watchIn   *widget.Entry
	watchList *widget.List
	obj       fyne.CanvasObject
}

type cmpRow struct {
	status, key, a, b string
}

func newGlobalsView(u *App) *globalsView {
	v := &globalsView{u: u, nodes: map[string]*gnode{}, diff: map[string]string{}}
	v.ctxSel = widget.NewSelect(nil, func(s string) { u.SelectContext(s) })
	v.ctxSel.PlaceHolder = "(no context yet)"
	v.summary = widget.NewLabel("")
	v.summary.SizeName = theme.SizeNameCaptionText
	v.summary.Truncation = fyne.TextTruncateEllipsis

	v.tree = widget.NewTree(v.childIDs, v.isBranch, v.createRow, v.updateRow)
	v.tree.OnSelected = v.selected
	v.tree.OnBranchOpened = func(id string) { v.ensureLoaded(id) }

	v.search = widget.NewEntry()
	v.search.SetPlaceHolder("Search names and values (Enter)")
	v.search.OnSubmitted = func(string) { v.runSearch() }
	v.resLbl = widget.NewLabel("")
	v.resList = widget.NewList(func() int { return len(v.results) },
		func() fyne.CanvasObject {
			k := widget.NewLabel("path")
			k.TextStyle = fyne.TextStyle{Monospace: true}
			val := widget.NewLabel("value")
			val.Truncation = fyne.TextTruncateEllipsis
			return container.NewGridWithColumns(2, k, val)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.results) {
				return
			}
			m := v.results[i]
			g := o.(*fyne.Container)
			g.Objects[0].(*widget.Label).SetText(m.Text)
			g.Objects[1].(*widget.Label).SetText(m.Node.Value)
		})
	v.resList.OnSelected = func(i widget.ListItemID) {
		v.resSel = i
		if i < len(v.results) {
			m := v.results[i]
			v.showNode(m.Text, m.Node)
		}
	}
	closeRes := widget.NewButtonWithIcon("Back to tree", theme.NavigateBackIcon(), v.clearSearch)
	reveal := widget.NewButtonWithIcon("Show in tree", theme.SearchIcon(), v.revealSelectedResult)
	v.resBox = container.NewBorder(container.NewBorder(nil, nil, closeRes, reveal, v.resLbl), nil, nil, nil, v.resList)
	v.resBox.Hide()

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
	detailBox := container.NewBorder(nil, container.NewHBox(v.gotoDef, v.gotoAsg, v.evalBtn), nil, nil,
		container.NewVScroll(v.detail))

	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), v.reload)
	refresh.Importance = widget.LowImportance
	v.builtChk = widget.NewCheck("Built-ins", func(on bool) {
		v.builtins = on
		v.tree.Refresh()
		v.updateSummary()
	})
	top := container.NewVBox(
		container.NewBorder(nil, nil, bold("Globals of"), container.NewHBox(v.builtChk, refresh), v.ctxSel),
		v.search,
		v.summary,
	)
	treeArea := container.NewStack(v.tree, v.resBox)
	split := container.NewVSplit(treeArea, detailBox)
	split.Offset = 0.74
	globalsTab := container.NewBorder(top, nil, nil, nil, split)

	// side by side
	v.cmpSel = widget.NewSelect(nil, func(s string) { v.cmpWith = s; v.compare() })
	v.cmpSel.PlaceHolder = "other context"
	v.cmpHead = widget.NewLabel("Pick a second context to compare their globals.")
	v.cmpHead.Wrapping = fyne.TextWrapWord
	v.cmpList = widget.NewList(func() int { return len(v.cmpRows) },
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
		container.NewTabItemWithIcon("Globals", theme.ListIcon(), globalsTab),
		container.NewTabItemWithIcon("Compare", theme.ContentCopyIcon(), compareTab),
		container.NewTabItemWithIcon("Watches", theme.VisibilityIcon(), v.newWatches()),
	)
	v.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Compare" {
			v.compare()
		}
	}
	v.obj = v.tabs
	return v
}

// newWatches builds the watch expressions tab: Lua expressions evaluated
// in a context after every step and command.
func (v *globalsView) newWatches() fyne.CanvasObject {
	u := v.u
	v.watchIn = widget.NewEntry()
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
	v.watchList = widget.NewList(func() int { return len(u.ctl.Watches) },
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
func (v *globalsView) load(id string, offset int) {
	n := v.nodes[id]
	if n == nil || v.ctx == "" || !v.u.ctl.HasSession() {
		return
	}
	n.loading = true
	limit := pageSize
	if offset == 0 && len(n.kids) > limit {
		limit = len(n.kids)
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
		var pr inspector.PageResult
		if err := decodeData(r.Data, &pr); err != nil {
			n.err = err.Error()
			v.tree.Refresh()
			return
		}
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
		v.tree.Refresh()
		if id == "" {
			v.childIDs("")
			v.updateSummary()
		}
		if id == v.selectedID || contains(n.kids, v.selectedID) {
			v.refreshDetail()
		}
		if v.pendingSel != "" {
			if _, ok := v.nodes[v.pendingSel]; ok {
				sel := v.pendingSel
				v.pendingSel = ""
				v.tree.Select(sel)
				v.tree.ScrollTo(sel)
			}
		}
	})
}

// decodeData reads a view's Data into out, directly or through JSON (so a
// pointer, or a struct of the same shape, works too).
func decodeData[T any](data any, out *T) error {
	switch d := data.(type) {
	case T:
		*out = d
		return nil
	case *T:
		if d != nil {
			*out = *d
			return nil
		}
	case nil:
		return fmt.Errorf("the engine sent no data")
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("unexpected view data %T: %v", data, err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("unexpected view data %T: %v", data, err)
	}
	return nil
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
}

// showNode fills the detail pane.
func (v *globalsView) showNode(path string, nd inspector.Node) {
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
	} else if len(strings.Split(path, ".")) == 1 && !strings.Contains(path, "[") {
		b.WriteString("not defined by game code (built in)\n")
	}
	if st := v.diff[path]; st != "" {
		fmt.Fprintf(&b, "%s by the last step\n", st)
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
	_, _, okDef := SplitWhere(def)
	_, _, okAsg := SplitWhere(asg)
	setEnabled(v.gotoDef, okDef)
	setEnabled(v.gotoAsg, okAsg && asg != def)
}

// ---- state changes ----

func (v *globalsView) sessionChanged() {
	v.vgen++
	v.ctx = ""
	v.nodes = map[string]*gnode{}
	v.diff = map[string]string{}
	v.removed = nil
	v.results = nil
	v.resBox.Hide()
	v.cmpRows = nil
	v.cmpWith = ""
	v.diffText = ""
	v.summary.SetText("")
	v.selectedID = ""
	v.setDetail("Select a global to see its value and where it was defined.", "", "")
	v.tree.CloseAllBranches()
	v.tree.Refresh()
	v.cmpList.Refresh()
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
		v.diff = map[string]string{}
		v.removed = nil
		v.selectedID = ""
		v.tree.CloseAllBranches()
		v.tree.UnselectAll()
		v.setDetail("Select a global to see its value and where it was defined.", "", "")
		v.tree.Refresh()
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
	if v.tabs.Selected() != nil && v.tabs.Selected().Text == "Compare" {
		v.compare()
	}
}

func (v *globalsView) loadDiff() {
	if v.ctx == "" || !v.u.ctl.HasSession() {
		return
	}
	gen, ctx := v.vgen, v.ctx
	v.u.ctl.View(engine.Command{Op: "diff", Args: []any{ctx}}, func(r engine.Result) {
		if gen != v.vgen {
			return
		}
		v.diff = map[string]string{}
		v.removed = nil
		if !r.OK {
			v.diffText = "Changes since the last step are not available: " + firstLine(r.Error)
			v.tree.Refresh()
			v.updateSummary()
			return
		}
		var d inspector.DiffResult
		if err := decodeData(r.Data, &d); err != nil {
			v.diffText = err.Error()
			v.updateSummary()
			return
		}
		for _, e := range d.Added {
			v.diff[e.Path] = "added"
		}
		for _, e := range d.Changed {
			v.diff[e.Path] = "changed"
		}
		v.removed = d.Removed
		if d.Empty() {
			v.diffText = "No globals changed in " + ctx + " by the last step."
		} else {
			v.diffText = fmt.Sprintf("Last step in %s: +%d added · ~%d changed · −%d removed (highlighted)",
				ctx, len(d.Added), len(d.Changed), len(d.Removed))
		}
		v.tree.Refresh()
		v.updateSummary()
	})
}

func (v *globalsView) updateSummary() {
	t := v.diffText
	if !v.builtins && v.hidden > 0 {
		if t != "" {
			t += " · "
		}
		t += fmt.Sprintf("%d built-ins hidden", v.hidden)
	}
	v.summary.SetText(t)
}

// ---- search ----

func (v *globalsView) runSearch() {
	q := strings.TrimSpace(v.search.Text)
	if q == "" {
		v.clearSearch()
		return
	}
	if v.ctx == "" {
		return
	}
	gen := v.vgen
	v.resLbl.SetText("Searching…")
	v.resBox.Show()
	v.u.ctl.View(engine.Command{Op: "search", Args: []any{v.ctx, q}}, func(r engine.Result) {
		if gen != v.vgen {
			return
		}
		v.results = nil
		if !r.OK {
			v.resLbl.SetText("Search failed: " + firstLine(r.Error))
			v.resList.Refresh()
			return
		}
		var sr inspector.SearchResult
		if err := decodeData(r.Data, &sr); err != nil {
			v.resLbl.SetText(err.Error())
			return
		}
		v.results = sr.Matches
		v.resSel = -1
		more := ""
		if sr.Truncated {
			more = " (stopped early: refine the search)"
		}
		v.resLbl.SetText(fmt.Sprintf("%d matches for %q%s", len(sr.Matches), q, more))
		v.resList.UnselectAll()
		v.resList.Refresh()
	})
}

func (v *globalsView) clearSearch() {
	v.results = nil
	v.resBox.Hide()
	v.search.SetText("")
}

// revealSelectedResult opens the tree down to the chosen search hit.
func (v *globalsView) revealSelectedResult() {
	if v.resSel < 0 || v.resSel >= len(v.results) {
		return
	}
	m := v.results[v.resSel]
	v.clearSearch()
	for i := 1; i < len(m.Path); i++ {
		v.tree.OpenBranch(inspector.FormatPath(m.Path[:i]))
	}
	id := inspector.FormatPath(m.Path)
	if _, ok := v.nodes[id]; ok {
		v.tree.Select(id)
		v.tree.ScrollTo(id)
	} else {
		v.pendingSel = id
	}
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
		var d inspector.DiffResult
		if err := decodeData(r.Data, &d); err != nil {
			v.cmpHead.SetText(err.Error())
			return
		}
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
