package autorun_test

import (
	"fmt"
	"time"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"testing"

	"modscope/engine"
)

// TestPerfTmpHeap: temporary (perf helper), writes a heap profile of a loaded tree.
func TestPerfTmpHeap(t *testing.T) {
	dir := os.Getenv("PERF_DIR")
	out := os.Getenv("PERF_HEAP")
	if dir == "" || out == "" {
		t.Skip()
	}
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	runtime.MemProfileRate = 16 << 10
	s, err := engine.Open(dir, engine.Options{Mode: engine.ModeStubs, KeepReportOnReset: true})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			f, _ := os.Create(fmt.Sprintf("%s.%d", out, i))
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}()
	s.Do(engine.Command{Op: "run"})
	_ = s.Report()
	close(stop)
	{
		f, _ := os.Create(out + ".end")
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap alloc %d MB inuse %d MB, sys %d MB, total alloc %d MB, mallocs %d, numgc %d", ms.HeapAlloc>>20, ms.HeapInuse>>20, ms.Sys>>20, ms.TotalAlloc>>20, ms.Mallocs, ms.NumGC)
	f, _ := os.Create(out)
	pprof.WriteHeapProfile(f)
	f.Close()
	s.Close()
}
