package sectors_test

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

const sample = "../../assets/samples/sectors"

// engineOptions are the LState options engine/context.go uses (keep in step).
var engineOptions = lua.Options{
	SkipOpenLibs:        true,
	CallStackSize:       200,
	RegistrySize:        128,
	RegistryMaxSize:     4 * 1024 * 1024,
	RegistryGrowStep:    256,
	MinimizeStackMemory: true,
}

// openLibs opens the libraries an engine context opens.
func openLibs(L *lua.LState) {
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.OsLibName, lua.OpenOs}, {lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
}

// BenchmarkSectorContexts loads and unloads 1,000 sector contexts of the
// sample per iteration: one player jumps through 1,000 sectors, so every
// jump unloads the sector it leaves and loads a new one (sector.lua of both
// mods, sector_player_removed/added, the enqueued greeting).
func BenchmarkSectorContexts(b *testing.B) {
	s := open(b, sample, engine.Options{})
	mustDo(b, s, "join p1 s0")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := 0; i < 1000; i++ {
			n++
			if r := s.Do(engine.Command{Op: "jump", Args: []any{"p1", fmt.Sprintf("s%d", n)}}); !r.OK {
				b.Fatal(r.Error)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/sector")
}

// BenchmarkCreate times creating (and closing) one state or context.
func BenchmarkCreate(b *testing.B) {
	b.Run("lua.NewState default options", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			lua.NewState().Close()
		}
	})
	b.Run("lua.NewState engine options and libs", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			L := lua.NewState(engineOptions)
			openLibs(L)
			L.Close()
		}
	})
	b.Run("engine context (sandbox, goroutine)", func(b *testing.B) {
		g, err := engine.OpenGame(sample, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close()
		b.ReportAllocs()
		for b.Loop() {
			c, err := g.NewContext("sector:x", engine.ModelSectors, "x")
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
}

// memory returns the live heap and the goroutine stacks in use, after GC.
func memory() (heapBytes, stackBytes int64) {
	var ms runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), int64(ms.StackInuse)
}

// heapProfileEnv names a file for the heap profile of the live sectors
// (BenchmarkLiveMemory/sample_sector_context, with n sectors loaded):
// go tool pprof -sample_index=inuse_space FILE shows where their bytes go.
const heapProfileEnv = "SECTORS_HEAP_PROFILE"

func writeHeapProfile(b *testing.B) {
	name := os.Getenv(heapProfileEnv)
	if name == "" {
		return
	}
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

// report records the heap and stack growth per unit between two readings.
func report(b *testing.B, n int, h0, s0, h1, s1 int64) {
	b.ReportMetric(float64(h1-h0)/float64(n), "heapB/live")
	b.ReportMetric(float64(s1-s0)/float64(n), "stackB/live")
}

// BenchmarkLiveMemory reports the heap held per live state or context with
// 1,000 of them alive (run with -benchtime=1x; the metric is what counts).
func BenchmarkLiveMemory(b *testing.B) {
	const n = 1000
	b.Run("lua.NewState default options", func(b *testing.B) {
		for b.Loop() {
			h0, s0 := memory()
			states := make([]*lua.LState, n)
			for i := range states {
				states[i] = lua.NewState()
			}
			h1, s1 := memory()
			report(b, n, h0, s0, h1, s1)
			for _, L := range states {
				L.Close()
			}
		}
	})
	b.Run("lua.NewState engine options and libs", func(b *testing.B) {
		for b.Loop() {
			h0, s0 := memory()
			states := make([]*lua.LState, n)
			for i := range states {
				states[i] = lua.NewState(engineOptions)
				openLibs(states[i])
			}
			h1, s1 := memory()
			report(b, n, h0, s0, h1, s1)
			for _, L := range states {
				L.Close()
			}
		}
	})
	b.Run("engine context (sandbox, no game code)", func(b *testing.B) {
		g, err := engine.OpenGame(sample, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close()
		for b.Loop() {
			h0, s0 := memory()
			ctxs := make([]*engine.Context, n)
			for i := range ctxs {
				if ctxs[i], err = g.NewContext(fmt.Sprintf("sector:%d", i), engine.ModelSectors, ""); err != nil {
					b.Fatal(err)
				}
			}
			h1, s1 := memory()
			report(b, n, h0, s0, h1, s1)
			for _, c := range ctxs {
				c.Close()
			}
		}
	})
	// The sample's sectors handle sector_player_added, and the one bus
	// delivers every arrival to every live sector (as the game does); the
	// session records the first deliveries of each event one by one and
	// the rest in one record, so its records grow with n, and both metrics
	// include them (live minus retained is the contexts themselves).
	b.Run("sample sector context", func(b *testing.B) {
		if os.Getenv(heapProfileEnv) != "" {
			runtime.MemProfileRate = 512 // every object of a context, not one in 512 KB
		}
		for b.Loop() {
			s := open(b, sample, engine.Options{})
			for i := 0; i < n; i++ { // players join first: only the sectors are measured
				mustDo(b, s, fmt.Sprintf("join p%d", i))
			}
			h0, s0 := memory()
			for i := 0; i < n; i++ {
				mustDo(b, s, fmt.Sprintf("jump p%d s%d", i, i))
			}
			h1, s1 := memory()
			writeHeapProfile(b)
			for i := 0; i < n; i++ {
				mustDo(b, s, fmt.Sprintf("leave p%d", i))
			}
			h2, _ := memory()
			report(b, n, h0, s0, h1, s1)
			// What stays after unloading: the session's records of each
			// load (files, messages, output), not the contexts.
			b.ReportMetric(float64(h2-h0)/n, "heapB/retained")
			s.Close()
		}
	})
}
