package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"modscope/engine"
	"modscope/inspector"
)

// The window on real games (issue 19): each test below failed before its
// fix.

// gameDir writes a small autorun folder (Lua/ files) and returns it.
func gameDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const searchGame = `Presets = { Building = {} }
PresetsExtra = 1
Holder = { Presets = 1, APresets = 2 }
for i = 1, 450 do _G["Zq" .. i] = i end
GameTitle = "Mars"
`

func (h *harness) runAll() {
	h.t.Helper()
	h.shortcut(scRunAll)
	h.waitFor("run all", func() bool { return h.u.ctl.Busy == 0 && h.u.ctl.Next == len(h.u.ctl.Steps) })
	h.idle()
}

func (h *harness) search(q string) {
	h.t.Helper()
	h.u.globals.search.SetText(q)
	h.u.globals.search.OnSubmitted(q)
	h.idle()
}

// absRect is an object's rectangle on the canvas.
func absRect(o fyne.CanvasObject) (fyne.Position, fyne.Size) {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size()
}

// Defect 1: search results were drawn on top of the tree.
func TestSearchResultsDoNotCoverTheTree(t *testing.T) {
	h := newHarness(t)
	h.open(gameDir(t, map[string]string{"Lua/A.lua": searchGame}))
	h.runAll()
	h.search("Presets")
	g := h.u.globals
	if len(g.results) == 0 {
		t.Fatalf("no results: %q", g.resLbl.Text)
	}
	h.u.win.Resize(fyne.NewSize(1440, 900))
	h.u.win.Content().Refresh()
	rp, rs := absRect(g.resList)
	tp, ts := absRect(g.tree)
	if !g.tree.Visible() || ts.Height < 40 || rs.Height < 40 {
		t.Fatalf("tree %v visible %v, results %v", ts, g.tree.Visible(), rs)
	}
	overlap := rp.Y < tp.Y+ts.Height && tp.Y < rp.Y+rs.Height && rp.X < tp.X+ts.Width && tp.X < rp.X+rs.Width
	if overlap {
		t.Errorf("results at %v %v overlap the tree at %v %v", rp, rs, tp, ts)
	}
	g.clearSearch()
	if len(g.treeArea.Objects) != 1 || g.treeArea.Objects[0] != fyne.CanvasObject(g.tree) {
		t.Errorf("closing the results does not give the tree its room back")
	}
}

// Defect 2: exact name first, then prefix, then the rest, globals before
// fields; no silent cap; selecting a hit opens, selects and scrolls to it.
func TestSearchRanksPagesAndReveals(t *testing.T) {
	h := newHarness(t)
	h.open(gameDir(t, map[string]string{"Lua/A.lua": searchGame}))
	h.runAll()
	g := h.u.globals
	h.search("Presets")
	var got []string
	for _, m := range g.results {
		got = append(got, m.Text)
	}
	// exact (global, then field), prefix, the rest (globals, then fields)
	want := []string{"Presets", "Holder.Presets", "PresetsExtra"}
	if len(got) < len(want) || strings.Join(got[:len(want)], ",") != strings.Join(want, ",") {
		t.Fatalf("ranked %v, want %v first", got, want)
	}
	if got[len(got)-1] != "Holder.APresets" {
		t.Errorf("ranked %v: the nested non-prefix hit should come last", got)
	}
	// selecting a nested hit opens its branch and selects it in the tree
	g.resList.Select(1)
	h.idle()
	if !g.tree.IsBranchOpen("Holder") || g.selectedID != "Holder.Presets" {
		t.Errorf("reveal: Holder open %v, selected %q", g.tree.IsBranchOpen("Holder"), g.selectedID)
	}

	// 450 hits: the first page and a "more" row, never a silent cap
	h.search("Zq")
	if len(g.results) != 450 || g.shown != resultPage || g.resultRows() != resultPage+1 {
		t.Fatalf("450 matches: %d results, %d shown, %d rows", len(g.results), g.shown, g.resultRows())
	}
	if !strings.Contains(g.resLbl.Text, "450 matches") || !strings.Contains(g.resLbl.Text, "showing 200") {
		t.Errorf("label %q does not say how many there are", g.resLbl.Text)
	}
	g.resList.Select(resultPage)
	h.idle()
	if g.shown != 2*resultPage {
		t.Errorf("more… shows %d", g.shown)
	}
	// a hit far down the tree: selected and scrolled to
	h.u.win.Resize(fyne.NewSize(1440, 900))
	h.u.win.Content().Refresh()
	far := g.results[350].Text
	g.resList.Select(350)
	h.idle()
	if g.selectedID != far {
		t.Fatalf("selected %q, want %s", g.selectedID, far)
	}
	if off := treeOffset(t, g.tree); off <= 0 {
		t.Errorf("the tree did not scroll to %s (offset %v)", far, off)
	}
}

// treeOffset reads the tree's scroll offset (its renderer's scroller).
func treeOffset(t *testing.T, tr fyne.Widget) float32 {
	for _, o := range test.WidgetRenderer(tr).Objects() {
		v := reflect.ValueOf(o)
		if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("Offset"); f.IsValid() {
				if p, ok := f.Interface().(fyne.Position); ok {
					t.Logf("scroller %T %v size %v", o, p, o.Size())
					return p.Y
				}
			}
		}
	}
	for _, o := range test.WidgetRenderer(tr).Objects() {
		t.Logf("tree renderer object %T size %v", o, o.Size())
	}
	t.Fatal("the tree has no scroller")
	return 0
}

// Defect 3: a search hit's detail showed "built in" for a game global.
func TestSearchHitShowsProvenance(t *testing.T) {
	h := newHarness(t)
	h.open(gameDir(t, map[string]string{"Lua/A.lua": searchGame}))
	h.runAll()
	g := h.u.globals
	h.search("GameTitle")
	if len(g.results) == 0 || g.results[0].Text != "GameTitle" {
		t.Fatalf("results %v", g.results)
	}
	g.resList.Select(0)
	h.idle()
	if strings.Contains(g.detail.Text, "built in") || !strings.Contains(g.detail.Text, "Lua/A.lua:5") {
		t.Errorf("detail of GameTitle: %q", g.detail.Text)
	}
}

// Defect 4: after a reload the header covered only its last step; every
// context's changes since before the reload are shown and highlighted.
func TestReloadShowsWhatChanged(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := gameDir(t, map[string]string{"Lua/A.lua": "A = 1\nB = 2\n"})
	h.open(dir)
	h.runAll()
	file := filepath.Join(dir, "Lua", "A.lua")
	u.editor.open(file, 0)
	u.editor.live.SetChecked(true)
	u.editor.ed.SetText("A = 10\nB = 2\nC = 3\n")
	h.shortcut(scSave)
	h.waitFor("the reload's changes", func() bool { return u.ctl.Busy == 0 && u.ctl.ReloadDiff != nil })
	h.idle()
	g := u.globals
	if !strings.HasPrefix(g.summary.Text, "Changes since the last reload in main: +1 added · ~1 changed") {
		t.Errorf("summary after a save: %q", g.summary.Text)
	}
	if g.diff["C"] != "added" || g.diff["A"] != "changed" {
		t.Errorf("highlights %v", g.diff)
	}
	rows := map[string]string{}
	for _, r := range g.chgRows {
		rows[r.path] = r.status
	}
	if rows["A"] != "changed" || rows["C"] != "added" || rows["B"] != "" || !strings.Contains(g.chgHead.Text, "saved Lua/A.lua") {
		t.Errorf("Changes tab: %v %q", g.chgRows, g.chgHead.Text)
	}
	// Ctrl+R with nothing changed says so
	h.shortcut(scReload)
	h.waitFor("the reload", func() bool { return u.ctl.Busy == 0 && u.ctl.ReloadDiff != nil })
	h.idle()
	if !strings.Contains(g.summary.Text, "since the last reload") || !strings.Contains(g.summary.Text, "no game globals changed") {
		t.Errorf("summary after Ctrl+R: %q", g.summary.Text)
	}
	// a save-triggered reload that stops at a breakpoint says so
	u.ctl.ToggleBreakpoint(u.ctl.Steps[len(u.ctl.Steps)-1])
	u.editor.ed.SetText("A = 11\nB = 2\nC = 3\n")
	h.shortcut(scSave)
	h.waitFor("the reload", func() bool { return u.ctl.Busy == 0 && u.ctl.ReloadDiff != nil })
	h.idle()
	if !strings.Contains(u.status.Text, "breakpoint") {
		t.Errorf("status after a reload stopped at a breakpoint: %q", u.status.Text)
	}
}

// Edits from outside: a file changed on disk reloads, and the open buffer
// follows the disk; with unsaved edits it is never overwritten silently.
func TestEditOnDiskReloadsAndKeepsUnsavedEdits(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := gameDir(t, map[string]string{"Lua/A.lua": "A = 1\n", "Lua/B.lua": "B = 1\n"})
	h.open(dir)
	h.runAll()
	u.editor.live.SetChecked(true)
	a, b := filepath.Join(dir, "Lua", "A.lua"), filepath.Join(dir, "Lua", "B.lua")
	u.editor.open(a, 0)
	time.Sleep(100 * time.Millisecond) // the watch is set up
	if err := os.WriteFile(a, []byte("A = 2\nD = 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the reload after the edit on disk", func() bool { return u.ctl.Busy == 0 && u.ctl.ReloadDiff != nil })
	h.idle()
	if u.editor.ed.Text() != "A = 2\nD = 4\n" {
		t.Errorf("the open file did not follow the disk: %q", u.editor.ed.Text())
	}
	if u.globals.diff["D"] != "added" || !strings.Contains(u.ctl.ReloadWhy, "changed on disk") {
		t.Errorf("diff %v, why %q", u.globals.diff, u.ctl.ReloadWhy)
	}
	// unsaved edits: asked, and kept
	u.editor.ed.SetText("A = 99 -- mine\n")
	n := len(h.asked)
	h.answer = func(string, []string) int { return 0 } // keep my edits
	os.WriteFile(a, []byte("A = 3\n"), 0o644)
	h.waitFor("the question", func() bool { return len(h.asked) > n })
	if !strings.Contains(h.asked[n], "unsaved edits") || u.editor.ed.Text() != "A = 99 -- mine\n" {
		t.Errorf("asked %q; buffer %q", h.asked[n:], u.editor.ed.Text())
	}
	h.idle()
	// with Auto-reload off, a change is offered, not run
	u.editor.live.SetChecked(false)
	u.ctl.ReloadDiff = nil
	os.WriteFile(b, []byte("B = 2\n"), 0o644)
	h.waitFor("the offer", func() bool { return u.diskBtn.Visible() })
	if u.ctl.ReloadDiff != nil || !strings.Contains(u.status.Text, "Lua/B.lua") {
		t.Errorf("reloaded without asking, or status %q", u.status.Text)
	}
	test.Tap(u.diskBtn)
	h.waitFor("the reload", func() bool { return u.ctl.Busy == 0 && u.ctl.ReloadDiff != nil })
	if u.diskBtn.Visible() {
		t.Errorf("the offer stays after reloading")
	}
}

// Defect 5: F10/F5 stopped working once an entry, a check box or a list
// had the focus (Fyne gives keys without a modifier to the focused widget).
func TestFunctionKeysWhateverHasFocus(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(gameDir(t, map[string]string{"Lua/A.lua": "A = 1\n"}))
	for _, tc := range []struct {
		name string
		w    fyne.Focusable
	}{
		{"the globals search box", u.globals.search},
		{"the Built-ins check box", u.globals.builtChk},
		{"the steps list", u.stepper.list},
		{"the globals tree", u.globals.tree},
		{"the problems filter", u.problems.filter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if u.ctl.Next >= len(u.ctl.Steps) {
				test.Tap(u.stepper.resetBtn)
				h.idle()
			}
			before := u.ctl.Next
			c := u.win.Canvas()
			c.Focus(tc.w)
			// what the desktop driver does with a key that has no modifier
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10})
			h.waitFor("F10", func() bool { return u.ctl.Busy == 0 && u.ctl.Next == before+1 })
			h.idle()
		})
	}
	c := u.win.Canvas()
	c.Focus(u.globals.search)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	h.waitFor("F5", func() bool { return u.ctl.Busy == 0 && u.ctl.Next == len(u.ctl.Steps) })
}

// Defect 6: errors were mixed with print output, uncounted, and the status
// line showed one of them as if the load had failed there.
func TestProblemsPanel(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := gameDir(t, map[string]string{
		"Lua/A.lua": "print('hello')\nlocal x = nil\nx.y = 1\n",
		"Lua/B.lua": "local f = nil\nf()\n",
		"Lua/C.lua": "A = 1\nerror('boom')\n",
	})
	h.open(dir)
	h.runAll()
	n := len(u.ctl.Errors)
	if n < 3 {
		t.Fatalf("errors %d: %+v", n, u.ctl.Errors)
	}
	if !strings.Contains(u.header.Text, "errors") || u.problemsTab.Text != problemsTitle(n) {
		t.Errorf("header %q, tab %q", u.header.Text, u.problemsTab.Text)
	}
	if !strings.Contains(u.status.Text, "errors (Problems") {
		t.Errorf("status %q", u.status.Text)
	}
	p := u.problems
	if p.shown != n || len(p.groups) == 0 || !strings.Contains(p.head.Text, "errors") {
		t.Fatalf("problems: %d shown in %d groups, %q", p.shown, len(p.groups), p.head.Text)
	}
	// the filter narrows; selecting an error opens its file at its line
	p.filter.SetText("boom")
	if p.shown != 1 {
		t.Fatalf("filter boom: %d shown", p.shown)
	}
	id := p.children(p.groups[0].key)[0]
	p.tree.Select(id)
	if !strings.HasSuffix(u.editor.path, filepath.Join("Lua", "C.lua")) {
		t.Errorf("editor shows %q", u.editor.path)
	}
	if l, _ := u.editor.ed.CursorPosition(); l != 2 {
		t.Errorf("cursor on line %d, want 2", l)
	}
}

func TestGroupErrorsByCause(t *testing.T) {
	errs := []engine.ErrorRecord{
		{File: "Lua/a.lua", Line: 3, Message: "attempt to call a nil value", ID: "e1", Cause: "root"},
		{File: "Lua/b.lua", Line: 7, Message: "index nil", ID: "e2", Cause: "e1"},
		{File: "Lua/c.lua", Line: 9, Message: "index nil", ID: "e3", Cause: "e1"},
		{File: "Lua/d.lua", Line: 1, Message: "x", Cause: "stub:Foo"},
		{File: "Lua/d.lua", Line: 2, Message: "y"},
		{File: "Lua/e.lua", Line: 2, Message: "z"},
		{File: "Lua/e.lua", Line: 4, Message: "w"},
	}
	for _, tc := range []struct {
		name string
		keep func(engine.ErrorRecord) bool
		want string // title(count) per group
	}{
		{"errors following from one root go under it, the rest by file", nil,
			"Follows from Lua/a.lua:3 — attempt to call a nil value(3);Lua/e.lua(2);Lua/d.lua(1);Lua/d.lua(1)"},
		{"the filter keeps the groups of what matches", func(e engine.ErrorRecord) bool { return e.Message == "index nil" },
			"Follows from Lua/a.lua:3 — attempt to call a nil value(2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, g := range groupErrors(errs, errs, tc.keep) {
				got = append(got, g.title+"("+strconv.Itoa(len(g.errs))+")")
			}
			if strings.Join(got, ";") != tc.want {
				t.Errorf("groups\n%s\nwant\n%s", strings.Join(got, ";"), tc.want)
			}
		})
	}
}

// Defect 7: the right pane widened when search results appeared.
func TestSearchKeepsPaneWidth(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("VeryLongGlobalName", 12)
	h.open(gameDir(t, map[string]string{"Lua/A.lua": long + " = '" + strings.Repeat("x", 300) + "'\n"}))
	h.runAll()
	g := h.u.globals
	before := g.obj.MinSize().Width
	h.search(long)
	g.resList.Select(0)
	h.idle()
	if after := g.obj.MinSize().Width; after > before+1 {
		t.Errorf("the globals pane needs %v px with results, %v without", after, before)
	}
	if w := h.u.editor.obj.MinSize().Width; w > 400 {
		t.Errorf("the editor pane needs %v px", w)
	}
}

// Defect 8: a step adding only built-ins said "+61 added" with nothing
// shown; counts changed with Built-ins; Reset kept the old header.
func TestSummaryCountsWhatIsShown(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(gameDir(t, map[string]string{"Lua/A.lua": "A = 1\n"}))
	g := u.globals
	// step until one adds built-ins only (the engine's exports)
	for u.ctl.Next < len(u.ctl.Steps) {
		h.shortcut(scStep)
		h.waitFor("the step", func() bool { return u.ctl.Busy == 0 })
		h.idle()
		if _, built := g.diffCounts(); built[0] > 0 {
			break
		}
	}
	game, built := g.diffCounts()
	if built[0] == 0 {
		t.Fatal("no step added built-ins")
	}
	if game[0] == 0 && strings.Contains(g.summary.Text, "added") && !strings.Contains(g.summary.Text, "+0 added") {
		t.Errorf("summary %q counts hidden built-ins as added", g.summary.Text)
	}
	counts := func() string { return strings.SplitN(g.summary.Text, " · ", 2)[0] }
	off := counts()
	g.builtChk.SetChecked(true)
	if on := counts(); on != off {
		t.Errorf("counts change with Built-ins: %q vs %q", off, on)
	}
	g.builtChk.SetChecked(false)
	test.Tap(u.stepper.resetBtn)
	h.idle()
	t.Logf("after reset: next %d from %q text %q busy %d", u.ctl.Next, g.diffFrom, g.diffText, u.ctl.Busy)
	if !strings.HasPrefix(g.summary.Text, "Not started") || len(g.diff) != 0 {
		t.Errorf("after Reset: %q, %d highlights", g.summary.Text, len(g.diff))
	}
}

// Defect 9: cramped defaults (6 rows of globals, 2 lines of detail at
// 1440x900; the Contexts tab hidden at 1024x700).
func TestRoomyDefaults(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(gameDir(t, map[string]string{"Lua/A.lua": searchGame}))
	row := u.globals.createRow(false).MinSize().Height
	for _, tc := range []struct {
		name               string
		size               fyne.Size
		treeRows, detLines float32
	}{
		{"1440x900", fyne.NewSize(1440, 900), 9, 4},
		{"1024x700", fyne.NewSize(1024, 700), 5, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u.win.Resize(tc.size)
			u.win.Content().Refresh()
			if rows := u.globals.tree.Size().Height / row; rows < tc.treeRows {
				t.Errorf("the globals tree shows %.1f rows, want %v", rows, tc.treeRows)
			}
			line := fyne.MeasureText("M", 14, fyne.TextStyle{Monospace: true}).Height
			t.Logf("tree %.1f rows, detail box %.1f lines", u.globals.tree.Size().Height/row, u.globals.detailBox.Size().Height/line)
			if lines := u.globals.detail.Size().Height / line; lines < tc.detLines {
				// the detail label sits in a scroll: its box is the scroll's
				if sc := u.globals.detailBox.Size().Height / line; sc < tc.detLines {
					t.Errorf("the detail shows %.1f lines, want %v", sc, tc.detLines)
				}
			}
			need := float32(0)
			for _, it := range u.leftTabs.Items {
				need += fyne.MeasureText(it.Text, 14, fyne.TextStyle{}).Width + 4*4
			}
			if w := u.leftTabs.Size().Width; w < need {
				t.Errorf("left tabs %v px wide, their names need %v", w, need)
			}
		})
	}
}

// Defect 10: the export dialog started in $HOME and refused a typed
// absolute path; Ctrl+Q did nothing.
func TestExportDialogAndQuit(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := gameDir(t, map[string]string{"Lua/A.lua": "A = 1\n"})
	h.open(dir)
	h.runAll()
	u.timeline.export()
	if u.lastSave == nil || !strings.HasPrefix(u.lastSave.Text, u.ctl.Dir) {
		t.Fatalf("the export starts at %q, not in the game folder %s", u.lastSave.Text, u.ctl.Dir)
	}
	out := filepath.Join(t.TempDir(), "typed.png")
	u.lastSave.SetText(out)
	u.lastSaveDo()
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("a typed absolute path was not written: %v", err)
	}
	if !strings.Contains(u.ctl.Status, out) {
		t.Errorf("status %q", u.ctl.Status)
	}
	if p, err := resolveSavePath("sub/x.png", dir); err == nil {
		t.Errorf("a missing folder is accepted: %s", p)
	}
	h.shortcut(scQuit)
	select {
	case <-u.ctl.Done():
	case <-time.After(5 * time.Second):
		t.Error("Ctrl+Q did not quit")
	}
}

// Step descriptions: every step of every model says what it does.
func TestStepDocs(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(gameDir(t, map[string]string{"Lua/A.lua": "A = 1\n"}))
	u.stepper.list.Select(0)
	if !strings.Contains(u.stepper.doc.Text, u.ctl.Steps[0]+": ") || len(u.stepper.doc.Text) < 40 {
		t.Errorf("doc of step 1: %q", u.stepper.doc.Text)
	}
	for _, name := range append(u.ctl.Steps, "SomeNewMessage", "Entity 9 (x)", "CommonLua/Foo", "odd step") {
		if d := stepDoc(name); len(d) < 30 {
			t.Errorf("step %q: %q", name, d)
		}
	}
}

var _ = inspector.Path{}
