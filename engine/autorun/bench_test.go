package autorun_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"

	"modscope/engine"
	"modscope/engine/autorun"
	"modscope/internal/gengame"
)

// benchTree generates the `shipped` tree (1,136 files) once per benchmark.
func benchTree(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "shipped")
	if _, err := gengame.Generate(dir, "shipped", 1); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkColdLoadShipped: a first load of the generated 1,136-file tree in
// stub mode, with no disk compile cache (parsing and compiling on every
// core while the steps run).
func BenchmarkColdLoadShipped(b *testing.B) {
	dir := benchTree(b)
	b.Setenv(engine.CacheEnv, "off")
	b.ResetTimer()
	for b.Loop() {
		s, err := engine.Open(dir, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Do(engine.Command{Op: "run"})
		s.Close()
	}
}

// BenchmarkReloadAfterEditShipped: ReloadLua after editing one file of the
// loaded tree (the compile cache re-parses only that file).
func BenchmarkReloadAfterEditShipped(b *testing.B) {
	dir := benchTree(b)
	b.Setenv(engine.CacheEnv, "off")
	s, err := engine.Open(dir, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Do(engine.Command{Op: "run"})
	edit := filepath.Join(dir, "CommonLua", "Classes")
	entries, err := os.ReadDir(edit)
	if err != nil || len(entries) == 0 {
		b.Fatalf("no class file to edit: %v", err)
	}
	file := filepath.Join(edit, entries[0].Name())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.WriteString("\n-- edit\n"); err != nil {
			b.Fatal(err)
		}
		f.Close()
		s.Do(engine.Command{Op: "reload"})
	}
}

// BenchmarkStepDiffShipped: what the window does after a step of the big
// tree: snapshot main's globals (about 4,000 top-level entries) and diff
// them with the snapshot before the step.
func BenchmarkStepDiffShipped(b *testing.B) {
	dir := benchTree(b)
	s, err := engine.Open(dir, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.TrackDiffs(true)
	s.Do(engine.Command{Op: "until", Args: []any{"Mod Lua"}})
	s.Do(engine.Command{Op: "step"}) // Post load: classes built, messages sent
	b.ResetTimer()
	for b.Loop() {
		r := s.Do(engine.Command{Op: "diff", Args: []any{"main"}})
		if !r.OK {
			b.Fatal(r.Error)
		}
		s.Do(engine.Command{Op: "eval", Args: []any{"main"}, Code: "local _ = 1"}) // a step's re-snapshot
	}
}

// BenchmarkReopenShipped: what `modscope run` does on a second open of the
// tree after editing one file: a new session reads the folder's disk
// compile cache (one file recompiled), then runs the whole load in stub
// mode and encodes the JSON report, as `modscope run --stubs --json` does in
// its engine child (whose GOGC, remote.EngineGCPercent, it sets).
func BenchmarkReopenShipped(b *testing.B) {
	dir := benchTree(b)
	b.Setenv(engine.CacheEnv, b.TempDir())
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	open := func() {
		s, err := engine.Open(dir, engine.Options{Mode: engine.ModeStubs, KeepReportOnReset: true})
		if err != nil {
			b.Fatal(err)
		}
		s.Do(engine.Command{Op: "run"})
		if err := json.NewEncoder(io.Discard).Encode(s.Report()); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	open() // writes the pack
	file := filepath.Join(dir, "CommonLua", "Classes")
	entries, err := os.ReadDir(file)
	if err != nil || len(entries) == 0 {
		b.Fatalf("no class file to edit: %v", err)
	}
	file = filepath.Join(file, entries[0].Name())
	b.ResetTimer()
	for b.Loop() {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.WriteString("\n-- edit\n"); err != nil {
			b.Fatal(err)
		}
		f.Close()
		open()
	}
}

// BenchmarkClassBuildShipped: step "ClassesPostprocess" alone (the class
// build: members copied down the hierarchy, 900 classes) on the generated
// shipped tree, every step before it run outside the timer. Compare with
// `lua5.1 scripts/lua51/run.lua DIR`'s "ClassesPostprocess" line, which runs
// the same core/classes.lua (BENCHMARKS.md, issue 22).
func BenchmarkClassBuildShipped(b *testing.B) {
	dir := benchTree(b)
	b.Setenv(engine.CacheEnv, b.TempDir())
	for b.Loop() {
		b.StopTimer()
		s, err := engine.Open(dir, engine.Options{Mode: engine.ModeStubs})
		if err != nil {
			b.Fatal(err)
		}
		for _, step := range autorun.FirstLoadSteps {
			if step == autorun.StepClassesPostprocess {
				break
			}
			s.Do(engine.Command{Op: "step"})
		}
		runtime.GC() // the collection of what the load before it left is not the build's
		b.StartTimer()
		s.Do(engine.Command{Op: "step"})
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
