package engine

import (
	"sort"

	"modscope/inspector"
)

// ContextDiff is one context's globals before and after: what the window's
// "changes since the last reload" shows.
type ContextDiff struct {
	Context string               `json:"context"`
	Diff    inspector.DiffResult `json:"diff"`
	New     bool                 `json:"new,omitempty"`  // the context did not exist at the mark
	Gone    bool                 `json:"gone,omitempty"` // the context no longer exists
}

// ReloadDiff is the answer to the "since" view: every context's diff from
// the last "mark" to now, in context order.
type ReloadDiff struct {
	Marked   bool          `json:"marked"` // false: no mark was taken (nothing to compare)
	Contexts []ContextDiff `json:"contexts"`
}

// markView ("mark") snapshots every context's globals as the "before" of a
// reload. The snapshots compare functions by code, not identity: a reload
// re-creates every function, and only the ones whose code changed count.
func (s *Session) markView() Result {
	m := markSnaps{}
	for _, c := range s.model.Contexts() {
		sn, err := s.snapOf(c)
		if err != nil {
			continue // ErrClosed: unloaded since it was listed: nothing to mark
		}
		m[c.Name] = sn
	}
	s.rmu.Lock()
	s.mark_ = m
	s.rmu.Unlock()
	return Result{OK: true}
}

// sinceView ("since") diffs every context's globals now against the last
// mark.
func (s *Session) sinceView() Result {
	s.rmu.Lock()
	marks := s.mark_
	s.rmu.Unlock()
	out := ReloadDiff{Marked: marks != nil, Contexts: []ContextDiff{}}
	if marks == nil {
		return Result{OK: true, ReloadDiff: &out}
	}
	seen := map[string]bool{}
	for _, c := range s.model.Contexts() {
		now, err := s.snapOf(c)
		if err != nil {
			continue // ErrClosed: unloaded since it was listed: said gone below
		}
		seen[c.Name] = true
		before, ok := marks[c.Name]
		if !ok {
			before = inspector.Snap{}
		}
		out.Contexts = append(out.Contexts, ContextDiff{Context: c.Name, Diff: inspector.Diff(before, now), New: !ok})
	}
	var gone []string
	for name := range marks {
		if !seen[name] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		out.Contexts = append(out.Contexts, ContextDiff{Context: name, Diff: inspector.Diff(marks[name], inspector.Snap{}), Gone: true})
	}
	return Result{OK: true, ReloadDiff: &out}
}

// markSnaps are the "mark" view's snapshots by context name.
type markSnaps = map[string]inspector.Snap
