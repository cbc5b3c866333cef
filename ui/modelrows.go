package ui

import (
	"fmt"
	"sort"
	"strings"

	"modscope/engine"
)

// Reading the model rows of the registries view (engine.Registries.Model)
// the way the open model's WindowSpec says (Rows, Stuck, Note,
// CallbackNames): the window knows no model's row kinds or columns. In
// the window's own process the rows hold Go values (int, bool, []string);
// from the engine's child process they come through JSON (float64, []any);
// engine.RowString and friends read both.

// modelRow is one registry row of a model.
type modelRow = map[string]any

// rowStr is a row's field as text: "" when absent or nil, lists joined
// with ", ".
func rowStr(row modelRow, k string) string { return engine.RowString(row, k) }

// stuckReasons maps each context a failed first load keeps loading to
// why (the rows WindowSpec.Stuck names).
func stuckReasons(w engine.WindowSpec, rows map[string][]modelRow) map[string]string {
	return w.Stuck.Stuck(rows)
}

// shortReason is the part of a stuck context's reason that fits a line.
func shortReason(w engine.WindowSpec, why string) string { return w.Stuck.Short(why) }

// rowsNote is the events panel's note from the rows ("" when none).
func rowsNote(w engine.WindowSpec, rows map[string][]modelRow) string { return w.Note.Text(rows) }

// callbackNames lists the callbacks the model has registered (the rows
// WindowSpec.CallbackNames names), each once, in registration order.
func callbackNames(w engine.WindowSpec, rows map[string][]modelRow) []string {
	return w.CallbackNames.Values(rows)
}

// specRows are the rows of sp.Kind the view shows for context ctx: only
// ctx's when sp.Context says so, ordered by sp.SortBy.
func specRows(sp engine.RowsSpec, rows []modelRow, ctx string) []modelRow {
	out := rows
	if sp.Context != "" {
		out = nil
		for _, r := range rows {
			if engine.RowString(r, sp.Context) == ctx {
				out = append(out, r)
			}
		}
	}
	if sp.SortBy != "" {
		out = append([]modelRow(nil), out...)
		sort.SliceStable(out, func(i, j int) bool { return engine.RowInt(out[i], sp.SortBy) < engine.RowInt(out[j], sp.SortBy) })
	}
	return out
}

// rowGroup is the rows of one value of RowsSpec.GroupBy.
type rowGroup struct {
	name string
	rows []modelRow
}

// groupRows groups rows by column k, in the order the values first come.
func groupRows(rows []modelRow, k string) []rowGroup {
	var out []rowGroup
	at := map[string]int{}
	for _, r := range rows {
		g := engine.RowString(r, k)
		i, ok := at[g]
		if !ok {
			i = len(out)
			at[g] = i
			out = append(out, rowGroup{name: g})
		}
		out[i].rows = append(out[i].rows, r)
	}
	return out
}

// specLine renders one row as sp says (the generic line when its template
// fails); where is its file:line column, if it has one.
func specLine(sp engine.RowsSpec, r modelRow) (text, where string) {
	text, err := engine.RowText(sp.Line, r)
	if err != nil {
		return rowText(r)
	}
	if sp.Where != "" {
		where = engine.RowString(r, sp.Where)
	}
	return text, where
}

// specText runs a title or group template over data, else fallback.
func specText(tmpl string, data map[string]any, fallback string) string {
	if s, err := engine.RowText(tmpl, data); err == nil {
		return s
	}
	return fallback
}

// kindTitle is a kind's generic heading: "Players (3)".
func kindTitle(k string, n int) string {
	if k == "" {
		return fmt.Sprintf("(%d)", n)
	}
	return fmt.Sprintf("%s (%d)", strings.ToUpper(k[:1])+k[1:], n)
}
