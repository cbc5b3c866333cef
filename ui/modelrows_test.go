package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"modscope/engine"
)

// The model rows read the same in the window's process (Go values) and
// from the engine's child process (JSON: float64, []any).
func TestModelRowsReadGoAndJSON(t *testing.T) {
	goRows := map[string][]modelRow{
		"lifecycle": {{"context": "entity:1", "state": "loading", "residents": []string{"entity:1 scripts/a.lua"}, "calls": 0,
			"reason": "stuck loading: the first load of entity:1 scripts/a.lua failed (boom). BMS leaves the context loading"}},
		"calls": {
			{"context": "entity:2", "seq": 2, "callback": "on_update", "attachment": "entity:2 scripts/b.lua", "via": "global", "ok": true, "result": "3", "step": "callback on_update"},
			{"context": "entity:2", "seq": 1, "callback": "on_script_unloaded", "attachment": "entity:2 scripts/b.lua", "via": "not defined", "ok": true},
			{"context": "entity:3", "seq": 1, "callback": "on_update", "attachment": "entity:3 scripts/b.lua", "via": "registered", "ok": false, "error": "b.lua:3: bad\nstack"},
		},
		"callbacks": {{"attachment": "entity:2 scripts/b.lua", "name": "on_damage", "where": "scripts/b.lua:4", "context": "entity:2"},
			{"attachment": "entity:3 scripts/b.lua", "name": "on_damage", "where": "scripts/b.lua:4", "context": "entity:3"},
			{"attachment": "entity:2 scripts/b.lua", "name": "on_heal", "where": "scripts/b.lua:9", "context": "entity:2"}},
		"attachments": {{"entity": 1, "entity_name": "door", "script": "scripts/a.lua", "context": "entity:1", "status": "resident"},
			{"entity": nil, "script": "scripts/s.lua", "context": "", "status": "no context: no rule of the policy matches it"}},
		"policy": {{"policy": "per_entity", "rules": []string{"entity", "script"}, "note": "changing the policy live is modscope's own"}},
	}
	b, err := json.Marshal(goRows)
	if err != nil {
		t.Fatal(err)
	}
	var jsonRows map[string][]modelRow
	if err := json.Unmarshal(b, &jsonRows); err != nil {
		t.Fatal(err)
	}
	w, ok := engine.ModelWindow(engine.ModelScripts)
	if !ok {
		t.Fatal("the scripts model is not registered")
	}
	spec := map[string]engine.RowsSpec{}
	for _, sp := range w.Rows {
		spec[sp.Kind] = sp
	}
	line := func(kind string, r modelRow) string {
		text, _ := specLine(spec[kind], r)
		return text
	}
	for name, rows := range map[string]map[string][]modelRow{"go values": goRows, "through JSON": jsonRows} {
		t.Run(name, func(t *testing.T) {
			if why := stuckReasons(w, rows)["entity:1"]; shortReason(w, why) != "stuck loading: the first load of entity:1 scripts/a.lua failed (boom)" {
				t.Errorf("stuck reason %q → %q", why, shortReason(w, why))
			}
			calls := specRows(spec["calls"], rows["calls"], "entity:2")
			if len(calls) != 2 || engine.RowInt(calls[0], "seq") != 1 || engine.RowInt(calls[1], "seq") != 2 {
				t.Fatalf("calls of entity:2: %v", calls)
			}
			for _, c := range []struct {
				row  modelRow
				want string
			}{
				{calls[0], "#1 · for entity:2 scripts/b.lua · not defined · nothing ran"},
				{calls[1], "#2 · for entity:2 scripts/b.lua · via the global function · ok → 3 · [callback on_update]"},
				{specRows(spec["calls"], rows["calls"], "entity:3")[0], "#1 · for entity:3 scripts/b.lua · via register_callback · error: b.lua:3: bad …"},
			} {
				if got := line("calls", c.row); got != c.want {
					t.Errorf("call line = %q, want %q", got, c.want)
				}
			}
			groups := groupRows(rows["callbacks"], spec["callbacks"].GroupBy)
			if len(groups) != 2 || groups[0].name != "entity:2 scripts/b.lua" || len(groups[0].rows) != 2 || len(groups[1].rows) != 1 {
				t.Errorf("groups %+v", groups)
			}
			if text, where := specLine(spec["callbacks"], rows["callbacks"][0]); text != "on_damage   scripts/b.lua:4   · in entity:2" || where != "scripts/b.lua:4" {
				t.Errorf("callback line %q at %q", text, where)
			}
			if got := line("attachments", rows["attachments"][0]); got != "entity 1 (door) · scripts/a.lua → entity:1 · resident" {
				t.Errorf("attachment line %q", got)
			}
			if got := line("attachments", rows["attachments"][1]); got != "static · scripts/s.lua · no context: no rule of the policy matches it" {
				t.Errorf("static attachment line %q", got)
			}
			if got := line("lifecycle", rows["lifecycle"][0]); got != "entity:1 — loading · 1 resident · 0 calls · stuck loading: the first load of entity:1 scripts/a.lua failed (boom)" {
				t.Errorf("lifecycle line %q", got)
			}
			if got := rowsNote(w, rows); got != "Now per_entity. Note: changing the policy live is modscope's own." {
				t.Errorf("policy note %q", got)
			}
			if got := line("policy", rows["policy"][0]); got != "Policy: per_entity · rules: entity, script" {
				t.Errorf("policy line %q", got)
			}
			if rowStr(rows["policy"][0], "rules") != "entity, script" {
				t.Errorf("rules %q", rowStr(rows["policy"][0], "rules"))
			}
		})
	}
	sw, _ := engine.ModelWindow(engine.ModelSectors)
	if got := callbackNames(sw, map[string][]modelRow{"callbacks": {{"callback": "on_start"}, {"callback": "on_end"}, {"callback": "on_start"}}}); strings.Join(got, ",") != "on_start,on_end" {
		t.Errorf("sector callback names %q", got)
	}
	if got := callbackNames(w, goRows); got != nil {
		t.Errorf("the scripts model names callbacks for the player row: %q", got)
	}
}
