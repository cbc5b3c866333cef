package ui

import (
	"fmt"
	"sort"
	"strings"
)

// Reading the model rows of the registries view (engine.Registries.Model).
// In the window's own process the rows hold Go values (int, bool,
// []string); from the engine's child process they come through JSON
// (float64, []any). These helpers read both.

// modelRow is one registry row of a model.
type modelRow = map[string]any

// rowStr is a row's field as text: "" when absent or nil, lists joined
// with ", ".
func rowStr(row modelRow, k string) string {
	switch x := row[k].(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, ", ")
	case []any:
		ss := make([]string, len(x))
		for i, e := range x {
			ss[i] = fmt.Sprint(e)
		}
		return strings.Join(ss, ", ")
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x))
		}
		return fmt.Sprint(x)
	default:
		return fmt.Sprint(x)
	}
}

// rowList is a row's list field (nil when absent).
func rowList(row modelRow, k string) []string {
	switch x := row[k].(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = fmt.Sprint(e)
		}
		return out
	}
	return nil
}

// rowInt is a row's numeric field (0 when absent).
func rowInt(row modelRow, k string) int {
	switch x := row[k].(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	}
	return 0
}

// rowBool is a row's boolean field.
func rowBool(row modelRow, k string) bool {
	b, _ := row[k].(bool)
	return b
}

// stuckReasons maps each context a failed first load keeps loading to
// why (the scripts model's lifecycle rows with a reason).
func stuckReasons(rows map[string][]modelRow) map[string]string {
	out := map[string]string{}
	for _, r := range rows["lifecycle"] {
		if why := rowStr(r, "reason"); why != "" {
			out[rowStr(r, "context")] = why
		}
	}
	return out
}

// shortReason is the part of a stuck context's reason that fits a line:
// up to the first sentence ("stuck loading: the first load of … failed (…)").
func shortReason(why string) string {
	if i := strings.Index(why, ". BMS"); i > 0 {
		return why[:i]
	}
	return firstLine(why)
}

// callsOf is a context's call log: the calls rows of ctx, by seq.
func callsOf(rows map[string][]modelRow, ctx string) []modelRow {
	var out []modelRow
	for _, r := range rows["calls"] {
		if rowStr(r, "context") == ctx {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rowInt(out[i], "seq") < rowInt(out[j], "seq") })
	return out
}

// callLine renders one call log row (under its callback's name, so
// without it).
func callLine(r modelRow) string {
	parts := []string{fmt.Sprintf("#%d", rowInt(r, "seq"))}
	if a := rowStr(r, "attachment"); a != "" {
		parts = append(parts, "for "+a)
	}
	switch via := rowStr(r, "via"); via {
	case "":
	case "registered":
		parts = append(parts, "via register_callback")
	case "global":
		parts = append(parts, "via the global function")
	default:
		parts = append(parts, via)
	}
	switch {
	case rowStr(r, "via") == "not defined" && rowBool(r, "ok") && rowStr(r, "result") == "":
		parts = append(parts, "nothing ran")
	case rowStr(r, "error") != "":
		parts = append(parts, "error: "+firstLine(rowStr(r, "error")))
	case rowBool(r, "ok"):
		res := "ok"
		if x := rowStr(r, "result"); x != "" {
			res += " → " + x
		}
		parts = append(parts, res)
	default:
		parts = append(parts, "failed")
	}
	if s := rowStr(r, "step"); s != "" {
		parts = append(parts, "["+s+"]")
	}
	return strings.Join(parts, " · ")
}

// attachmentGroup is the register_callback registrations of one attachment.
type attachmentGroup struct {
	attachment string
	rows       []modelRow
}

// callbacksByAttachment groups the scripts model's callbacks rows by
// attachment, in the order the attachments first registered.
func callbacksByAttachment(rows []modelRow) []attachmentGroup {
	var out []attachmentGroup
	at := map[string]int{}
	for _, r := range rows {
		a := rowStr(r, "attachment")
		i, ok := at[a]
		if !ok {
			i = len(out)
			at[a] = i
			out = append(out, attachmentGroup{attachment: a})
		}
		out[i].rows = append(out[i].rows, r)
	}
	return out
}

// attachmentLine renders one attachments row: the pair, its context and
// its status.
func attachmentLine(r modelRow) string {
	who := "static"
	if e := rowStr(r, "entity"); e != "" {
		who = "entity " + e
		if n := rowStr(r, "entity_name"); n != "" {
			who += " (" + n + ")"
		}
	}
	text := who + " · " + rowStr(r, "script")
	if c := rowStr(r, "context"); c != "" {
		text += " → " + c
	}
	if st := rowStr(r, "status"); st != "" {
		text += " · " + st
	}
	return text
}

// lifecycleLine renders one lifecycle row.
func lifecycleLine(r modelRow) string {
	parts := []string{rowStr(r, "context") + " — " + rowStr(r, "state")}
	if res := rowList(r, "residents"); len(res) > 0 {
		parts = append(parts, fmt.Sprintf("%d resident%s", len(res), plural(len(res))))
	}
	n := rowInt(r, "calls")
	parts = append(parts, fmt.Sprintf("%d call%s", n, plural(n)))
	if why := rowStr(r, "reason"); why != "" {
		parts = append(parts, shortReason(why))
	}
	return strings.Join(parts, " · ")
}

// policyNote is the policy row's note ("" when the model has none).
func policyNote(rows map[string][]modelRow) (policy, note string) {
	for _, r := range rows["policy"] {
		return rowStr(r, "policy"), rowStr(r, "note")
	}
	return "", ""
}

// sectorCallbackNames lists the generator callbacks the sectors model has
// registered (its callbacks rows), each once, in registration order.
func sectorCallbackNames(rows map[string][]modelRow) []string {
	var out []string
	for _, r := range rows["callbacks"] {
		if n := rowStr(r, "callback"); n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
