package ui

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"modscope/engine"
	"modscope/engine/remote"
	"modscope/ui/control"
)

// pump is the tests' UI goroutine: everything the controller posts is
// queued and run by the test goroutine while it waits.
type pump struct {
	mu sync.Mutex
	q  []func()
}

func (p *pump) post(f func()) {
	p.mu.Lock()
	p.q = append(p.q, f)
	p.mu.Unlock()
}

func (p *pump) drain() {
	for {
		p.mu.Lock()
		q := p.q
		p.q = nil
		p.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, f := range q {
			f()
		}
	}
}

type harness struct {
	t     *testing.T
	u     *App
	p     *pump
	asked []string
	// answer picks the button for a question (default: the last, Cancel).
	answer func(title string, choices []string) int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	p := &pump{}
	u := New(a, p.post)
	u.win.Resize(fyne.NewSize(1400, 900))
	h := &harness{t: t, u: u, p: p}
	u.ask = func(title, msg string, choices []string, cb func(int)) {
		h.asked = append(h.asked, title+": "+msg)
		i := len(choices) - 1
		if h.answer != nil {
			i = h.answer(title, choices)
		}
		cb(i)
	}
	t.Cleanup(func() {
		u.stopWatch()
		u.ctl.Close()
		p.drain()
	})
	return h
}

// waitFor polls cond, running posted UI work, until it holds or the
// deadline passes.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		h.p.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s (status: %q, busy %d)", what, h.u.ctl.Status, h.u.ctl.Busy)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// idle waits until no command is queued or running and every posted
// result (views included) has been applied.
func (h *harness) idle() {
	h.t.Helper()
	h.waitFor("idle", func() bool { return h.u.ctl.Busy == 0 })
	done := false
	h.u.ctl.Sync(func() { done = true })
	h.waitFor("views", func() bool { return done })
	// the views asked for by the results just applied
	done = false
	h.u.ctl.Sync(func() { done = true })
	h.waitFor("views", func() bool { return done })
	time.Sleep(2 * control.FlushEvery)
	h.p.drain()
}

func (h *harness) open(dir string) {
	h.t.Helper()
	h.u.OpenFolder(dir, engine.Options{})
	h.waitFor("the folder to open", func() bool { return h.u.ctl.Busy == 0 && (h.u.ctl.HasSession() || h.u.ctl.OpenErr != "") })
	if h.u.ctl.OpenErr != "" {
		h.t.Fatalf("open %s: %s", dir, h.u.ctl.OpenErr)
	}
	h.idle()
}

func (h *harness) shortcut(s fyne.Shortcut) {
	h.u.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func (h *harness) hasContext(name string) bool {
	for _, c := range h.u.ctl.Contexts {
		if c.Name == name {
			return true
		}
	}
	return false
}

func (h *harness) runLine(line string) {
	h.t.Helper()
	h.u.events.line.SetText(line)
	test.Tap(h.u.events.lineBtn)
	h.idle()
}

func TestAutorunFlow(t *testing.T) { autorunFlow(t) }

// TestAutorunFlowThroughChild runs the autorun flow with the engine in a
// child process, as the shipped window runs it (remote.OpenDriver): the
// sample opens, steps, shows its globals, timeline and console, and the
// model's window capabilities and the folder info come from the child.
func TestAutorunFlowThroughChild(t *testing.T) {
	if !remote.Available() {
		t.Fatal("this test binary cannot start engine children (TestMain calls remote.ServeIfChild)")
	}
	saved := control.OpenDriver
	control.OpenDriver = openEngine // what the window ships with
	t.Cleanup(func() { control.OpenDriver = saved })
	h := autorunFlow(t)
	u := h.u
	if u.ctl.Restartable() == nil {
		t.Fatalf("the folder did not open in an engine process")
	}
	if w := u.ctl.Folder.Window; w.Send != engine.SendMsg || !w.ReloadAll || u.ctl.Folder.FirstFile == "" {
		t.Errorf("the child reported %+v (first file %q)", w, u.ctl.Folder.FirstFile)
	}
	var fi *engine.FolderInfo
	u.ctl.FolderInfo(func(f engine.FolderInfo) { fi = &f })
	h.waitFor("the folder info", func() bool { return fi != nil })
	if text := folderInfoText(*fi, u.ctl.Model, u.ctl.Mode, ""); !strings.Contains(text, "Detection: autorun:") || fi.Error != "" {
		t.Errorf("folder info from the child:\n%s", text)
	}
}

// autorunFlow opens the autorun sample and goes through the window's
// main flow: step, globals, run all, contexts, timeline, a message, the
// console and the history.
func autorunFlow(t *testing.T) *harness {
	h := newHarness(t)
	u := h.u
	h.open(sample(t, "autorun"))
	if u.ctl.Model != engine.ModelAutorun {
		t.Fatalf("model = %q, want autorun", u.ctl.Model)
	}
	if !strings.Contains(u.header.Text, "autorun model") || !strings.Contains(u.win.Title(), "autorun") {
		t.Errorf("header %q / title %q do not name the model", u.header.Text, u.win.Title())
	}
	if len(u.ctl.Steps) == 0 || u.stepper.list.Length() != len(u.ctl.Steps) {
		t.Fatalf("steps not listed: %v", u.ctl.Steps)
	}

	// step with the button, then F10, until a step adds globals; the new
	// ones are highlighted in the globals tree
	highlighted := ""
	for i := 0; i < len(u.ctl.Steps) && highlighted == ""; i++ {
		before := u.ctl.Next
		if i%2 == 0 {
			test.Tap(u.stepper.stepBtn)
		} else {
			h.shortcut(scStep)
		}
		h.waitFor("the step to run", func() bool { return u.ctl.Busy == 0 && u.ctl.Next == before+1 })
		h.idle()
		for id, st := range u.globals.diff {
			if st == "added" && u.globals.nodes[id] != nil && u.globals.isGameGlobal(id) {
				highlighted = id
			}
		}
	}
	if highlighted == "" {
		t.Fatalf("no step highlighted a new global (steps %v, summary %q)", u.ctl.Steps, u.globals.summary.Text)
	}
	if !strings.Contains(u.globals.summary.Text, "added") {
		t.Errorf("summary %q does not count the added globals", u.globals.summary.Text)
	}
	row := u.globals.createRow(false)
	u.globals.updateRow(highlighted, false, row)
	if bg := row.(*fyne.Container).Objects[0].(*canvas.Rectangle); bg.FillColor != colAdded {
		t.Errorf("new global %s is not highlighted: %v", highlighted, bg.FillColor)
	}
	// its details name where it was defined
	u.globals.tree.Select(highlighted)
	if !strings.Contains(u.globals.detail.Text, highlighted) {
		t.Errorf("detail %q does not show %s", u.globals.detail.Text, highlighted)
	}

	// run the rest with F5; the contexts panel shows main
	h.shortcut(scRunAll)
	h.waitFor("run all", func() bool { return u.ctl.Busy == 0 && u.ctl.Next == len(u.ctl.Steps) })
	h.idle()
	if !h.hasContext("main") || u.contexts.list.Length() == 0 {
		t.Fatalf("contexts panel lacks main: %+v", u.ctl.Contexts)
	}
	if len(u.timeline.rows) == 0 {
		t.Errorf("timeline is empty after a full load")
	}
	if data, err := u.timeline.PNG(); err != nil {
		t.Errorf("timeline PNG: %v", err)
	} else if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("timeline PNG does not decode: %v", err)
	}

	// fire a message from the events panel: it is in the history, and the
	// sample's handler runs cleanly
	u.events.name.SetText("NewMap")
	u.events.args.SetText(`"mars" 3`)
	test.Tap(u.events.sendBtn)
	h.idle()
	last := u.ctl.Log[len(u.ctl.Log)-1]
	if last.Text != `msg NewMap "mars" 3` {
		t.Fatalf("history's last entry = %+v, want msg NewMap \"mars\" 3", last)
	}
	if !strings.Contains(u.events.result.Text, `msg NewMap "mars" 3`) {
		t.Errorf("events result %q does not show the message", u.events.result.Text)
	}
	if !last.OK || !strings.Contains(u.events.result.Text, "ok") {
		t.Errorf("the sample's NewMap handler failed: %+v (%q)", last, u.events.result.Text)
	}

	// the console evaluates Lua in main
	test.Type(u.console.input, "return 6*7")
	u.console.input.OnSubmitted(u.console.input.Text)
	h.idle()
	if !consoleHas(u, "result", "42") {
		t.Errorf("console lacks the result 42: %+v", u.ctl.Console)
	}

	// the history saves as a replayable script
	script := u.ctl.Script()
	if !strings.Contains(script, "msg NewMap \"mars\" 3\n") || !strings.Contains(script, "step\n") {
		t.Errorf("script:\n%s", script)
	}
	return h
}

func consoleHas(u *App, kind, text string) bool {
	for _, l := range u.ctl.Console {
		if l.Kind == kind && strings.Contains(l.Text, text) {
			return true
		}
	}
	return false
}

func TestAutorunFixtureDetails(t *testing.T) {
	h := newHarness(t)
	u := h.u
	// the fixture, whichever autorun model is in use
	h.open(fixture(t, "autorun"))
	test.Tap(u.stepper.runBtn)
	h.idle()
	// the broken file's error is in the console with a file:line link,
	// and following it opens the file in the editor with the line marked
	var where string
	for _, l := range u.ctl.Console {
		if l.Kind == "error" && strings.Contains(l.Where, "Broken.lua") {
			where = l.Where
		}
	}
	if where == "" {
		t.Fatalf("no error for Broken.lua in the console: %+v", u.ctl.Console)
	}
	u.GotoWhere(where)
	if !strings.HasSuffix(u.editor.path, "Broken.lua") || !u.editor.errLbl.Visible() {
		t.Errorf("editor did not open Broken.lua with the error marked (path %q)", u.editor.path)
	}
	if line, msg := u.editor.ed.ErrorLine(); line != 3 || !strings.Contains(msg, "index") {
		t.Errorf("editor marks line %d (%q), want 3", line, msg)
	}
	if line, _ := u.editor.ed.CursorPosition(); line != 3 {
		t.Errorf("cursor on line %d, want the error's line 3", line)
	}
	// selecting the error in the console shows it whole
	for i, r := range u.console.rows {
		if l := u.ctl.Console[r]; l.Kind == "error" && l.Where == where {
			u.console.list.Select(i)
		}
	}
	if !u.console.full.Visible() || !strings.Contains(u.console.full.Text, where+": attempt to index") {
		t.Errorf("the selected error is not shown whole: %q", u.console.full.Text)
	}
	// the message handler ran
	h.runLine(`msg NewMap "mars" 3`)
	test.Type(u.console.input, "MapName")
	u.console.eval()
	h.idle()
	if !consoleHas(u, "result", "mars") {
		t.Errorf("MapName not set by the handler: %+v", u.ctl.Console)
	}
	if !consoleHas(u, "out", "new map") {
		t.Errorf("print output not in the console: %+v", u.ctl.Console)
	}
	// search finds a nested value; "show in tree" opens down to it
	u.globals.search.SetText("Farm")
	u.globals.search.OnSubmitted("Farm")
	h.idle()
	if len(u.globals.results) == 0 || u.globals.results[0].Text != "Buildings[2]" {
		t.Fatalf("search results %+v (%q)", u.globals.results, u.globals.resLbl.Text)
	}
	u.globals.resList.Select(0)
	u.globals.revealSelectedResult()
	h.idle()
	if !u.globals.tree.IsBranchOpen("Buildings") || u.globals.selectedID != "Buildings[2]" {
		t.Errorf("reveal: open %v, selected %q", u.globals.tree.IsBranchOpen("Buildings"), u.globals.selectedID)
	}
	// a big table pages in with "more…" rows
	u.globals.tree.OpenBranch("Big")
	h.idle()
	kids := u.globals.childIDs("Big")
	if n := u.globals.nodes["Big"]; n == nil || len(n.kids) != pageSize || n.total != 450 || kids[len(kids)-1] != moreID+"Big" {
		t.Fatalf("Big: %d kids of %d; last row %q", len(u.globals.nodes["Big"].kids), u.globals.nodes["Big"].total, kids[len(kids)-1])
	}
	u.globals.tree.Select(moreID + "Big")
	h.idle()
	u.globals.tree.Select(moreID + "Big")
	h.idle()
	if n := u.globals.nodes["Big"]; len(n.kids) != 450 || u.globals.nodes["Big[450]"] == nil {
		t.Fatalf("after two more…: %d kids", len(n.kids))
	}
	if kids := u.globals.childIDs("Big"); kids[len(kids)-1] == moreID+"Big" {
		t.Errorf("more… still shown with every row loaded")
	}
	// provenance: the detail pane jumps to the definition
	u.globals.tree.Select("GameTitle")
	if !strings.Contains(u.globals.detail.Text, "Lua/Game.lua:3") || u.globals.gotoDef.Disabled() {
		t.Fatalf("detail %q", u.globals.detail.Text)
	}
	test.Tap(u.globals.gotoDef)
	if !strings.HasSuffix(u.editor.path, "Game.lua") {
		t.Errorf("definition did not open Game.lua: %q", u.editor.path)
	}
	// a watch expression follows the state
	u.ctl.AddWatch("main", "MapSize * 2", nil)
	h.idle()
	if len(u.ctl.Watches) != 1 || u.ctl.Watches[0].Value != "6" {
		t.Errorf("watches %+v", u.ctl.Watches)
	}
	h.runLine(`msg NewMap "venus" 5`)
	if len(u.ctl.Watches) != 1 || u.ctl.Watches[0].Value != "10" {
		t.Errorf("watch after a message %+v", u.ctl.Watches)
	}
}

// contextInfo returns the controller's row for a context.
func (h *harness) contextInfo(name string) (engine.ContextInfo, bool) {
	for _, c := range h.u.ctl.Contexts {
		if c.Name == name {
			return c, true
		}
	}
	return engine.ContextInfo{}, false
}

// listed tells whether the contexts panel shows a row for name.
func (h *harness) listed(name string) bool {
	u := h.u
	for i := 0; i < u.contexts.list.Length(); i++ {
		if u.ctl.Contexts[i].Name == name {
			return true
		}
	}
	return false
}

func TestSectorsJumpRealModel(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(sample(t, engine.ModelSectors))
	if u.ctl.Model != engine.ModelSectors || !strings.Contains(u.header.Text, "sectors model") {
		t.Fatalf("model = %q, header %q", u.ctl.Model, u.header.Text)
	}
	if !u.events.sectorsBox.Visible() || u.events.scriptsBox.Visible() {
		t.Errorf("the sectors actions should show, the scripts ones not")
	}
	test.Tap(u.stepper.runBtn)
	h.idle()
	if ci, ok := h.contextInfo("server"); !ok || ci.State != engine.StateActive || ci.Files == 0 {
		t.Fatalf("no active server context that ran files: %+v", u.ctl.Contexts)
	}
	if h.hasContext("sector:alpha") {
		t.Fatalf("sector:alpha exists before anyone jumped there")
	}

	// join, then jump with the player actions: the sector's context appears
	u.events.player.SetText("p1")
	u.events.sector.SetText("alpha")
	test.Tap(u.events.joinBtn)
	h.idle()
	test.Tap(u.events.jumpBtn)
	h.idle()
	ci, ok := h.contextInfo("sector:alpha")
	if !ok {
		t.Fatalf("jump did not create sector:alpha: %+v (log %+v)", u.ctl.Contexts, u.ctl.Log)
	}
	if ci.State != engine.StateActive || ci.Files == 0 {
		t.Errorf("sector:alpha is %s after %d files, want active after running sector.lua", ci.State, ci.Files)
	}
	if !h.listed("sector:alpha") || !h.listed("server") {
		t.Errorf("contexts panel does not list server and sector:alpha")
	}
	// a second player in another sector: a second context
	h.runLine("join p2 beta")
	if !h.hasContext("sector:beta") {
		t.Fatalf("join p2 beta did not load sector:beta: %+v", u.ctl.Contexts)
	}
	if tag := changeTag(u.ctl.LastChanges, "sector:beta"); tag != "new" {
		t.Errorf("sector:beta is not tagged new in the panel (%q, changes %+v)", tag, u.ctl.LastChanges)
	}

	// the new context can be selected, inspected and compared with the server
	u.SelectContext("sector:alpha")
	h.idle()
	if u.globals.ctx != "sector:alpha" || u.globals.ctxSel.Selected != "sector:alpha" {
		t.Errorf("globals follow %q", u.globals.ctx)
	}
	if len(u.globals.childIDs("")) == 0 {
		t.Errorf("no globals shown for sector:alpha")
	}
	u.globals.cmpWith = "server"
	u.globals.compare()
	h.idle()
	if len(u.globals.cmpRows) < 2 || !strings.Contains(u.globals.cmpHead.Text, "sector:alpha vs server") {
		t.Errorf("compare showed nothing: %q (%d rows)", u.globals.cmpHead.Text, len(u.globals.cmpRows))
	}

	// an event with fields into every context
	u.events.target.SetSelected("all")
	u.events.name.SetText("galaxy_tick")
	u.events.args.SetText(`{"tick": 1}`)
	test.Tap(u.events.sendBtn)
	h.idle()
	if last := u.ctl.Log[len(u.ctl.Log)-1]; last.Text != `event all galaxy_tick {"tick":1}` && last.Text != `event all galaxy_tick {"tick": 1}` {
		t.Errorf("history's last entry %+v", last)
	}

	// p2 jumps to alpha: beta's last player left, so beta unloads
	h.runLine("jump p2 alpha")
	if h.hasContext("sector:beta") || h.listed("sector:beta") {
		t.Errorf("sector:beta still loaded after its last player left: %+v", u.ctl.Contexts)
	}
	if !strings.Contains(u.contexts.removed.Text, "sector:beta") {
		t.Errorf("the panel does not say sector:beta was removed: %q", u.contexts.removed.Text)
	}
	h.runLine("leave p1")
	test.Tap(u.events.leaveBtn) // p1 again: an error, shown, nothing crashes
	h.idle()
	h.runLine("leave p2")
	if h.hasContext("sector:alpha") {
		t.Errorf("leave did not unload sector:alpha: %+v", u.ctl.Contexts)
	}
}

func TestScriptsPolicyRealModel(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(sample(t, engine.ModelScripts))
	if u.ctl.Model != engine.ModelScripts {
		t.Fatalf("model = %q", u.ctl.Model)
	}
	if !u.events.scriptsBox.Visible() || u.events.sectorsBox.Visible() {
		t.Errorf("the scripts actions should show, the sectors ones not")
	}
	if !contains(u.events.scriptChoices, "scripts/door.lua") {
		t.Errorf("script choices %q lack scripts/door.lua", u.events.scriptChoices)
	}
	test.Tap(u.stepper.runBtn)
	h.idle()
	// per_entity_and_script: one context per (entity, script) pair
	for _, want := range []string{"entity:1/script:scripts/door.lua", "entity:2/script:scripts/patrol.lua", "script:scripts/game_rules.lua"} {
		if !h.hasContext(want) || !h.listed(want) {
			t.Fatalf("no context %s after loading the scene: %q", want, u.ContextNames())
		}
	}
	before := len(u.ctl.Contexts)

	// per_entity: the contexts regroup by entity; entity:1 holds both its scripts
	u.events.policy.SetText("per_entity")
	test.Tap(u.events.policyBtn)
	h.idle()
	if got := strings.Join(u.ContextNames(), ","); got != "entity:1,entity:2,entity:3,script:scripts/game_rules.lua" {
		t.Fatalf("per_entity: contexts %q (before %d; result %q)", got, before, u.events.result.Text)
	}
	if ci, _ := h.contextInfo("entity:1"); len(ci.Residents) != 2 || !strings.Contains(strings.Join(ci.Residents, ","), "scripts/door.lua") || !strings.Contains(strings.Join(ci.Residents, ","), "scripts/health.lua") {
		t.Errorf("entity:1 residents %q", ci.Residents)
	}
	if u.contexts.list.Length() != 4 {
		t.Errorf("contexts panel shows %d rows, want 4", u.contexts.list.Length())
	}
	if !strings.Contains(u.events.result.Text, "contexts") {
		t.Errorf("the result does not say which contexts changed: %q", u.events.result.Text)
	}

	// shared: everything in one context
	u.events.policy.SetText("shared")
	test.Tap(u.events.policyBtn)
	h.idle()
	if got := strings.Join(u.ContextNames(), ","); got != "shared" {
		t.Fatalf("policy shared: contexts %q (result %q)", got, u.events.result.Text)
	}
	if u.contexts.list.Length() != 1 || u.selected != "shared" || u.globals.ctx != "shared" {
		t.Errorf("panel rows %d, selected %q, globals of %q", u.contexts.list.Length(), u.selected, u.globals.ctx)
	}
	if last := u.ctl.Log[len(u.ctl.Log)-1]; last.Text != "policy shared" {
		t.Errorf("history's last entry %+v", last)
	}
	// detach and attach regroup live too
	h.runLine("policy per_entity_and_script")
	h.runLine("detach 3 scripts/health.lua")
	if h.hasContext("entity:3/script:scripts/health.lua") {
		t.Errorf("detaching the chest's only script left its context: %q", u.ContextNames())
	}
	u.events.entity.SetText("3")
	u.events.script.SetText("scripts/door.lua")
	test.Tap(u.events.attachBtn)
	h.idle()
	if !h.hasContext("entity:3/script:scripts/door.lua") {
		t.Errorf("attach did not create entity:3/script:scripts/door.lua: %q", u.ContextNames())
	}
}

// TestHistoryReplays saves the history of a sectors session as an event
// script and replays it in a fresh session: the same contexts come back.
func TestHistoryReplays(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := sample(t, engine.ModelSectors)
	h.open(dir)
	test.Tap(u.stepper.runBtn)
	h.idle()
	h.runLine("join p1 alpha")
	h.runLine("join p2 beta")
	h.runLine("eval sector:alpha marker = 1")
	want := strings.Join(u.ContextNames(), ",")
	script := u.ctl.Script()
	for _, line := range []string{"step", "join p1 alpha", "join p2 beta", "eval sector:alpha marker = 1"} {
		if !strings.Contains(script, "\n"+line+"\n") {
			t.Errorf("saved script lacks %q:\n%s", line, script)
		}
	}
	h.open(dir)
	if h.hasContext("sector:alpha") {
		t.Fatalf("a fresh session already has sector:alpha")
	}
	u.events.ReplayText("saved.events", script)
	h.idle()
	if got := strings.Join(u.ContextNames(), ","); got != want {
		t.Errorf("after replay contexts %q, want %q", got, want)
	}
	if !strings.Contains(u.events.result.Text, "0 failed") {
		t.Errorf("replay result %q", u.events.result.Text)
	}
}

func TestOpenNoModelOffersChoice(t *testing.T) {
	h := newHarness(t)
	dir, _ := filepath.Abs(filepath.Join("testdata", "nomodel"))
	h.answer = func(title string, choices []string) int { return len(choices) - 1 } // Cancel
	h.u.OpenFolder(dir, engine.Options{})
	h.waitFor("the open to fail", func() bool { return h.u.ctl.Busy == 0 && h.u.ctl.OpenErr != "" })
	if len(h.asked) != 1 || !strings.Contains(h.asked[0], "which model") {
		t.Fatalf("asked %q", h.asked)
	}
	if !strings.Contains(h.u.header.Text, "not opened") {
		t.Errorf("header %q", h.u.header.Text)
	}
	// choosing a model re-opens the folder as that model
	h.answer = func(title string, choices []string) int { return 1 } // sectors
	h.u.OpenFolder(dir, engine.Options{})
	h.waitFor("the forced open", func() bool { return h.u.ctl.Busy == 0 && h.u.ctl.HasSession() })
	if h.u.ctl.Model != engine.ModelSectors {
		t.Errorf("model %q after choosing sectors", h.u.ctl.Model)
	}
}

func TestEditorSaveAndConflict(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "Lua"), 0o755)
	file := filepath.Join(dir, "Lua", "A.lua")
	os.WriteFile(file, []byte("A = 1\n"), 0o644)
	h.open(dir)
	u.editor.open(file, 0)
	if u.editor.path != file || u.editor.ed.Text() != "A = 1\n" {
		t.Fatalf("editor did not open the file")
	}
	u.editor.ed.SetText("A = 2\n")
	if !u.editor.ed.Dirty() || !strings.Contains(u.editor.title.Text, "●") {
		t.Errorf("edit not marked unsaved: %q", u.editor.title.Text)
	}
	h.shortcut(scSave)
	if got, _ := os.ReadFile(file); string(got) != "A = 2\n" || u.editor.ed.Dirty() {
		t.Fatalf("Ctrl+S did not save: %q", got)
	}
	// changed on disk behind the editor's back: saving asks, Cancel keeps both
	time.Sleep(20 * time.Millisecond)
	os.WriteFile(file, []byte("A = 3 -- from elsewhere\n"), 0o644)
	u.editor.ed.SetText("A = 4\n")
	h.answer = func(title string, choices []string) int { return 2 } // Cancel
	u.editor.save()
	if got, _ := os.ReadFile(file); string(got) != "A = 3 -- from elsewhere\n" {
		t.Fatalf("a file changed on disk was overwritten: %q", got)
	}
	if len(h.asked) == 0 || !strings.Contains(h.asked[len(h.asked)-1], "changed on disk") {
		t.Fatalf("not asked: %q", h.asked)
	}
	h.answer = func(title string, choices []string) int { return 0 } // Overwrite
	u.editor.save()
	if got, _ := os.ReadFile(file); string(got) != "A = 4\n" {
		t.Fatalf("overwrite did not save: %q", got)
	}
	// closing with unsaved edits asks; Cancel keeps the window
	u.editor.ed.SetText("A = 5\n")
	n := len(h.asked)
	h.answer = func(title string, choices []string) int { return 2 }
	u.closeIntercepted()
	if len(h.asked) != n+1 || !strings.Contains(h.asked[n], "unsaved") {
		t.Errorf("close did not ask about unsaved changes: %q", h.asked[n:])
	}
}

func TestLongStepKeepsWindowLiveAndStops(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir, _ := filepath.Abs(filepath.Join("testdata", "slow"))
	u.OpenFolder(dir, engine.Options{Timeout: 30 * time.Second})
	h.waitFor("open", func() bool { return u.ctl.HasSession() && u.ctl.Busy == 0 })
	h.idle()
	start := time.Now()
	test.Tap(u.stepper.runBtn)
	h.waitFor("the progress indicator", func() bool {
		return u.busyBox.Visible() && strings.HasPrefix(u.status.Text, "Running")
	})
	if u.stepper.stepBtn.Disabled() == false {
		t.Errorf("Step stays enabled while a step runs")
	}
	// the window answers while Lua runs: switch tabs, type in the console
	time.Sleep(300 * time.Millisecond)
	h.p.drain()
	u.bottomTabs.SelectIndex(3)
	test.Type(u.console.input, "x")
	test.Tap(u.stopBtn)
	h.waitFor("the stop", func() bool { return u.ctl.Busy == 0 })
	h.idle()
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("stop took %v", d)
	}
	found := false
	for _, e := range u.ctl.Errors {
		if strings.Contains(e.Message, "interrupt") || strings.Contains(e.Message, "stopped") {
			found = true
		}
	}
	if !found {
		t.Errorf("no interrupted error recorded: %+v", u.ctl.Errors)
	}
	if u.busyBox.Visible() {
		t.Errorf("progress still shown after the stop")
	}
}

func TestBreakpointStopsRunAll(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(sample(t, "autorun"))
	steps := u.ctl.Steps
	if len(steps) < 3 {
		t.Fatalf("the autorun sample has %d steps (%q), the test needs 3", len(steps), steps)
	}
	bp := len(steps) - 1
	u.ctl.ToggleBreakpoint(steps[bp])
	h.p.drain()
	test.Tap(u.stepper.runBtn)
	h.idle()
	if u.ctl.Next != bp {
		t.Fatalf("run all stopped at %d, want before the breakpoint at %d", u.ctl.Next, bp)
	}
	if !strings.Contains(u.ctl.Status, "breakpoint") {
		t.Errorf("status %q", u.ctl.Status)
	}
	// run all again goes past it
	h.shortcut(scRunAll)
	h.idle()
	if u.ctl.Next != len(steps) {
		t.Errorf("second run all stopped at %d", u.ctl.Next)
	}
	// reset starts again; run to selected runs up to and including it
	test.Tap(u.stepper.resetBtn)
	h.idle()
	if u.ctl.Next != 0 {
		t.Fatalf("reset: next = %d", u.ctl.Next)
	}
	u.stepper.list.Select(1)
	test.Tap(u.stepper.runToBtn)
	h.idle()
	if u.ctl.Next != 2 {
		t.Errorf("run to step 2: next = %d", u.ctl.Next)
	}
}

func TestReplayAndRecentAndTheme(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := sample(t, "autorun")
	h.open(dir)
	u.events.ReplayText("t.events", "run\n# a comment\nmsg NewMap \"x\" 1\nnot-a-command\n")
	h.idle()
	if !strings.Contains(u.events.result.Text, "3 lines") || !strings.Contains(u.events.result.Text, "line 4: not-a-command") {
		t.Errorf("replay result %q", u.events.result.Text)
	}
	if rec := u.recent(); len(rec) == 0 || rec[0] != u.ctl.Dir {
		t.Errorf("recent = %q", rec)
	}
	dark := u.dark
	h.shortcut(scTheme)
	if u.dark == dark || u.darkItem.Checked != u.dark {
		t.Errorf("theme toggle did nothing")
	}
	// registries of main
	u.bottomTabs.SelectIndex(4)
	h.idle()
	if len(u.regs.kids[""]) == 0 && !strings.Contains(u.regs.head.Text, "not available") {
		t.Errorf("registries empty: %q", u.regs.head.Text)
	}
}

// menuItem finds a main-menu item by menu and label.
func menuItem(t *testing.T, u *App, menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range u.win.MainMenu().Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
		t.Fatalf("menu %s has no item %q", menu, label)
	}
	t.Fatalf("no menu %s", menu)
	return nil
}

func TestMenusShowEveryFeature(t *testing.T) {
	h := newHarness(t)
	u := h.u
	var menus []string
	for _, m := range u.win.MainMenu().Items {
		menus = append(menus, m.Label)
	}
	if got := strings.Join(menus, ","); got != "File,Edit,Samples,Run,View,Help" {
		t.Errorf("menus %s", got)
	}
	for _, c := range []struct {
		menu, label string
		shortcut    fyne.Shortcut // nil: needs none
	}{
		{"File", "Open Folder…", scOpen},
		{"File", "Open Recent", nil},
		{"File", "Reopen Folder as Model", nil},
		{"File", "Folder Info (model, settings)…", nil},
		{"File", "Save File", scSave},
		{"File", "Save History as Event Script…", nil},
		{"File", "Replay Event Script…", nil},
		{"File", "Export Timeline as PNG…", nil},
		{"Edit", "Undo", &fyne.ShortcutUndo{}},
		{"Edit", "Redo", &fyne.ShortcutRedo{}},
		{"Edit", "Find in File…", scFind},
		{"Edit", "Go to Line…", scGoto},
		{"Run", "Step", scStep},
		{"Run", "Run All", scRunAll},
		{"Run", "Run to Selected Step", scRunTo},
		{"Run", "Stop", scStop},
		{"Run", "Reset", nil},
		{"Run", "Reload (ReloadLua)", scReload},
		{"Run", "Evaluate Lua…", scEval},
		{"Run", "Event-Script Line…", scLine},
		{"View", "Light Theme", nil},
		{"View", "Dark Theme", nil},
		{"View", "Toggle Light/Dark", scTheme},
		{"View", "Timeline", scTabs[3]},
		{"Help", "Keyboard Shortcuts", nil},
	} {
		it := menuItem(t, u, c.menu, c.label)
		if c.shortcut != nil && (it.Shortcut == nil || it.Shortcut.ShortcutName() != c.shortcut.ShortcutName()) {
			t.Errorf("%s › %s shows shortcut %v, want %s", c.menu, c.label, it.Shortcut, c.shortcut.ShortcutName())
		}
		if it.Action == nil && it.ChildMenu == nil {
			t.Errorf("%s › %s does nothing", c.menu, c.label)
		}
	}

	// the Samples menu lists assets/samples/*
	root, err := findSample("")
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var samples []string
	for _, m := range u.win.MainMenu().Items {
		if m.Label == "Samples" {
			for _, it := range m.Items {
				samples = append(samples, it.Label)
			}
		}
	}
	for _, e := range ents {
		if e.IsDir() && !contains(samples, sampleTitle(e.Name())) {
			t.Errorf("Samples menu %q lacks %s", samples, e.Name())
		}
	}
	if len(samples) != len(sampleNames()) {
		t.Errorf("Samples menu %q, samples %q", samples, sampleNames())
	}
	// choosing one opens it
	for _, m := range u.win.MainMenu().Items {
		if m.Label == "Samples" {
			for _, it := range m.Items {
				if it.Label == sampleTitle(engine.ModelScripts) {
					it.Action()
				}
			}
		}
	}
	h.waitFor("the sample to open", func() bool { return u.ctl.Busy == 0 && u.ctl.HasSession() })
	if u.ctl.Model != engine.ModelScripts {
		t.Errorf("Samples › scripts opened a %q folder", u.ctl.Model)
	}
	// it is a recent folder now, in the preferences and the menu
	recent := menuItem(t, u, "File", "Open Recent").ChildMenu
	if len(recent.Items) == 0 || recent.Items[0].Label != u.ctl.Dir || u.recent()[0] != u.ctl.Dir {
		t.Errorf("recent menu %v, preferences %q", recent.Items, u.recent())
	}
	// the theme items say which one is on, and switch
	menuItem(t, u, "View", "Light Theme").Action()
	if u.dark || !u.lightItem.Checked || u.darkItem.Checked || u.app.Preferences().Bool("dark") {
		t.Errorf("light theme: dark %v, items %v/%v", u.dark, u.lightItem.Checked, u.darkItem.Checked)
	}
	menuItem(t, u, "View", "Dark Theme").Action()
	if !u.dark || u.lightItem.Checked || !u.darkItem.Checked {
		t.Errorf("dark theme: dark %v", u.dark)
	}
	// reopening as another model is offered for the open folder
	h.answer = nil // Cancel, should it fail to open
	for _, it := range menuItem(t, u, "File", "Reopen Folder as Model").ChildMenu.Items {
		if it.Label == engine.ModelSectors {
			it.Action()
		}
	}
	h.waitFor("the reopen", func() bool { return u.ctl.Busy == 0 && (u.ctl.HasSession() || u.ctl.OpenErr != "") })
	if u.ctl.Model != engine.ModelSectors && u.ctl.OpenErr == "" {
		t.Errorf("reopen as sectors: model %q", u.ctl.Model)
	}
}

func TestEditorUndoFindAndKeys(t *testing.T) {
	h := newHarness(t)
	u := h.u
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Lua"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "Lua", "A.lua")
	if err := os.WriteFile(file, []byte("A = 1\nB = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.open(dir)
	// nothing open: the editor takes no typing, so nothing can be lost
	u.editor.close()
	test.Type(u.editor.ed, "lost")
	if u.editor.ed.Text() != "" || u.editor.ed.Dirty() {
		t.Errorf("typing with no file open changed the text: %q", u.editor.ed.Text())
	}
	u.editor.open(file, 0)
	u.win.Canvas().Focus(u.editor.ed)
	test.Type(u.editor.ed, "-- x")
	u.editor.ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !u.editor.ed.Dirty() || !strings.HasPrefix(u.editor.ed.Text(), "-- x\n") || !strings.Contains(u.editor.title.Text, "●") {
		t.Fatalf("typing: %q, title %q", u.editor.ed.Text(), u.editor.title.Text)
	}
	// Edit › Undo reaches the focused editor
	for i := 0; i < 10 && u.editor.ed.Dirty(); i++ {
		menuItem(t, u, "Edit", "Undo").Action()
	}
	if u.editor.ed.Text() != "A = 1\nB = 2\n" || u.editor.ed.Dirty() || strings.Contains(u.editor.title.Text, "●") {
		t.Errorf("undo: %q, title %q", u.editor.ed.Text(), u.editor.title.Text)
	}
	menuItem(t, u, "Edit", "Redo").Action()
	if !u.editor.ed.Dirty() {
		t.Errorf("redo did nothing")
	}
	// Ctrl+F opens the find bar
	h.shortcut(scFind)
	if !u.editor.ed.FindVisible() {
		t.Errorf("Ctrl+F did not open the find bar")
	}
	if !u.editor.ed.Find("B =") {
		t.Errorf("find did not find B =")
	}
	wantLine := 0
	for i, l := range strings.Split(u.editor.ed.Text(), "\n") {
		if strings.HasPrefix(l, "B =") {
			wantLine = i + 1
		}
	}
	if line, _ := u.editor.ed.CursorPosition(); line != wantLine {
		t.Errorf("find moved to line %d, want %d", line, wantLine)
	}
	u.editor.ed.HideFind()
	// F10 steps while the editor has the keyboard
	before := u.ctl.Next
	u.editor.ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10})
	h.idle()
	if u.ctl.Next != before+1 {
		t.Errorf("F10 in the editor: next %d, want %d", u.ctl.Next, before+1)
	}
	// closing asks about the unsaved redo; Discard closes
	h.answer = func(title string, choices []string) int { return 1 }
	n := len(h.asked)
	u.closeIntercepted()
	if len(h.asked) != n+1 || !strings.Contains(h.asked[n], "unsaved") {
		t.Errorf("close did not ask: %q", h.asked[n:])
	}
	if got, _ := os.ReadFile(file); string(got) != "A = 1\nB = 2\n" {
		t.Errorf("discard wrote the file: %q", got)
	}
}

func TestFolderInfoText(t *testing.T) {
	nomodel, err := filepath.Abs(filepath.Join("testdata", "nomodel"))
	if err != nil {
		t.Fatal(err)
	}
	forced := t.TempDir()
	if err := os.WriteFile(filepath.Join(forced, engine.SettingsFile), []byte("model = \"scripts\"\ntimeout = \"2s\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, dir, model string
		want             []string
	}{
		{"a bundled sample names its markers", sample(t, engine.ModelSectors), engine.ModelSectors,
			[]string{"Model: sectors", "Detection: sectors:"}},
		{"a folder matching nothing says so", nomodel, "", []string{"matches no model", "the defaults"}},
		{"a model forced by the settings file says where from", forced, engine.ModelScripts,
			[]string{"set by modscope.toml", "timeout = 2s", "model = scripts"}},
		{"a model chosen by hand says so", nomodel, engine.ModelSectors, []string{"chosen by hand"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := folderInfoText(engine.InspectFolder(c.dir), c.model, "stubs", "")
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("folder info lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
