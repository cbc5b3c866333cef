package engine

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"text/template"
)

// What a model tells the window about its steps and its registry rows
// (WindowSpec.StepDocs, Rows, Stuck, Note, CallbackNames). All of it is
// plain data — strings, regular expressions and text/template texts — so
// that a driver in another process reports it as it is; the window reads
// it through StepDoc, RowText and the row readers below and names no
// model.

// StepDoc is one entry of a model's step descriptions: what the game does
// at a step and why, for people learning the load order.
type StepDoc struct {
	// Step is the step's exact name; when empty, Match is a regular
	// expression (RE2) the whole step name must match, for steps named by
	// their shape ("Entity 3 (door)", `dofolder("Lua")`).
	Step  string `json:"step,omitempty"`
	Match string `json:"match,omitempty"`
	// As, when set, describes a matched step as the step of that name
	// (${1}… expanded from Match) when an entry names it exactly:
	// `Msg("Autorun")` reads as "Autorun".
	As string `json:"as,omitempty"`
	// Text is the description; after a Match, ${0} (the name) and ${1}…
	// (its groups) are expanded.
	Text string `json:"text"`
}

// StepDoc describes a step from the model's StepDocs: the first entry
// that names it exactly, else the first whose Match fits ("" when none
// does; the window then describes the step from nothing).
func (w WindowSpec) StepDoc(step string) string {
	for _, d := range w.StepDocs {
		if d.Step != "" && d.Step == step {
			return d.Text
		}
	}
	for _, d := range w.StepDocs {
		if d.Step != "" || d.Match == "" {
			continue
		}
		re, err := compiledMatch(d.Match)
		if err != nil {
			continue
		}
		m := re.FindStringSubmatchIndex(step)
		if m == nil {
			continue
		}
		if d.As != "" {
			as := string(re.ExpandString(nil, d.As, step, m))
			for _, e := range w.StepDocs {
				if e.Step != "" && e.Step == as {
					return e.Text
				}
			}
		}
		return string(re.ExpandString(nil, d.Text, step, m))
	}
	return ""
}

var matchCache sync.Map // string → matchEntry

type matchEntry struct {
	re  *regexp.Regexp
	err error
}

// compiledMatch compiles a StepDoc.Match, anchored to the whole name.
func compiledMatch(expr string) (*regexp.Regexp, error) {
	if e, ok := matchCache.Load(expr); ok {
		return e.(matchEntry).re, e.(matchEntry).err
	}
	re, err := regexp.Compile(`^(?s:` + expr + `)$`)
	if err != nil {
		err = fmt.Errorf("step doc match %q: %w", expr, err)
	}
	matchCache.Store(expr, matchEntry{re, err})
	return re, err
}

// RowsSpec says how the window's registries view shows one kind of the
// model's registry rows (Registries.Model[Kind]): such kinds come first,
// in the order of WindowSpec.Rows; other kinds get one generic line a row.
// Title, Line, Group and Detail are text/template texts run by RowText.
type RowsSpec struct {
	Kind string `json:"kind"`
	// Title heads the rows, over {{.n}} (rows shown), {{.groups}} and
	// {{.context}} (the selected context); "" puts each row at the top.
	Title string `json:"title,omitempty"`
	// Line is a row's text, over the row's columns.
	Line string `json:"line"`
	// Where is the column holding the row's file:line (a link), if any.
	Where string `json:"where,omitempty"`
	// Detail, when it renders non-empty, is a line under the row.
	Detail string `json:"detail,omitempty"`
	// Context keeps only the rows whose column Context is the selected
	// context; SortBy orders them by that numeric column.
	Context string `json:"context,omitempty"`
	SortBy  string `json:"sort_by,omitempty"`
	// GroupBy groups the rows under one line a value of that column, in
	// the order the values first come; Group is that line, over
	// {{.group}} and {{.n}}.
	GroupBy string `json:"group_by,omitempty"`
	Group   string `json:"group,omitempty"`
	// Open shows the rows (and their groups) unfolded.
	Open bool `json:"open,omitempty"`
}

// StuckRows says which registry rows tell why a context is stuck loading:
// rows of Kind whose column Reason is not empty, for the context in column
// Context. Cut shortens a reason to a line: up to Cut when the reason has
// it, else up to the end of its first line.
type StuckRows struct {
	Kind    string `json:"kind,omitempty"`
	Context string `json:"context,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Cut     string `json:"cut,omitempty"`
}

// RowNote is a line the events panel shows from the first row of Kind:
// Line (a text/template over its columns), when it renders non-empty.
type RowNote struct {
	Kind string `json:"kind,omitempty"`
	Line string `json:"line,omitempty"`
}

// RowColumn names a column of one kind of registry rows.
type RowColumn struct {
	Kind   string `json:"kind,omitempty"`
	Column string `json:"column,omitempty"`
}

// Stuck maps each context that rows say is stuck loading to why.
func (s StuckRows) Stuck(rows map[string][]map[string]any) map[string]string {
	out := map[string]string{}
	if s.Kind == "" {
		return out
	}
	for _, r := range rows[s.Kind] {
		if why := RowString(r, s.Reason); why != "" {
			out[RowString(r, s.Context)] = why
		}
	}
	return out
}

// Short is the part of a stuck context's reason that fits a line.
func (s StuckRows) Short(why string) string { return upTo(why, s.Cut) }

// Text renders the note from rows ("" when there is none).
func (n RowNote) Text(rows map[string][]map[string]any) string {
	if n.Kind == "" || len(rows[n.Kind]) == 0 {
		return ""
	}
	s, err := RowText(n.Line, rows[n.Kind][0])
	if err != nil {
		return ""
	}
	return s
}

// Values lists the column's values in rows, each once, in row order.
func (c RowColumn) Values(rows map[string][]map[string]any) []string {
	if c.Kind == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range rows[c.Kind] {
		if v := RowString(r, c.Column); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Registry rows read the same in the engine's own process (Go values:
// int, bool, []string) and from a child process (JSON: float64, []any).

// RowString is a row's column as text: "" when absent or nil, lists
// joined with ", ".
func RowString(row map[string]any, col string) string { return valueString(row[col]) }

func valueString(v any) string {
	switch x := v.(type) {
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

// RowList is a row's list column (nil when absent or not a list).
func RowList(row map[string]any, col string) []string { return valueList(row[col]) }

func valueList(v any) []string {
	switch x := v.(type) {
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

// RowInt is a row's numeric column (0 when absent).
func RowInt(row map[string]any, col string) int { return valueInt(row[col]) }

func valueInt(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	}
	return 0
}

// rowFuncs are the functions row templates may call: str (a value as
// text, lists joined), int (a number), count (a list's length), plural
// ("s" unless 1), first (the first line, " …" when more follow) and upto
// (up to a separator, else the first line).
var rowFuncs = template.FuncMap{
	"str":    valueString,
	"int":    valueInt,
	"count":  func(v any) int { return len(valueList(v)) },
	"plural": plural,
	"first":  firstLineOf,
	"upto":   upTo,
}

// plural is "s" unless the number v is 1.
func plural(v any) string {
	if valueInt(v) == 1 {
		return ""
	}
	return "s"
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func upTo(s, sep string) string {
	if sep != "" {
		if i := strings.Index(s, sep); i > 0 {
			return s[:i]
		}
	}
	return firstLineOf(s)
}

var rowTemplates sync.Map // text → rowTemplate

type rowTemplate struct {
	t   *template.Template
	err error
}

// RowText runs a row template (RowsSpec, RowNote) over data: a registry
// row, or the values a title or group line is given. A missing column
// reads as nil (str gives "").
func RowText(text string, data any) (string, error) {
	var rt rowTemplate
	if e, ok := rowTemplates.Load(text); ok {
		rt = e.(rowTemplate)
	} else {
		rt.t, rt.err = template.New("row").Funcs(rowFuncs).Option("missingkey=zero").Parse(text)
		if rt.err != nil {
			rt.err = fmt.Errorf("row template %q: %w", text, rt.err)
		}
		rowTemplates.Store(text, rt)
	}
	if rt.err != nil {
		return "", rt.err
	}
	var b strings.Builder
	if err := rt.t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("row template %q: %w", text, err)
	}
	return b.String(), nil
}
