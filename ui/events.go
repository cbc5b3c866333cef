package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"modscope/engine"
)

// eventsView fires messages, events, player and attachment actions and
// virtual time, each as an event-script line, and keeps the history.
type eventsView struct {
	u *App

	target  *fkSelect // event target context (sectors/scripts)
	name    *fkEntry
	args    *fkEntry
	sendBtn *widget.Button
	sendLbl *widget.Label

	player, sector *fkEntry
	joinBtn        *widget.Button
	jumpBtn        *widget.Button
	leaveBtn       *widget.Button
	logoutBtn      *widget.Button
	// the generator's callbacks (sectors), named from its callbacks registry
	secCbName  *widget.SelectEntry
	secCbNames []string // its choices
	secCbArgs  *fkEntry
	secCbBtn   *widget.Button
	sectorsBox *fyne.Container

	entity *fkEntry
	script *widget.SelectEntry
	// scriptChoices are the script's drop-down choices: the folder's .lua files.
	scriptChoices []string
	attachBtn     *widget.Button
	detachBtn     *widget.Button
	policy        *widget.SelectEntry
	policyBtn     *widget.Button
	policyNote    *widget.Label // the policy row's note: switching live is modscope's own
	cbName        *fkEntry
	cbTarget      *fkEntry
	cbArgs        *fkEntry
	cbBtn         *widget.Button
	scriptsBox    *fyne.Container

	advance    *fkEntry
	advanceBtn *widget.Button
	line       *histEntry
	lineBtn    *widget.Button
	result     *widget.Label

	history *fkList
	histSel int
	obj     fyne.CanvasObject // the actions
	histObj fyne.CanvasObject // the history
}

var policies = []string{"per_entity_and_script", "per_entity", "per_script", "shared"}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func newEventsView(u *App) *eventsView {
	v := &eventsView{u: u, histSel: -1}

	v.target = newFKSelect(u, nil, nil)
	v.target.PlaceHolder = "context"
	v.name = newFKEntry(u)
	v.name.SetPlaceHolder("name, e.g. NewMap")
	v.args = newFKEntry(u)
	v.args.SetPlaceHolder(`arguments: "mars" 3`)
	v.args.OnSubmitted = func(string) { v.send() }
	v.name.OnSubmitted = func(string) { v.send() }
	v.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), v.send)
	v.sendBtn.Importance = widget.HighImportance
	v.sendLbl = bold("Message")
	sendRow := container.NewBorder(nil, nil, v.target, v.sendBtn,
		container.NewGridWithColumns(2, v.name, v.args))

	v.player = newFKEntry(u)
	v.player.SetText("p1")
	v.player.SetPlaceHolder("player")
	v.sector = newFKEntry(u)
	v.sector.SetText("alpha")
	v.sector.SetPlaceHolder("sector")
	v.joinBtn = widget.NewButton("Join", func() { v.run(join("join", v.player.Text)) })
	v.jumpBtn = widget.NewButton("Jump", func() { v.run(join("jump", v.player.Text, v.sector.Text)) })
	v.leaveBtn = widget.NewButton("Leave", func() { v.run(join("leave", v.player.Text)) })
	v.logoutBtn = widget.NewButton("Logout", func() { v.run(join("logout", v.player.Text)) })
	v.secCbName = widget.NewSelectEntry(nil)
	v.secCbName.SetPlaceHolder("generator callback, e.g. on_start")
	v.secCbArgs = newFKEntry(u)
	v.secCbArgs.SetPlaceHolder("args: 42")
	v.secCbBtn = widget.NewButton("Callback", func() {
		line := join("callback", v.secCbName.Text)
		if a := strings.TrimSpace(v.secCbArgs.Text); a != "" && line != "callback" {
			line += " " + a
		}
		v.run(line)
	})
	v.secCbArgs.OnSubmitted = func(string) { v.secCbBtn.OnTapped() }
	v.sectorsBox = container.NewVBox(bold("Players — leave quits the sector, logout ends the session"),
		container.NewBorder(nil, nil, nil, container.NewHBox(v.joinBtn, v.jumpBtn, v.leaveBtn, v.logoutBtn),
			container.NewGridWithColumns(2, v.player, v.sector)),
		bold("Generator callbacks"),
		container.NewBorder(nil, nil, nil, v.secCbBtn, container.NewGridWithColumns(2, v.secCbName, v.secCbArgs)))

	v.entity = newFKEntry(u)
	v.entity.SetPlaceHolder("entity id")
	v.entity.SetText("1")
	v.script = widget.NewSelectEntry(nil)
	v.script.SetPlaceHolder("scripts/door.lua")
	v.attachBtn = widget.NewButton("Attach", func() { v.run(join("attach", v.entity.Text, v.script.Text)) })
	v.detachBtn = widget.NewButton("Detach", func() { v.run(join("detach", v.entity.Text, v.script.Text)) })
	v.policy = widget.NewSelectEntry(policies)
	v.policy.SetPlaceHolder("policy")
	v.policyBtn = widget.NewButton("Switch policy", func() { v.run(join("policy", v.policy.Text)) })
	v.cbName = newFKEntry(u)
	v.cbName.SetText("on_update")
	v.cbTarget = newFKEntry(u)
	v.cbTarget.SetPlaceHolder("target: all · contexts · a context")
	v.cbArgs = newFKEntry(u)
	v.cbArgs.SetPlaceHolder("args: 0.016")
	v.cbBtn = widget.NewButton("Callback", func() {
		parts := []string{"callback"}
		if t := strings.TrimSpace(v.cbTarget.Text); t != "" {
			parts = append(parts, t)
		}
		parts = append(parts, strings.TrimSpace(v.cbName.Text))
		if a := strings.TrimSpace(v.cbArgs.Text); a != "" {
			parts = append(parts, a)
		}
		v.run(strings.Join(parts, " "))
	})
	v.policyNote = widget.NewLabel("")
	v.policyNote.Wrapping = fyne.TextWrapWord
	v.policyNote.SizeName = theme.SizeNameCaptionText
	v.policyNote.Hide()
	v.scriptsBox = container.NewVBox(bold("Attachments and policy"),
		container.NewBorder(nil, nil, nil, container.NewHBox(v.attachBtn, v.detachBtn),
			container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(80, v.entity.MinSize().Height), v.entity), nil, v.script)),
		container.NewBorder(nil, nil, nil, v.policyBtn, v.policy),
		v.policyNote,
		container.NewBorder(nil, nil, nil, v.cbBtn, container.NewGridWithColumns(3, v.cbName, v.cbTarget, v.cbArgs)))

	v.advance = newFKEntry(u)
	v.advance.SetText("1000")
	v.advanceBtn = widget.NewButtonWithIcon("Advance ms", theme.MediaFastForwardIcon(), func() { v.run(join("advance", v.advance.Text)) })
	v.line = newHistEntry()
	v.line.fkeys = u.functionKey
	v.line.SetPlaceHolder(`any event-script line, e.g. until Start · msg NewMap "mars" 3 · eval main return x`)
	runLine := func() {
		text := v.line.Text
		v.line.remember(text)
		v.line.SetText("")
		v.run(text)
	}
	v.line.OnSubmitted = func(string) { runLine() }
	v.lineBtn = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), runLine)
	v.result = widget.NewLabel("")
	v.result.Wrapping = fyne.TextWrapWord

	form := container.NewVBox(
		v.sendLbl, sendRow,
		v.sectorsBox, v.scriptsBox,
		bold("Virtual time"),
		container.NewBorder(nil, nil, nil, v.advanceBtn, v.advance),
		bold("Event-script line"),
		container.NewBorder(nil, nil, nil, v.lineBtn, v.line),
		v.result,
	)

	v.history = newFKList(u, func() int { return len(u.ctl.Log) },
		func() fyne.CanvasObject {
			ic := widget.NewIcon(theme.ConfirmIcon())
			t := widget.NewLabel("event line")
			t.TextStyle = fyne.TextStyle{Monospace: true}
			t.Truncation = fyne.TextTruncateEllipsis
			info := widget.NewLabel("")
			info.SizeName = theme.SizeNameCaptionText
			return container.NewBorder(nil, nil, ic, info, t)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(u.ctl.Log) {
				return
			}
			e := u.ctl.Log[i]
			b := o.(*fyne.Container)
			t := b.Objects[0].(*widget.Label)
			ic := b.Objects[1].(*widget.Icon)
			info := b.Objects[2].(*widget.Label)
			text := e.Text
			if text == "" {
				text = e.Kind + " " + e.Name
			}
			if text == "step" && e.Name != "" {
				text = "step   # " + e.Name
			}
			if e.OK {
				ic.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
				t.Importance = widget.MediumImportance
			} else {
				ic.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
				t.Importance = widget.DangerImportance
				if len(e.Errors) > 0 {
					text += "   — " + firstLine(e.Errors[0])
				}
			}
			t.SetText(text)
			parts := []string{}
			if e.Files > 0 {
				parts = append(parts, fmt.Sprintf("%d files", e.Files))
			}
			if e.Handlers > 0 {
				parts = append(parts, fmt.Sprintf("%d handlers", e.Handlers))
			}
			parts = append(parts, fmtMs(e.Ms))
			info.SetText(strings.Join(parts, " · "))
			b.Refresh()
		})
	v.history.OnSelected = func(i widget.ListItemID) { v.histSel = i }
	again := widget.NewButtonWithIcon("Run again", theme.MediaReplayIcon(), func() {
		if v.histSel >= 0 && v.histSel < len(u.ctl.Log) && u.ctl.Log[v.histSel].Text != "" {
			v.run(u.ctl.Log[v.histSel].Text)
		}
	})
	save := widget.NewButtonWithIcon("Save as script…", theme.DocumentSaveIcon(), v.saveScript)
	replay := widget.NewButtonWithIcon("Replay file…", theme.FolderOpenIcon(), v.replayScript)
	histTop := container.NewBorder(nil, nil, bold("History — every line replays with modscope run DIR --events FILE"), nil)
	v.histObj = container.NewBorder(histTop, container.NewHBox(again, save, replay), nil, nil, v.history)
	v.obj = container.NewVScroll(form)
	v.modelChanged()
	return v
}

// join builds an event-script line, quoting arguments that need it.
func join(op string, args ...string) string {
	parts := []string{op}
	for _, a := range args {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		parts = append(parts, engine.FormatArg(a))
	}
	return strings.Join(parts, " ")
}

// run runs one event-script line and shows its outcome.
func (v *eventsView) run(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	if !v.u.ctl.HasSession() {
		v.result.SetText(errNoSession.Error())
		return
	}
	v.result.SetText("› " + line + " …")
	before := len(v.u.ctl.Report.Messages)
	v.u.ctl.RunLine(line, func(r engine.Result) {
		v.show(line, r, before)
	})
}

// maxDelivered bounds the deliveries the result lists one by one; records
// that stand for several contexts (context "*") are always listed.
const maxDelivered = 6

// deliveredLines lists the messages and events a command delivered: the
// report's message records from index before on, made by that command (its
// step), each with the context it reached and its origin ("from
// sector:alpha") or the attachment it was for.
func deliveredLines(msgs []engine.MessageRecord, before int, line string) []string {
	cmd, err := engine.ParseCommand(line)
	if err != nil || before < 0 || before > len(msgs) {
		return nil
	}
	step := cmd.String()
	var out []string
	shown, more := 0, 0 // more: deliveries not listed one by one
	for _, m := range msgs[before:] {
		if m.Step != step && m.Step != line {
			continue
		}
		if m.Contexts > 0 || m.Context == "*" {
			more += max(m.Contexts, 1) // listed, as one line for them all
		} else if shown == maxDelivered {
			more++
			continue
		} else {
			shown++
		}
		text := m.Name
		if len(m.Args) > 0 && m.Args[0] != "" && m.Args[0] != "{}" {
			text += " " + strings.Join(m.Args, " ")
		}
		text += " → " + m.Context
		if m.Handlers > 0 {
			text += fmt.Sprintf(" (%d handler%s)", m.Handlers, plural(m.Handlers))
		}
		if m.Target != "" {
			text += " · " + m.Target
		}
		out = append(out, text)
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("… %d more (Timeline, or modscope run --json)", more))
	}
	return out
}

func (v *eventsView) show(line string, r engine.Result, before int) {
	text := "› " + line + "\n"
	if r.OK {
		text += "ok"
		if r.Result != "" {
			text += ": " + r.Result
		}
	} else {
		text += "error: " + r.Error
	}
	if ch := r.Changes; ch != nil {
		for _, x := range []struct {
			what  string
			names []string
		}{{"created", ch.Created}, {"removed", ch.Removed}, {"merged", ch.Merged}, {"split", ch.Split}} {
			if len(x.names) > 0 {
				text += fmt.Sprintf("\ncontexts %s: %s", x.what, strings.Join(x.names, ", "))
			}
		}
	}
	if d := deliveredLines(v.u.ctl.Report.Messages, before, line); len(d) > 0 {
		text += "\ndelivered:\n  " + strings.Join(d, "\n  ")
	}
	v.result.SetText(text)
}

// send fires a message (WindowSpec.Send: msg) or an event into the chosen
// context.
func (v *eventsView) send() {
	name := strings.TrimSpace(v.name.Text)
	if name == "" {
		v.result.SetText("Give the message or event a name.")
		return
	}
	args := strings.TrimSpace(v.args.Text)
	var line string
	if v.u.ctl.Folder.Window.Send == engine.SendMsg {
		line = "msg " + engine.FormatArg(name)
		if args != "" {
			line += " " + args
		}
	} else {
		target := v.target.Selected
		if target == "" {
			target = "all"
		}
		line = "event " + target + " " + engine.FormatArg(name)
		if args != "" {
			line += " " + args
		}
	}
	v.run(line)
}

// modelChanged shows the actions the open folder's model offers (its
// WindowSpec, as the engine reported it).
func (v *eventsView) modelChanged() {
	w := v.u.ctl.Folder.Window
	label, nameHint, argsHint := w.SendLabel, w.NameHint, w.ArgsHint
	if w.Send == engine.SendMsg {
		v.target.Hide()
	} else {
		v.target.Show()
	}
	if label == "" { // a model that says nothing: a plain event
		label, nameHint, argsHint = "Event — into one context, server or all", "event, e.g. player_logged_in", `fields: {"player_id":"p1"}`
	}
	v.sendLbl.SetText(label)
	v.name.SetPlaceHolder(nameHint)
	v.args.SetPlaceHolder(argsHint)
	if w.PlayerActions {
		v.sectorsBox.Show()
	} else {
		v.sectorsBox.Hide()
	}
	if w.AttachmentActions {
		v.scriptsBox.Show()
		v.scriptChoices = v.u.ctl.Folder.LuaFiles[:min(maxScriptChoices, len(v.u.ctl.Folder.LuaFiles))]
		v.script.SetOptions(v.scriptChoices)
	} else {
		v.scriptsBox.Hide()
	}
	v.contextsChanged()
}

// maxScriptChoices bounds the script drop-down (the folder's Lua files).
const maxScriptChoices = 200

func (v *eventsView) contextsChanged() {
	opts := []string{"all"}
	names := v.u.ContextNames()
	for _, t := range v.u.ctl.Folder.Window.Targets {
		if !contains(names, t) { // a target before its context is live
			opts = append(opts, t)
		}
	}
	opts = append(opts, names...)
	v.target.Options = opts
	if v.target.Selected == "" || !contains(opts, v.target.Selected) {
		sel := v.u.selected
		if sel == "" {
			sel = "all"
		}
		v.target.SetSelected(sel)
	}
	v.target.Refresh()
}

// rowsChanged takes the model's registry rows after a command: the
// callbacks' names and the note its WindowSpec asks for.
func (v *eventsView) rowsChanged(rows map[string][]modelRow) {
	w := v.u.ctl.Folder.Window
	names := callbackNames(w, rows)
	v.secCbNames = names
	v.secCbName.SetOptions(names)
	if v.secCbName.Text == "" && len(names) > 0 {
		v.secCbName.SetText(names[0])
	}
	if note := rowsNote(w, rows); note != "" {
		v.policyNote.SetText(note)
		v.policyNote.Show()
	} else {
		v.policyNote.Hide()
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v *eventsView) historyChanged() {
	v.history.Refresh()
	if n := len(v.u.ctl.Log); n > 0 {
		v.history.ScrollToBottom()
	}
}

// saveScript writes the history as an event script.
func (v *eventsView) saveScript() {
	if !v.u.ctl.HasSession() {
		dialog.ShowError(errNoSession, v.u.win)
		return
	}
	text := v.u.ctl.Script()
	v.u.saveDialog("Save history as event script", filepath.Base(v.u.ctl.Dir)+".events", func(p string) error {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return fmt.Errorf("save history: %w", err)
		}
		v.u.ctl.SetStatus("Saved the history to " + p)
		v.u.refreshHeader()
		return nil
	})
}

// replayScript plays an event script from a file.
func (v *eventsView) replayScript() {
	if !v.u.ctl.HasSession() {
		dialog.ShowError(errNoSession, v.u.win)
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, v.u.win)
			return
		}
		if r == nil {
			return
		}
		data, err := io.ReadAll(io.LimitReader(r, 8<<20))
		r.Close()
		if err != nil {
			dialog.ShowError(err, v.u.win)
			return
		}
		v.ReplayText(r.URI().Name(), string(data))
	}, v.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".events", ".txt", ".script"}))
	if l, err := listableURI(v.u.ctl.Dir); err == nil {
		d.SetLocation(l)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// ReplayText plays an event script's text and shows a summary.
func (v *eventsView) ReplayText(name, src string) {
	v.result.SetText("Replaying " + name + " …")
	v.u.ctl.Replay(name, src, func(out []engine.EventResult) {
		var b strings.Builder
		bad := 0
		for _, r := range out {
			if !r.OK {
				bad++
				fmt.Fprintf(&b, "line %d: %s — %s\n", r.Line, r.Event, firstLine(r.Error))
			}
		}
		v.result.SetText(fmt.Sprintf("Replayed %s: %d lines, %d failed\n%s", name, len(out), bad, b.String()))
	})
}
