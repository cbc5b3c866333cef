package autorun_test

import (
	"path/filepath"
	"testing"

	"modscope/engine"
	"modscope/internal/gengame"
)

// BenchmarkConflicts measures the conflict recorder (docs/conflicts.md) on
// the generated `conflicts` tree: 111 mods that wrap and replace the same
// game methods. "load" is the first load with the recorder off,
// "load+conflicts" the same load recording plus the report; their
// difference is what the recorder costs (the target: under a second).
// "report" builds the report alone on a loaded tree.
func BenchmarkConflicts(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "conflicts")
	if _, err := gengame.Generate(dir, "conflicts", 1); err != nil {
		b.Fatal(err)
	}
	load := func(b *testing.B, record, report bool) {
		engine.RecordConflicts = record
		defer func() { engine.RecordConflicts = true }()
		for b.Loop() {
			s, err := engine.Open(dir, engine.Options{})
			if err != nil {
				b.Fatal(err)
			}
			s.Do(engine.Command{Op: "run"})
			if report {
				r := s.Do(engine.Command{Op: "conflicts"})
				if rep := r.Conflicts; rep == nil || len(rep.Conflicts) == 0 {
					b.Fatalf("no conflicts: %+v", r)
				}
			}
			s.Close()
		}
	}
	b.Run("load", func(b *testing.B) { load(b, false, false) })
	b.Run("load+conflicts", func(b *testing.B) { load(b, true, true) })
	b.Run("report", func(b *testing.B) {
		s, err := engine.Open(dir, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		s.Do(engine.Command{Op: "run"})
		for b.Loop() {
			if r := s.Do(engine.Command{Op: "conflicts"}); !r.OK {
				b.Fatal(r.Error)
			}
		}
	})
}
