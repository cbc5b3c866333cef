// Package ui is modscope's desktop window (Fyne). It drives the engine only
// through engine.Session, like the command line does: a Controller owns the
// session and runs every command off the UI goroutine; the views in this
// package show its plain state.
package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
	"modscope/ui/control"
)

// Run opens the window on dir ("" = the bundled sample) and blocks until it closes.
func Run(dir string) error {
	a := app.NewWithID("dev.modscope.app")
	a.SetIcon(iconResource)
	u := New(a, fyne.Do)
	u.win.Resize(fyne.NewSize(1440, 900))
	u.win.CenterOnScreen()
	u.Start(dir)
	u.win.ShowAndRun()
	u.ctl.Close()
	return nil
}

// App is the window: the controller and every view.
type App struct {
	app  fyne.App
	win  fyne.Window
	ctl  *Controller
	post func(func())

	// ask shows a question with buttons and calls back with the index of
	// the one chosen (-1: dismissed). Tests replace it.
	ask func(title, message string, choices []string, cb func(int))

	header   *widget.Label
	status   *widget.Label
	progress *widget.ProgressBarInfinite
	busyBox  *fyne.Container
	stopBtn  *widget.Button

	leftTabs   *container.AppTabs
	bottomTabs *container.AppTabs

	files    *filesView
	contexts *contextsView
	editor   *editorPane
	console  *consoleView
	events   *eventsView
	timeline *timelineView
	regs     *registriesView
	stepper  *stepperView
	globals  *globalsView
	problems *problemsView

	problemsTab *container.TabItem

	watch       *folderWatch    // the open folder, watched for edits from outside
	diskChanged map[string]bool // files changed on disk, not reloaded yet
	diskBtn     *widget.Button  // "Reload: FILE" when they are there

	lastSave   *fkEntry // the last save dialog's path and its Save (tests)
	lastSaveDo func()
	dark       bool
	darkItem   *fyne.MenuItem
	lightItem  *fyne.MenuItem
	recentMn   *fyne.Menu
	lastTitle  string
	ticking    bool

	// selected is the context the globals, console and events look at.
	selected string
}

// New builds the window on app a; post runs a function on the UI
// goroutine (fyne.Do, or a test's queue).
func New(a fyne.App, post func(func())) *App {
	u := &App{app: a, post: post, diskChanged: map[string]bool{}}
	u.win = a.NewWindow("modscope")
	u.win.SetIcon(iconResource)
	u.ctl = control.NewController(post)
	u.ask = u.askDialog
	u.dark = a.Preferences().BoolWithFallback("dark", true)
	a.Settings().SetTheme(newVariantTheme(u.dark))

	u.header = widget.NewLabelWithStyle("No folder open", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.header.Truncation = fyne.TextTruncateEllipsis
	u.status = widget.NewLabel("Open a game folder (Ctrl+O) or pick one of the Samples.")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.progress = widget.NewProgressBarInfinite()
	u.progress.Stop()
	u.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() { u.ctl.Stop() })
	u.busyBox = container.NewHBox(container.NewGridWrap(fyne.NewSize(120, u.progress.MinSize().Height), u.progress), u.stopBtn)
	u.busyBox.Hide()

	u.files = newFilesView(u)
	u.contexts = newContextsView(u)
	u.editor = newEditorPane(u)
	u.console = newConsoleView(u)
	u.events = newEventsView(u)
	u.timeline = newTimelineView(u)
	u.regs = newRegistriesView(u)
	u.stepper = newStepperView(u)
	u.globals = newGlobalsView(u)
	u.problems = newProblemsView(u)

	// tabs without icons: every tab's name fits at 1024 px wide
	u.leftTabs = container.NewAppTabs(
		container.NewTabItem("Files", u.files.obj),
		container.NewTabItem("Contexts", u.contexts.obj),
	)
	u.problemsTab = container.NewTabItem(problemsTitle(0), u.problems.obj)
	u.bottomTabs = container.NewAppTabs(
		container.NewTabItem("Console", u.console.obj),
		container.NewTabItem("Events", u.events.obj),
		container.NewTabItem("History", u.events.histObj),
		container.NewTabItem("Timeline", u.timeline.obj),
		container.NewTabItem("Registries", u.regs.obj),
		u.problemsTab,
	)
	u.bottomTabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Registries" {
			u.regs.refresh()
		}
	}
	u.addConflictsTab() // conflicts.go
	centre := container.NewVSplit(u.editor.obj, u.bottomTabs)
	centre.Offset = 0.55
	right := container.NewVSplit(u.stepper.obj, u.globals.obj)
	right.Offset = 0.25
	inner := container.NewHSplit(centre, right)
	inner.Offset = 0.6
	outer := container.NewHSplit(u.leftTabs, inner)
	outer.Offset = 0.17

	info := widget.NewButtonWithIcon("", theme.InfoIcon(), u.folderInfo)
	info.Importance = widget.LowImportance
	u.diskBtn = widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), func() {
		u.reloadFiles(u.diskChangedFiles(), "changed on disk")
	})
	u.diskBtn.Importance = widget.WarningImportance
	u.diskBtn.Hide()
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(iconResource), info), container.NewHBox(u.diskBtn, u.busyBox),
		container.NewGridWithColumns(2, u.header, u.status))
	u.win.SetContent(container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, outer))

	u.buildMenu()
	u.addShortcuts()
	u.win.SetCloseIntercept(u.closeIntercepted)
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		for _, uri := range uris {
			if st, err := os.Stat(uri.Path()); err == nil && st.IsDir() {
				u.OpenFolder(uri.Path(), engine.Options{})
				return
			}
			if p := uri.Path(); strings.HasPrefix(p, u.ctl.Dir+string(filepath.Separator)) {
				u.editor.open(p, 0)
				return
			}
		}
	})
	u.ctl.OnChange(u.changed)
	u.watchCrashes()
	return u
}

// Start opens dir, or a bundled sample when dir is "": the first
// registered model's (in engine.ModelNames order) that is there, else the
// first one found.
func (u *App) Start(dir string) {
	if dir == "" {
		p, err := firstSample()
		if err != nil {
			u.status.SetText(err.Error())
			return
		}
		dir = p
	}
	u.OpenFolder(dir, engine.Options{})
}

// firstSample is the writable copy of the sample Start opens.
func firstSample() (string, error) {
	names := sampleNames()
	var first error
	for _, m := range engine.RegisteredModels() {
		if !contains(names, m) {
			continue
		}
		p, err := userSample(m)
		if err == nil {
			return p, nil
		}
		if first == nil {
			first = err
		}
	}
	if first != nil {
		return "", first
	}
	if len(names) == 0 {
		return "", errors.New("the bundled samples were not found")
	}
	return userSample(names[0])
}

// OpenFolder opens a game folder (asking first about unsaved edits).
func (u *App) OpenFolder(dir string, opt engine.Options) {
	u.editor.confirmDiscard(func() {
		u.editor.close()
		u.stopWatch()
		u.diskChanged = map[string]bool{}
		u.diskBtn.Hide()
		u.selected = ""
		u.ctl.Open(dir, opt, func(err error) {
			if err != nil {
				u.showOpenError(dir, err)
				return
			}
			u.addRecent(u.ctl.Dir)
			u.files.setRoot(u.ctl.Dir)
			u.openFirstFile()
			u.startWatch(u.ctl.Dir)
		})
		u.files.setRoot(dir)
	})
}

// openFirstFile shows something useful in the editor after opening: the
// file the engine picked by the model's WindowSpec.OpenFirst (autorun: the
// first under Lua/, sectors: base's server.lua, scripts: the scene), else
// the first Lua file.
func (u *App) openFirstFile() {
	pick := u.ctl.Folder.FirstFile
	if pick == "" {
		return
	}
	if p, ok := u.ctl.ResolvePath(pick); ok {
		u.editor.open(p, 0)
	}
}

// showOpenError says why a folder could not be opened and, when no model
// (or more than one) matched, offers the choice of model.
func (u *App) showOpenError(dir string, err error) {
	msg := err.Error()
	fi, ok := detectionFailed(err)
	if !ok {
		// nothing to choose: the engine could not start or read the
		// folder, its settings are bad, or the model failed to load
		u.ask("Cannot open "+filepath.Base(dir), msg, []string{"OK"}, func(int) {})
		return
	}
	choices := modelChoices(fi.Detection.Models)
	text := msg
	if ev := strings.Join(fi.Detection.Evidence, "; "); ev != "" && !strings.Contains(msg, ev) {
		text += "\n\nFound: " + ev
	}
	text += "\n\nOpen it as which model?"
	u.ask("Cannot open "+filepath.Base(dir), text, append(choices, "Cancel"), func(i int) {
		if i >= 0 && i < len(choices) {
			u.OpenFolder(dir, engine.Options{Model: choices[i]})
		}
	})
}

// modelChoices lists every model, those detection matched first (in their
// order), then the rest.
func modelChoices(matched []string) []string {
	out := append([]string{}, matched...)
	for _, m := range engine.ModelNames {
		if !slices.Contains(matched, m) {
			out = append(out, m)
		}
	}
	return out
}

// detectionFailed tells whether err is a failure to choose the folder's
// model, which a choice of model answers: an *engine.OpenError whose folder
// detection read (no DetectError), whose settings were read and set no
// model, and where detection found no model or more than one. A child
// that could not start, a protocol mismatch or bad settings are not.
func detectionFailed(err error) (engine.FolderInfo, bool) {
	var oe *engine.OpenError
	if !errors.As(err, &oe) {
		return engine.FolderInfo{}, false
	}
	fi := oe.Folder
	ok := fi.DetectError == "" && fi.SettingsError == "" && fi.SettingsModel == "" && len(fi.Detection.Models) != 1
	return fi, ok
}

// askDialog is the window's ask: a dialog with one button per choice.
func (u *App) askDialog(title, message string, choices []string, cb func(int)) {
	lbl := widget.NewLabel(message)
	lbl.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(460, lbl.MinSize().Height*1.0+60), lbl), u.win)
	answered := false
	var btns []fyne.CanvasObject
	for i, c := range choices {
		i := i
		b := widget.NewButton(c, func() {
			answered = true
			d.Hide()
			cb(i)
		})
		if i == 0 {
			b.Importance = widget.HighImportance
		}
		btns = append(btns, b)
	}
	d.SetButtons(btns)
	d.SetOnClosed(func() {
		if !answered {
			cb(-1)
		}
	})
	d.Show()
}

// changed refreshes the views after the controller's state changed.
func (u *App) changed(ch Change) {
	c := u.ctl
	if ch&(ChangeSession|ChangeBusy|ChangeSteps|ChangeContexts) != 0 {
		u.refreshHeader()
	}
	if ch&ChangeSession != 0 {
		u.events.modelChanged()
		u.globals.sessionChanged()
		u.regs.clear()
	}
	if ch&(ChangeContexts|ChangeSession) != 0 {
		u.ensureSelected()
		u.contexts.refresh()
		u.console.contextsChanged()
		u.events.contextsChanged()
		u.globals.contextsChanged()
	}
	if ch&(ChangeSteps|ChangeBreakpoints|ChangeBusy|ChangeSession) != 0 {
		u.stepper.refresh()
	}
	if ch&ChangeConsole != 0 || ch&ChangeSession != 0 {
		u.console.refresh()
		u.editor.markErrors()
		u.problems.refresh()
		u.refreshHeader()
	}
	if ch&ChangeBusy != 0 && c.Busy == 0 && len(u.diskChanged) > 0 {
		u.offerDiskReload()
	}
	if ch&(ChangeLog|ChangeSession) != 0 {
		u.events.historyChanged()
	}
	if ch&(ChangeReport|ChangeSession) != 0 {
		u.timeline.refresh()
	}
	if ch&(ChangeWatches|ChangeSession) != 0 {
		u.globals.watchesChanged()
	}
	if ch&ChangeGlobals != 0 && c.Busy == 0 {
		u.globals.reload()
		if u.bottomTabs.Selected() != nil && u.bottomTabs.Selected().Text == "Registries" {
			u.regs.refresh()
		}
	}
}

func (u *App) refreshHeader() {
	c := u.ctl
	title := "modscope"
	switch {
	case c.Dir == "":
		u.header.SetText("No folder open")
	case c.OpenErr != "":
		u.header.SetText(filepath.Base(c.Dir) + " — not opened: " + firstLine(c.OpenErr))
		title = filepath.Base(c.Dir) + " — modscope"
	case c.Model == "":
		u.header.SetText(filepath.Base(c.Dir) + " — opening…")
		title = filepath.Base(c.Dir) + " — modscope"
	default:
		step := "not started"
		if len(c.Steps) > 0 {
			if c.Next >= len(c.Steps) {
				step = "loaded"
			} else if c.Next > 0 {
				step = fmt.Sprintf("step %d/%d", c.Next, len(c.Steps))
			}
		}
		errs := ""
		switch n := len(c.CurrentErrors()); n {
		case 0:
		case 1:
			errs = " · 1 error"
		default:
			errs = fmt.Sprintf(" · %d errors", n)
		}
		u.header.SetText(fmt.Sprintf("%s — %s model · %s mode · %d contexts · %s%s",
			filepath.Base(c.Dir), c.Model, c.Mode, len(c.Contexts), step, errs))
		title = fmt.Sprintf("%s (%s model) — %s — modscope", filepath.Base(c.Dir), c.Model, c.Dir)
	}
	if title != u.lastTitle {
		u.win.SetTitle(title)
		u.lastTitle = title
	}
	if c.Busy > 0 && !u.ticking {
		// keep the elapsed time moving while a long step runs quietly
		u.ticking = true
		go func() {
			for {
				time.Sleep(500 * time.Millisecond)
				done := make(chan bool, 1)
				u.post(func() {
					if u.ctl.Busy == 0 {
						u.ticking = false
						done <- true
						return
					}
					u.refreshHeader()
					done <- false
				})
				select {
				case stop := <-done:
					if stop {
						return
					}
				case <-time.After(5 * time.Second):
					// the UI goroutine is gone (window closed, test over)
					return
				}
			}
		}()
	}
	if c.Busy > 0 {
		what := c.BusyWhat
		if c.BusyStep != "" && c.BusyStep != what {
			what += " › " + c.BusyStep
		}
		if c.BusyFiles > 0 {
			what += fmt.Sprintf(" · %d files", c.BusyFiles)
			if c.BusyFile != "" {
				what += " · " + c.BusyFile
			}
		}
		if d := time.Since(c.BusySince); d > time.Second {
			what += fmt.Sprintf(" · %.0fs", d.Seconds())
		}
		u.status.SetText("Running: " + what)
		if !u.busyBox.Visible() {
			u.busyBox.Show()
			u.progress.Start()
		}
	} else {
		if c.Status != u.status.Text {
			trace("status: %s", c.Status)
		}
		u.status.SetText(c.Status)
		if u.busyBox.Visible() {
			u.progress.Stop()
			u.busyBox.Hide()
		}
	}
}

// ensureSelected keeps the selected context a live one.
func (u *App) ensureSelected() {
	for _, ci := range u.ctl.Contexts {
		if ci.Name == u.selected {
			return
		}
	}
	u.selected = ""
	for _, want := range []string{"main", "server", "shared"} {
		for _, ci := range u.ctl.Contexts {
			if ci.Name == want {
				u.selected = want
				return
			}
		}
	}
	if len(u.ctl.Contexts) > 0 {
		u.selected = u.ctl.Contexts[0].Name
	}
}

// SelectContext makes name the context the panels look at.
func (u *App) SelectContext(name string) {
	if name == "" || name == u.selected {
		return
	}
	u.selected = name
	u.contexts.refresh()
	u.console.contextsChanged()
	u.events.contextsChanged()
	u.globals.contextsChanged()
}

// ContextNames lists the live contexts.
func (u *App) ContextNames() []string {
	out := make([]string, 0, len(u.ctl.Contexts))
	for _, c := range u.ctl.Contexts {
		out = append(out, c.Name)
	}
	return out
}

// GotoWhere opens "file:line" in the editor.
func (u *App) GotoWhere(where string) {
	file, line, ok := control.SplitWhere(where)
	if !ok {
		file, line = strings.TrimSpace(where), 0
	}
	p, found := u.ctl.ResolvePath(file)
	if !found {
		u.ctl.SetStatus("Cannot open " + where + ": not a file in the folder")
		u.refreshHeader()
		return
	}
	u.editor.open(p, line)
}

// ---- menus and shortcuts ----

var (
	scOpen   = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	scSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	scReload = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	scStep   = &desktop.CustomShortcut{KeyName: fyne.KeyF10}
	scRunAll = &desktop.CustomShortcut{KeyName: fyne.KeyF5}
	scRunTo  = &desktop.CustomShortcut{KeyName: fyne.KeyF10, Modifier: fyne.KeyModifierShortcutDefault}
	scStop   = &desktop.CustomShortcut{KeyName: fyne.KeyPeriod, Modifier: fyne.KeyModifierShortcutDefault}
	scFind   = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	scGoto   = &desktop.CustomShortcut{KeyName: fyne.KeyG, Modifier: fyne.KeyModifierShortcutDefault}
	scTheme  = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scEval   = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	scLine   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	scFiles  = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scCtxs   = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scQuit   = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	scSearch = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}
	scTabs   = []*desktop.CustomShortcut{
		{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key5, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key6, Modifier: fyne.KeyModifierShortcutDefault},
	}
)

// bottomTabNames are the bottom tabs, in order (Ctrl+1…5).
var bottomTabNames = []string{"Console", "Events", "History", "Timeline", "Registries", "Problems"}

func (u *App) buildMenu() {
	u.recentMn = fyne.NewMenu("Open Recent")
	u.rebuildRecent()
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = u.recentMn
	openItem := fyne.NewMenuItem("Open Folder…", u.openDialog)
	openItem.Shortcut = scOpen
	saveItem := fyne.NewMenuItem("Save File", func() { u.editor.save() })
	saveItem.Shortcut = scSave
	openAs := fyne.NewMenuItem("Reopen Folder as Model", nil)
	var asItems []*fyne.MenuItem
	for _, m := range engine.ModelNames {
		m := m
		asItems = append(asItems, fyne.NewMenuItem(m, func() {
			if u.ctl.Dir == "" {
				u.showError(errNoSession)
				return
			}
			u.OpenFolder(u.ctl.Dir, engine.Options{Model: m})
		}))
	}
	openAs.ChildMenu = fyne.NewMenu("", asItems...)
	quit := fyne.NewMenuItem("Quit", u.closeIntercepted)
	quit.IsQuit = true
	quit.Shortcut = scQuit
	file := fyne.NewMenu("File",
		openItem, recent, openAs,
		fyne.NewMenuItem("Folder Info (model, settings)…", u.folderInfo),
		fyne.NewMenuItemSeparator(),
		saveItem,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Save History as Event Script…", u.events.saveScript),
		fyne.NewMenuItem("Replay Event Script…", u.events.replayScript),
		fyne.NewMenuItem("Export Timeline as PNG…", u.timeline.export),
		fyne.NewMenuItem("Export LuaLS Definitions…", u.exportDefinitions),
		fyne.NewMenuItemSeparator(),
		quit,
	)

	undo := fyne.NewMenuItem("Undo", func() { u.editShortcut(&fyne.ShortcutUndo{}) })
	undo.Shortcut = &fyne.ShortcutUndo{}
	redo := fyne.NewMenuItem("Redo", func() { u.editShortcut(&fyne.ShortcutRedo{}) })
	redo.Shortcut = &fyne.ShortcutRedo{}
	findItem := fyne.NewMenuItem("Find in File…", u.editor.find)
	findItem.Shortcut = scFind
	gotoItem := fyne.NewMenuItem("Go to Line…", u.gotoLineDialog)
	gotoItem.Shortcut = scGoto
	edit := fyne.NewMenu("Edit", undo, redo, fyne.NewMenuItemSeparator(), findItem, gotoItem)

	var samples []*fyne.MenuItem
	for _, name := range sampleNames() {
		name := name
		samples = append(samples, fyne.NewMenuItem(sampleTitle(name), func() { u.OpenSample(name) }))
	}
	if len(samples) == 0 {
		none := fyne.NewMenuItem("(this build has no bundled samples)", nil)
		none.Disabled = true
		samples = append(samples, none)
	}
	samplesMenu := fyne.NewMenu("Samples", samples...)

	step := fyne.NewMenuItem("Step", u.stepper.step)
	step.Shortcut = scStep
	runAll := fyne.NewMenuItem("Run All", u.stepper.runAll)
	runAll.Shortcut = scRunAll
	runTo := fyne.NewMenuItem("Run to Selected Step", u.stepper.runTo)
	runTo.Shortcut = scRunTo
	reload := fyne.NewMenuItem("Reload (ReloadLua)", u.stepper.reload)
	reload.Shortcut = scReload
	evalItem := fyne.NewMenuItem("Evaluate Lua…", u.focusConsole)
	evalItem.Shortcut = scEval
	lineItem := fyne.NewMenuItem("Event-Script Line…", u.focusLine)
	lineItem.Shortcut = scLine
	stop := fyne.NewMenuItem("Stop", u.ctl.Stop)
	stop.Shortcut = scStop
	runMenu := fyne.NewMenu("Run", step, runAll, runTo, stop,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Reset", u.stepper.reset), reload,
		fyne.NewMenuItemSeparator(),
		evalItem, lineItem,
	)

	u.lightItem = fyne.NewMenuItem("Light Theme", func() { u.setTheme(false) })
	u.lightItem.Checked = !u.dark
	u.darkItem = fyne.NewMenuItem("Dark Theme", func() { u.setTheme(true) })
	u.darkItem.Checked = u.dark
	toggle := fyne.NewMenuItem("Toggle Light/Dark", u.toggleTheme)
	toggle.Shortcut = scTheme
	viewItems := []*fyne.MenuItem{u.lightItem, u.darkItem, toggle, fyne.NewMenuItemSeparator(),
		{Label: "Files", Action: func() { u.leftTabs.SelectIndex(0) }, Shortcut: scFiles},
		{Label: "Contexts", Action: func() { u.leftTabs.SelectIndex(1) }, Shortcut: scCtxs},
		{Label: "Search Globals", Action: u.focusSearch, Shortcut: scSearch},
		fyne.NewMenuItemSeparator(),
	}
	for i, name := range bottomTabNames {
		i := i
		it := fyne.NewMenuItem(name, func() { u.bottomTabs.SelectIndex(i) })
		it.Shortcut = scTabs[i]
		viewItems = append(viewItems, it)
	}
	view := fyne.NewMenu("View", viewItems...)
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard Shortcuts", u.showShortcuts), fyne.NewMenuItem("About modscope", func() {
		dialog.ShowInformation("About modscope",
			"modscope runs a game folder's Lua outside the game, the way the game would,\n"+
				"in separate contexts, and shows what every loading step did.\n\n"+
				"Models: autorun (staged loader), sectors (server + sectors), scripts (context policies).\n"+
				"Every action here is an event-script line: save the history and replay it with\n"+
				"  modscope run DIR --events FILE", u.win)
	}))
	u.win.SetMainMenu(fyne.NewMainMenu(file, edit, samplesMenu, runMenu, view, help))
}

// addShortcuts registers the menu shortcuts on the canvas too (F-keys have
// no modifier, so the desktop driver does not route them through the menu).
func (u *App) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(scOpen, func(fyne.Shortcut) { u.openDialog() })
	c.AddShortcut(scSave, func(fyne.Shortcut) { u.editor.save() })
	c.AddShortcut(scReload, func(fyne.Shortcut) { u.stepper.reload() })
	c.AddShortcut(scTheme, func(fyne.Shortcut) { u.toggleTheme() })
	c.AddShortcut(scEval, func(fyne.Shortcut) { u.focusConsole() })
	c.AddShortcut(scLine, func(fyne.Shortcut) { u.focusLine() })
	c.AddShortcut(scFiles, func(fyne.Shortcut) { u.leftTabs.SelectIndex(0) })
	c.AddShortcut(scCtxs, func(fyne.Shortcut) { u.leftTabs.SelectIndex(1) })
	for i, sc := range scTabs {
		i := i
		c.AddShortcut(sc, func(fyne.Shortcut) { u.bottomTabs.SelectIndex(i) })
	}
	c.AddShortcut(scRunTo, func(fyne.Shortcut) { u.stepper.runTo() })
	c.AddShortcut(scStop, func(fyne.Shortcut) { u.ctl.Stop() })
	c.AddShortcut(scFind, func(fyne.Shortcut) { u.editor.find() })
	c.AddShortcut(scGoto, func(fyne.Shortcut) { u.gotoLineDialog() })
	c.AddShortcut(scStep, func(fyne.Shortcut) { u.stepper.step() })
	c.AddShortcut(scRunAll, func(fyne.Shortcut) { u.stepper.runAll() })
	c.AddShortcut(scQuit, func(fyne.Shortcut) { u.closeIntercepted() })
	c.AddShortcut(scSearch, func(fyne.Shortcut) { u.focusSearch() })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { u.functionKey(ev) })
}

// functionKey runs F10 (step) and F5 (run all); it reports whether the key
// was one of them.
func (u *App) functionKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyF10:
		u.stepper.step()
	case fyne.KeyF5:
		u.stepper.runAll()
	default:
		return false
	}
	return true
}

// focusSearch puts the keyboard in the globals search box.
func (u *App) focusSearch() {
	u.globals.tabs.SelectIndex(0)
	u.win.Canvas().Focus(u.globals.search)
}

func (u *App) focusConsole() {
	u.bottomTabs.SelectIndex(0)
	u.win.Canvas().Focus(u.console.input)
}

func (u *App) focusLine() {
	u.bottomTabs.SelectIndex(1)
	u.win.Canvas().Focus(u.events.line)
}

func (u *App) toggleTheme() { u.setTheme(!u.dark) }

// setTheme switches to the dark or light theme and remembers it.
func (u *App) setTheme(dark bool) {
	u.dark = dark
	u.app.Preferences().SetBool("dark", u.dark)
	u.app.Settings().SetTheme(newVariantTheme(u.dark))
	u.darkItem.Checked = u.dark
	u.lightItem.Checked = !u.dark
	if m := u.win.MainMenu(); m != nil {
		m.Refresh()
	}
	u.timeline.refresh()
	u.win.Canvas().Refresh(u.win.Content())
}

func (u *App) openDialog() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, u.win)
			return
		}
		if l == nil {
			return
		}
		u.OpenFolder(l.Path(), engine.Options{})
	}, u.win)
	if u.ctl.Dir != "" {
		if l, err := listableURI(filepath.Dir(u.ctl.Dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// ---- recent folders ----

const maxRecent = 10

func (u *App) recent() []string {
	return u.app.Preferences().StringListWithFallback("recent", nil)
}

func (u *App) addRecent(dir string) {
	list := []string{dir}
	for _, d := range u.recent() {
		if d != dir && len(list) < maxRecent {
			list = append(list, d)
		}
	}
	u.app.Preferences().SetStringList("recent", list)
	u.rebuildRecent()
}

func (u *App) rebuildRecent() {
	if u.recentMn == nil {
		return
	}
	var items []*fyne.MenuItem
	for _, d := range u.recent() {
		d := d
		items = append(items, fyne.NewMenuItem(d, func() { u.OpenFolder(d, engine.Options{}) }))
	}
	if len(items) == 0 {
		it := fyne.NewMenuItem("(none yet)", nil)
		it.Disabled = true
		items = append(items, it)
	} else {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Clear Recent", func() {
			u.app.Preferences().SetStringList("recent", nil)
			u.rebuildRecent()
		}))
	}
	u.recentMn.Items = items
	u.recentMn.Refresh()
}

// ---- samples ----

// sampleTitle is the menu's name of a bundled sample: its model's
// WindowSpec.Title (the folder name when no model has that name).
func sampleTitle(model string) string {
	if w, ok := engine.ModelWindow(model); ok && w.Title != "" {
		return w.Title
	}
	return model
}

// OpenSample opens one of the bundled samples: a writable copy under the
// user's data directory (made on first use; see assets.UserSample).
func (u *App) OpenSample(name string) {
	p, err := userSample(name)
	if err != nil {
		dialog.ShowError(err, u.win)
		return
	}
	u.OpenFolder(p, engine.Options{})
}

// findSample finds assets/samples/NAME ("": assets/samples itself) next to
// the working directory or the executable (or up to three folders above
// either).
func findSample(name string) (string, error) {
	var bases []string
	if wd, err := os.Getwd(); err == nil {
		bases = append(bases, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		bases = append(bases, filepath.Dir(exe))
	}
	var tried []string
	for _, b := range bases {
		for i := 0; i < 4; i++ {
			p := filepath.Join(b, "assets", "samples", name)
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p, nil
			}
			tried = append(tried, p)
			b = filepath.Dir(b)
		}
	}
	if name == "" {
		return "", fmt.Errorf("the bundled samples were not found (looked for assets/samples next to the working directory and the program)")
	}
	return "", fmt.Errorf("the bundled %s sample was not found (looked for assets/samples/%s next to the working directory and the program, e.g. %s)",
		name, name, strings.Join(tried[:min(2, len(tried))], ", "))
}

// ---- closing ----

func (u *App) closeIntercepted() {
	u.editor.confirmDiscard(func() {
		u.stopWatch()
		u.ctl.Stop()
		u.ctl.Close()
		u.win.Close()
	})
}

// folderInfo shows what model the open folder runs as and why, and its
// settings (modscope.toml or the defaults).
func (u *App) folderInfo() {
	c := u.ctl
	if c.Dir == "" {
		u.showError(errNoSession)
		return
	}
	dir, model, mode, openErr := c.Dir, c.Model, c.Mode, c.OpenErr
	c.FolderInfo(func(fi engine.FolderInfo) {
		lbl := widget.NewLabel(folderInfoText(fi, model, mode, openErr))
		lbl.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom("Folder: "+filepath.Base(dir), "Close",
			container.NewGridWrap(fyne.NewSize(620, lbl.MinSize().Height+80), lbl), u.win)
		d.Show()
	})
}

// folderInfoText describes a folder's model detection and settings, as the
// engine read them (fi).
func folderInfoText(fi engine.FolderInfo, model, mode, openErr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Folder: %s\n", fi.Dir)
	det := fi.Detection
	switch {
	case openErr != "":
		fmt.Fprintf(&b, "Not opened: %s\n", openErr)
	case model != "":
		fmt.Fprintf(&b, "Model: %s · mode: %s\n", model, mode)
	}
	if fi.Error != "" {
		fmt.Fprintf(&b, "The engine could not look again (%s); as last seen:\n", fi.Error)
	}
	switch {
	case fi.DetectError != "":
		fmt.Fprintf(&b, "Detection: %s\n", fi.DetectError)
	case len(det.Evidence) == 0:
		b.WriteString("Detection: matches no model\n")
	default:
		fmt.Fprintf(&b, "Detection: %s\n", strings.Join(det.Evidence, "; "))
	}
	if model != "" && !contains(det.Models, model) {
		if fi.SettingsModel == model {
			fmt.Fprintf(&b, "The model is set by %s.\n", engine.SettingsFile)
		} else {
			b.WriteString("The model was chosen by hand (File › Reopen Folder as Model).\n")
		}
	}
	switch {
	case fi.SettingsError != "":
		fmt.Fprintf(&b, "Settings: %s\n", fi.SettingsError)
	case !fi.HasSettings:
		mods := ""
		if fi.Window.ModsSection != "" {
			mods = ", every mod"
		}
		fmt.Fprintf(&b, "Settings: no %s — the defaults (stubs mode, %s watchdog%s)\n", engine.SettingsFile, engine.DefaultTimeout, mods)
	default:
		fmt.Fprintf(&b, "Settings (%s):\n", engine.SettingsFile)
		for _, kv := range fi.Settings {
			fmt.Fprintf(&b, "  %s = %s\n", kv[0], kv[1])
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// editShortcut sends an editing shortcut (undo, redo) to the focused
// widget, or to the editor when nothing has focus. The menu sees these keys
// before any widget does, so it must pass them on.
func (u *App) editShortcut(s fyne.Shortcut) {
	if f, ok := u.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	switch s.(type) {
	case *fyne.ShortcutUndo:
		u.editor.ed.Undo()
	case *fyne.ShortcutRedo:
		u.editor.ed.Redo()
	}
}

// gotoLineDialog asks for a line of the open file and shows it.
func (u *App) gotoLineDialog() {
	if u.editor.path == "" {
		u.showError(errors.New("go to line: no file is open (pick one in Files)"))
		return
	}
	in := widget.NewEntry()
	in.SetPlaceHolder(fmt.Sprintf("1–%d", u.editor.ed.LineCount()))
	var d dialog.Dialog
	jump := func() {
		n, err := strconv.Atoi(strings.TrimSpace(in.Text))
		if err != nil || n < 1 {
			return
		}
		d.Hide()
		u.editor.ed.GotoLine(n)
		u.editor.focus()
	}
	in.OnSubmitted = func(string) { jump() }
	d = dialog.NewCustomConfirm("Go to line", "Go", "Cancel", in, func(ok bool) {
		if ok {
			jump()
		}
	}, u.win)
	d.Show()
	u.win.Canvas().Focus(in)
}

// shortcutList is the Help › Keyboard Shortcuts text.
const shortcutList = `Ctrl+O	Open a game folder
Ctrl+S	Save the file (atomically; asks if it changed on disk)
Ctrl+Z / Ctrl+Y	Undo / redo in the editor
Ctrl+F	Find in the file (Enter/F3 next, Shift+F3 previous, Esc closes)
Ctrl+G	Go to line
F10	Step
F5	Run all (stops at breakpoints)
Ctrl+F10	Run to the selected step
Ctrl+.	Stop what runs
Ctrl+R	Reload (ReloadLua)
Ctrl+E	Evaluate Lua in the selected context
Ctrl+L	Type an event-script line
Ctrl+K	Search the globals (exact name first; Enter)
Ctrl+Shift+F / Ctrl+Shift+C	Files / Contexts
Ctrl+1 … Ctrl+6	Console, Events, History, Timeline, Registries, Problems
Ctrl+Q	Quit (asks about unsaved edits)
Ctrl+Shift+T	Light / dark theme`

func (u *App) showShortcuts() {
	var rows []fyne.CanvasObject
	for _, ln := range strings.Split(shortcutList, "\n") {
		k, what, _ := strings.Cut(ln, "\t")
		rows = append(rows, widget.NewLabelWithStyle(k, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}), widget.NewLabel(what))
	}
	dialog.ShowCustom("Keyboard shortcuts", "Close", container.New(layout.NewFormLayout(), rows...), u.win)
}
