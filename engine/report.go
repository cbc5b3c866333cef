package engine

import (
	"sort"

	"modscope/inspector"
	"modscope/inspector/annotate"
)

// Report is the result of a headless run (docs/report.md) and what the
// window's timeline shows. Field names are a contract: add, never rename.
type Report struct {
	Model    string          `json:"model"`
	Folder   string          `json:"folder"`
	Mode     string          `json:"mode"`
	Steps    []StepReport    `json:"steps"`
	Contexts []ContextInfo   `json:"contexts"`
	Files    FileCounts      `json:"files"`
	Errors   []ErrorRecord   `json:"errors"`
	Messages []MessageRecord `json:"messages"`
	Handlers map[string]int  `json:"handlers"`
	Classes  int             `json:"classes"`
	Stubs    []StubRecord    `json:"stubs"`
	Events   []EventResult   `json:"events"`
	Output   []OutputLine    `json:"output"`
	Ms       float64         `json:"ms"`
	// BoundMs is the time the run was sure to end within
	// (docs/containment.md): the budget of each top-level Lua call it made
	// (Calls: files, handlers run by steps, events), plus MaxCompileTime for
	// each chunk it compiled, plus BoundConstant.
	BoundMs float64 `json:"bound_ms"`
	Calls   int     `json:"calls"`
	// StubsNotListed counts stand-ins past MaxReportStubs, left out of Stubs.
	StubsNotListed int `json:"stubs_not_listed,omitempty"`
}

// Result answers one Command.
type Result struct {
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
	Result string `json:"result,omitempty"` // eval: values as tostring, tab separated
	// Changes says which contexts a command created, removed, merged or split.
	Changes *ContextChanges `json:"changes,omitempty"`

	// The views: each view op sets its field (the op is named after it),
	// and no other. An engine child sends a Result as this JSON
	// (engine/remote), so its parent gets the same typed value back.
	Page          *inspector.PageResult   `json:"page,omitempty"`           // page
	Diff          *inspector.DiffResult   `json:"diff,omitempty"`           // diff
	Search        *inspector.SearchResult `json:"search,omitempty"`         // search
	Registries    *Registries             `json:"registries,omitempty"`     // registries
	Provenance    *Provenance             `json:"provenance,omitempty"`     // provenance CONTEXT NAME
	AllProvenance []Provenance            `json:"all_provenance,omitempty"` // provenance CONTEXT (every global; none: nil)
	API           *annotate.API           `json:"api,omitempty"`            // api
	ReloadDiff    *ReloadDiff             `json:"reload_diff,omitempty"`    // since
	Conflicts     *ConflictReport         `json:"conflicts,omitempty"`      // conflicts
}

// ContextChanges lists contexts a command created, removed, merged or split.
type ContextChanges struct {
	Created []string `json:"created,omitempty"`
	Removed []string `json:"removed,omitempty"`
	Merged  []string `json:"merged,omitempty"`
	Split   []string `json:"split,omitempty"`
}

// Failed is a Result for a command that could not be carried out.
func Failed(format string, args ...any) Result {
	return Result{Error: sprintf(format, args...)}
}

// NestStubs turns the flat stand-in records of a run into the report's
// list: what a call returned ("GetMapSize()", "GetMapSize().x") nested
// under its function, and names nobody used left out — a path only walked
// through ("terrain" of terrain.GetHeight()), a call result only passed on.
// A name is used when it was called, written to, inherited from, or read
// without being walked through.
func NestStubs(flat []StubRecord) []StubRecord {
	sort.Slice(flat, func(i, j int) bool { return flat[i].Name < flat[j].Name })
	walked := map[string]bool{}
	for _, s := range flat {
		for i := 1; i < len(s.Name); i++ {
			switch s.Name[i] {
			case '.', '[':
				walked[s.Name[:i]] = true
			case '(':
				if i+1 < len(s.Name) && s.Name[i+1] == ')' {
					walked[s.Name[:i+2]] = true
				}
			}
		}
	}
	used := func(s StubRecord) bool {
		return s.Calls > 0 || s.Writes > 0 || s.Kind == StubClass || (s.Reads > 0 && !walked[s.Name])
	}
	out := []StubRecord{}
	idx := map[string]int{}
	for _, s := range flat {
		if root := stubRoot(s.Name); root != s.Name {
			continue
		}
		if used(s) {
			s.Results = nil
			idx[s.Name] = len(out)
			out = append(out, s)
		}
	}
	for _, s := range flat {
		root := stubRoot(s.Name)
		if root == s.Name || !used(s) {
			continue
		}
		i, ok := idx[root]
		if !ok { // a function only reached through a local, never read by name
			idx[root] = len(out)
			out = append(out, StubRecord{Name: root, Kind: s.Kind, First: s.First})
			i = len(out) - 1
		}
		s.Results = nil
		out[i].Results = append(out[i].Results, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
