package inspector

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// benchState returns a state with 50,000 extra globals of mixed types
// (numbers, strings, closures, small tables) and Big, a 100,000-entry
// string-keyed table.
func benchState(b *testing.B) *lua.LState {
	b.Helper()
	L := lua.NewState()
	b.Cleanup(L.Close)
	if err := L.DoString(`
		for i = 1, 50000 do
			local r = i % 5
			local name = (i % 3 == 0 and "Name" or "name") .. i
			if r == 0 then _G[name] = i
			elseif r == 1 then _G[name] = "value " .. i
			elseif r == 2 then _G[name] = function() return i end
			elseif r == 3 then _G[name] = { a = i, b = "x", c = {}, i, i + 1 }
			else _G[name] = i * 0.5 end
		end
		Big = {}
		for i = 1, 100000 do Big["Key" .. i] = i end
	`); err != nil {
		b.Fatal(err)
	}
	return L
}

func BenchmarkSnapshot50kGlobals(b *testing.B) {
	L := benchState(b)
	for _, id := range []bool{false, true} {
		name := "structural"
		if id {
			name = "identity"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Snapshot(L.G.Global, SnapOptions{Identity: id})
			}
		})
	}
}

func BenchmarkFirstPage100k(b *testing.B) {
	L := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		ResetCache()
		if _, err := Page(L.G.Global, Path{"Big"}, 0, 100); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFirstPage50kGlobals(b *testing.B) {
	L := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		ResetCache()
		if _, err := Page(L.G.Global, nil, 0, 100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeepPage100kCold is a page in the middle of Big with an empty
// cache: a full sort.
func BenchmarkDeepPage100kCold(b *testing.B) {
	L := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		ResetCache()
		if _, err := Page(L.G.Global, Path{"Big"}, 50000, 100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeepPage100kCached pages through Big with the order cached.
func BenchmarkDeepPage100kCached(b *testing.B) {
	L := benchState(b)
	ResetCache()
	Page(L.G.Global, Path{"Big"}, 100, 100)
	b.ReportAllocs()
	off := 0
	for b.Loop() {
		off = (off + 100) % 100000
		if _, err := Page(L.G.Global, Path{"Big"}, off, 100); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDiff50k(b *testing.B) {
	L := benchState(b)
	before := Snapshot(L.G.Global, SnapOptions{})
	if err := L.DoString(`
		for i = 1, 50000, 100 do
			local name = (i % 3 == 0 and "Name" or "name") .. i
			_G[name] = nil
			_G["added" .. i] = i
			_G["name" .. (i + 1)] = "changed"
		end
		Big.Key1 = "changed"
	`); err != nil {
		b.Fatal(err)
	}
	after := Snapshot(L.G.Global, SnapOptions{})
	b.ReportAllocs()
	var d DiffResult
	for b.Loop() {
		d = Diff(before, after)
	}
	b.ReportMetric(float64(len(d.Added)+len(d.Removed)+len(d.Changed)), "diffs")
}

func BenchmarkSearch50k(b *testing.B) {
	L := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		ResetCache()
		Search(L.G.Global, "key9999", SearchOptions{Names: true, MaxDepth: 2, Limit: 50})
	}
}

// BenchmarkSortAll100k is the full sort behind a cold deep page.
func BenchmarkSortAll100k(b *testing.B) {
	L := benchState(b)
	big := L.GetGlobal("Big").(*lua.LTable)
	b.ReportAllocs()
	for b.Loop() {
		sortedKeys(big, 100000)
	}
}
