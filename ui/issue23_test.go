package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"modscope/engine"
)

// The window's side of issues 23 (scripts: BMS's lifecycle) and 18
// (sectors: one bus, logout, generator callbacks), with the real models.

// regTexts is every row text of the registries tree under id, depth first.
func regTexts(v *registriesView, id string) []string {
	var out []string
	for _, k := range v.kids[id] {
		out = append(out, v.text[k])
		out = append(out, regTexts(v, k)...)
	}
	return out
}

func anyHas(xs []string, sub string) bool {
	for _, x := range xs {
		if strings.Contains(x, sub) {
			return true
		}
	}
	return false
}

func TestScriptsRegistriesCallLogAndPolicyNote(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(sample(t, engine.ModelScripts))
	h.runAll()
	if !strings.Contains(u.events.cbTarget.PlaceHolder, "contexts") {
		t.Errorf("callback target hint %q does not mention contexts", u.events.cbTarget.PlaceHolder)
	}
	if !u.events.policyNote.Visible() || !strings.Contains(u.events.policyNote.Text, "modscope's own") || !strings.Contains(u.events.policyNote.Text, "per_entity_and_script") {
		t.Errorf("policy note: visible %v, %q", u.events.policyNote.Visible(), u.events.policyNote.Text)
	}

	u.events.cbName.SetText("on_update")
	u.events.cbTarget.SetText("")
	u.events.cbArgs.SetText("0.016")
	test.Tap(u.events.cbBtn)
	h.idle()
	h.runLine("callback entity:1 on_damage 30")

	const door = "entity:1/script:scripts/door.lua"
	u.SelectContext(door)
	u.regs.refresh()
	h.idle()
	v := u.regs
	calls := regTexts(v, "m/calls")
	if !strings.Contains(v.text["m/calls"], "Call log of "+door) || !anyHas(calls, "on_update (") || !anyHas(calls, "for entity:1 scripts/door.lua") {
		t.Fatalf("call log of %s: %q %q", door, v.text["m/calls"], calls)
	}
	// each callback its own log, in seq order
	for _, g := range v.kids["m/calls"] {
		prev := 0
		for _, id := range v.kids[g] {
			var seq int
			if _, err := fmt.Sscanf(v.text[id], "#%d", &seq); err != nil || seq <= prev {
				t.Errorf("%s: call %q after #%d", v.text[g], v.text[id], prev)
			}
			prev = seq
		}
	}
	if !anyHas(calls, "on_damage (1 call)") || !anyHas(calls, "on_update (1 call)") {
		t.Errorf("the callbacks just delivered are not in the log: %q", calls)
	}
	if anyHas(calls, "scripts/health.lua") {
		t.Errorf("the call log of %s lists another context's calls: %q", door, calls)
	}

	// callbacks per attachment: health.lua's on_damage, once per attachment, clickable
	cbs := v.kids["m/callbacks"]
	if len(cbs) != 3 || !strings.Contains(v.text["m/callbacks"], "per attachment") {
		t.Fatalf("callbacks per attachment: %q → %d groups", v.text["m/callbacks"], len(cbs))
	}
	first := v.kids[cbs[0]]
	if len(first) != 1 || !strings.HasPrefix(v.text[first[0]], "on_damage") || !strings.HasPrefix(v.where[first[0]], "scripts/health.lua:") {
		t.Errorf("first attachment's registrations: %q, where %q", v.text[first[0]], v.where[first[0]])
	}
	if !anyHas(regTexts(v, "m/attachments"), "entity 1 (door) · scripts/door.lua → "+door+" · resident") {
		t.Errorf("attachments: %q", regTexts(v, "m/attachments"))
	}
	if !anyHas(regTexts(v, "m/lifecycle"), door+" — active") {
		t.Errorf("lifecycle: %q", regTexts(v, "m/lifecycle"))
	}
	if !anyHas(regTexts(v, "m/policy/0"), "modscope's own") {
		t.Errorf("policy row: %q %q", v.text["m/policy/0"], regTexts(v, "m/policy/0"))
	}
	if v.stuck.Visible() {
		t.Errorf("no context is stuck, yet: %q", v.stuck.Text)
	}
}

// A failed first load keeps the context loading (BMS); the window says why,
// and that the second script was ignored.
func TestScriptsStuckLoadingSaysWhy(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(gameDir(t, map[string]string{
		"scene.toml": `policy = "per_entity"
[[entity]]
id = 1
name = "door"
scripts = ["scripts/bad.lua", "scripts/good.lua"]
`,
		"scripts/bad.lua":  "function on_script_loaded() end\nerror(\"boom\")\n",
		"scripts/good.lua": "ran = true\n",
	}))
	if u.ctl.Model != engine.ModelScripts {
		t.Fatalf("model %q", u.ctl.Model)
	}
	h.runAll()
	ci, ok := h.contextInfo("entity:1")
	if !ok || ci.State != engine.StateLoading {
		t.Fatalf("entity:1: %+v (contexts %q)", ci, u.ContextNames())
	}
	line, stuck := u.contexts.thirdLine(ci)
	if !stuck || !strings.Contains(line, "stuck loading") || !strings.Contains(line, "boom") {
		t.Errorf("contexts panel's line for entity:1: %q (stuck %v)", line, stuck)
	}
	if !u.contexts.isTall(ci) {
		t.Errorf("the stuck context's row has no room for why")
	}
	u.SelectContext("entity:1")
	u.regs.refresh()
	h.idle()
	v := u.regs
	if !v.stuck.Visible() || !strings.HasPrefix(v.stuck.Text, "entity:1 is stuck loading") || !strings.Contains(v.stuck.Text, "ignored") {
		t.Errorf("registries' stuck note: visible %v, %q", v.stuck.Visible(), v.stuck.Text)
	}
	if !anyHas(regTexts(v, "m/attachments"), "scripts/good.lua · ignored: context entity:1 is loading") {
		t.Errorf("attachments: %q", regTexts(v, "m/attachments"))
	}
	if !anyHas(regTexts(v, "m/lifecycle"), "entity:1 — loading") {
		t.Errorf("lifecycle: %q", regTexts(v, "m/lifecycle"))
	}

	// a policy change recreates the contexts: bad.lua's own is stuck, good.lua's loads
	h.runLine("policy per_entity_and_script")
	bad, _ := h.contextInfo("entity:1/script:scripts/bad.lua")
	good, _ := h.contextInfo("entity:1/script:scripts/good.lua")
	if _, stuck := u.contexts.thirdLine(bad); !stuck || bad.State != engine.StateLoading {
		t.Errorf("bad.lua's context %+v is not shown stuck (%q)", bad, u.contexts.stuck)
	}
	if line, stuck := u.contexts.thirdLine(good); stuck || good.State != engine.StateActive {
		t.Errorf("good.lua's context %+v: %q stuck %v", good, line, stuck)
	}
	if _, old := u.contexts.stuck["entity:1"]; old {
		t.Errorf("the removed entity:1 is still listed stuck: %q", u.contexts.stuck)
	}
}

func TestSectorsEventsPanelBusLogoutCallback(t *testing.T) {
	h := newHarness(t)
	u := h.u
	h.open(sample(t, engine.ModelSectors))
	h.runAll()
	ev := u.events
	if l := ev.sendLbl.Text; !strings.Contains(l, "one bus") || !strings.Contains(l, "TARGET is who enqueues") {
		t.Errorf("events label %q", l)
	}
	if !contains(ev.secCbNames, "on_start") || ev.secCbName.Text != "on_start" {
		t.Fatalf("generator callbacks offered: %q (text %q)", ev.secCbNames, ev.secCbName.Text)
	}
	ev.secCbArgs.SetText("42")
	test.Tap(ev.secCbBtn)
	h.idle()
	if last := u.ctl.Log[len(u.ctl.Log)-1]; last.Text != "callback on_start 42" || !last.OK {
		t.Errorf("callback button ran %+v (result %q)", last, ev.result.Text)
	}

	ev.player.SetText("p1")
	ev.sector.SetText("alpha")
	test.Tap(ev.joinBtn)
	h.idle()
	if !strings.Contains(ev.result.Text, "delivered:") || !strings.Contains(ev.result.Text, "player_logged_in") || !strings.Contains(ev.result.Text, "from engine") {
		t.Errorf("join's result does not show what was delivered and from where: %q", ev.result.Text)
	}
	test.Tap(ev.jumpBtn)
	h.idle()
	if !strings.Contains(ev.result.Text, "sector_player_added") || !strings.Contains(ev.result.Text, "from sector:alpha") {
		t.Errorf("jump's result does not show what was delivered and from where: %q", ev.result.Text)
	}
	// an event enqueued in a sector reaches the server on the next tick: from sector:alpha
	h.runLine(`eval sector:alpha require("engine").get_event_bus():enqueue("galaxy_tick", {tick = 1})`)
	h.runLine("advance 50")
	if !strings.Contains(ev.result.Text, "galaxy_tick") || !strings.Contains(ev.result.Text, "from sector:alpha") {
		t.Errorf("advance's result: %q", ev.result.Text)
	}

	test.Tap(ev.logoutBtn)
	h.idle()
	if last := u.ctl.Log[len(u.ctl.Log)-1]; last.Text != "logout p1" || !last.OK {
		t.Errorf("logout button ran %+v (result %q)", last, ev.result.Text)
	}
	if h.hasContext("sector:alpha") {
		t.Errorf("p1 logged out, alpha still loaded: %q", u.ContextNames())
	}
	// a logged-out player must join again
	test.Tap(ev.jumpBtn)
	h.idle()
	if last := u.ctl.Log[len(u.ctl.Log)-1]; last.OK {
		t.Errorf("jump after logout succeeded: %+v", last)
	}
}
