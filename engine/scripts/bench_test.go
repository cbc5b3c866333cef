package scripts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"modscope/engine"
)

// bigScene writes a scene of n entities, each with one script, under the
// given policy.
func bigScene(b *testing.B, n int, policy string) string {
	b.Helper()
	dir := b.TempDir()
	var sb strings.Builder
	fmt.Fprintf(&sb, "policy = %q\n", policy)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "[[entity]]\nid = %d\nscripts = [\"scripts/unit.lua\"]\n", i)
	}
	if err := os.MkdirAll(filepath.Join(dir, "scripts"), 0o755); err != nil {
		b.Fatal(err)
	}
	unit := "count = (count or 0) + 1\nfunction on_update(dt) ticks = (ticks or 0) + 1 end\n"
	for _, f := range []struct{ path, text string }{{"scene.toml", sb.String()}, {"scripts/unit.lua", unit}} {
		if err := os.WriteFile(filepath.Join(dir, f.path), []byte(f.text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoadScene opens and runs a scene of n entities: one step per
// entity. Under per_script every entity joins one context (a reload each);
// under per_entity_and_script every entity gets a context of its own. The
// time per entity should not grow with n (ns/entity). MODSCOPE_BENCH_ENTITIES
// adds a size (100000 checks the 100,000-entity target).
func BenchmarkLoadScene(b *testing.B) {
	sizes := []int{1000, 4000}
	if n, err := strconv.Atoi(os.Getenv("MODSCOPE_BENCH_ENTITIES")); err == nil && n > 0 {
		sizes = append(sizes, n)
	}
	for _, policy := range []string{"per_script", "per_entity_and_script"} {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/%d", policy, n), func(b *testing.B) {
				dir := bigScene(b, n, policy)
				for b.Loop() {
					s, err := engine.Open(dir, engine.Options{})
					if err != nil {
						b.Fatal(err)
					}
					if r := s.Do(engine.Command{Op: "run"}); !r.OK {
						b.Fatal(r.Error)
					}
					s.Close()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entity")
			})
		}
	}
}
