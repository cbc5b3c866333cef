package ui

import (
	"encoding/json"
	"strings"
	"testing"
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
	for name, rows := range map[string]map[string][]modelRow{"go values": goRows, "through JSON": jsonRows} {
		t.Run(name, func(t *testing.T) {
			if why := stuckReasons(rows)["entity:1"]; shortReason(why) != "stuck loading: the first load of entity:1 scripts/a.lua failed (boom)" {
				t.Errorf("stuck reason %q → %q", why, shortReason(why))
			}
			calls := callsOf(rows, "entity:2")
			if len(calls) != 2 || rowInt(calls[0], "seq") != 1 || rowInt(calls[1], "seq") != 2 {
				t.Fatalf("calls of entity:2: %v", calls)
			}
			for _, c := range []struct {
				row  modelRow
				want string
			}{
				{calls[0], "#1 · for entity:2 scripts/b.lua · not defined · nothing ran"},
				{calls[1], "#2 · for entity:2 scripts/b.lua · via the global function · ok → 3 · [callback on_update]"},
				{callsOf(rows, "entity:3")[0], "#1 · for entity:3 scripts/b.lua · via register_callback · error: b.lua:3: bad …"},
			} {
				if got := callLine(c.row); got != c.want {
					t.Errorf("callLine = %q, want %q", got, c.want)
				}
			}
			groups := callbacksByAttachment(rows["callbacks"])
			if len(groups) != 2 || groups[0].attachment != "entity:2 scripts/b.lua" || len(groups[0].rows) != 2 || len(groups[1].rows) != 1 {
				t.Errorf("groups %+v", groups)
			}
			if got := attachmentLine(rows["attachments"][0]); got != "entity 1 (door) · scripts/a.lua → entity:1 · resident" {
				t.Errorf("attachment line %q", got)
			}
			if got := attachmentLine(rows["attachments"][1]); got != "static · scripts/s.lua · no context: no rule of the policy matches it" {
				t.Errorf("static attachment line %q", got)
			}
			if got := lifecycleLine(rows["lifecycle"][0]); !strings.HasPrefix(got, "entity:1 — loading · 1 resident · 0 calls · stuck loading") {
				t.Errorf("lifecycle line %q", got)
			}
			if pol, note := policyNote(rows); pol != "per_entity" || !strings.Contains(note, "modscope's own") {
				t.Errorf("policy %q note %q", pol, note)
			}
			if rowStr(rows["policy"][0], "rules") != "entity, script" {
				t.Errorf("rules %q", rowStr(rows["policy"][0], "rules"))
			}
		})
	}
	if got := sectorCallbackNames(map[string][]modelRow{"callbacks": {{"callback": "on_start"}, {"callback": "on_end"}, {"callback": "on_start"}}}); strings.Join(got, ",") != "on_start,on_end" {
		t.Errorf("sector callback names %q", got)
	}
}
