package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"modscope/engine"
)

// rootCauseReport is a stub-mode report as a real tree gives one: a failed
// file with errors that follow from it (one through another), a repeated
// error, an error about a stand-in, an independent root, and stand-ins
// with call results and parent classes.
func rootCauseReport() engine.Report {
	e := func(id, cause, file string, line int, msg string) engine.ErrorRecord {
		return engine.ErrorRecord{Context: "main", Step: "Game Lua", File: file, Line: line, Message: msg, ID: id, Cause: cause}
	}
	return engine.Report{
		Model: "autorun", Folder: "<folder>", Mode: "stubs",
		Steps:    []engine.StepReport{{Name: "Game Lua", Kind: "step", Errors: 7}},
		Contexts: []engine.ContextInfo{{Name: "main", State: "active", Globals: 10}},
		Files:    engine.FileCounts{OK: 3, Failed: 2},
		Errors: []engine.ErrorRecord{
			e("main#1", "root", "Lua/Foo.lua", 12, "attempt to index a non-table object(nil) with key 'volume'"),
			e("main#2", "main#1", "Lua/Bar.lua", 3, "attempt to call a non-function object"),
			e("main#3", "main#2", "Lua/Bar.lua", 3, "attempt to call a non-function object"),
			e("main#4", "main#1", "Lua/Baz.lua", 7, "class Radio: parent class Jingle is not defined"),
			e("main#5", "root", "Mods/M/Code/Script.lua", 40, "cannot perform div operation between nil and number"),
			e("main#6", "stub:GetThread", "Lua/T.lua", 2, "bad argument #1 to status (coroutine expected, got userdata)"),
			e("main#7", "main#1", "Lua/Qux.lua", 9, "attempt to call a non-function object"),
			e("main#8", "main#5", "Mods/M/Code/Script.lua", 40, "cannot perform div operation between nil and number"),
			{Context: "main", File: "Lua/Old.lua", Line: 1, Message: "a record without a cause (an older child process)"},
		},
		Stubs: []engine.StubRecord{
			{Name: "CObject", Kind: engine.StubClass, Reads: 2, First: "Lua/Classes.lua:2", Classes: []string{"Building", "Dome"}},
			{Name: "GetMapSize", Kind: engine.StubGlobal, Reads: 1, Calls: 4, First: "Lua/Map.lua:1", Results: []engine.StubRecord{
				{Name: "GetMapSize().x", Reads: 3}, {Name: "GetMapSize().y", Reads: 1},
			}},
			{Name: "const.UnitSpeed", Kind: engine.StubConst, Reads: 1, First: "Lua/Units.lua:5"},
			{Name: "g_Units", Kind: engine.StubGlobal, Reads: 1, Writes: 2, First: "Lua/Units.lua:9"},
		},
	}
}

// TestRootCauseTextGolden pins the text report's root-cause grouping and
// its stand-in list (go test ./cli -run RootCauseTextGolden -update).
func TestRootCauseTextGolden(t *testing.T) {
	var b strings.Builder
	WriteText(&b, rootCauseReport())
	got := b.String()
	if !strings.HasPrefix(strings.SplitN(got, "\n", 3)[1], "4 root errors (9 errors in all") {
		t.Errorf("the number of root errors is not printed first:\n%s", got)
	}
	if trailingBlank.MatchString(got) {
		t.Errorf("trailing blanks:\n%q", got)
	}
	checkGolden(t, filepath.Join("testdata", "golden", "rootcauses.txt"), got)
}

func TestGroupErrors(t *testing.T) {
	groups := groupErrors(rootCauseReport().Errors)
	var got []string
	for _, g := range groups {
		head := g.cause
		if g.root != nil {
			head = g.root.ID
			if head == "" {
				head = g.root.File
			}
		}
		var ids []string
		for _, f := range g.follows {
			ids = append(ids, f.ID)
		}
		got = append(got, head+"<-"+strings.Join(ids, ","))
	}
	want := []string{"main#1<-main#2,main#3,main#4,main#7", "main#5<-main#8", "Lua/Old.lua<-", "stub:GetThread<-main#6"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("groups %v, want %v", got, want)
	}
	// a cycle of causes (bad input) ends, each error counted once
	cyc := []engine.ErrorRecord{{ID: "a", Cause: "b"}, {ID: "b", Cause: "a"}}
	n := 0
	for _, g := range groupErrors(cyc) {
		n += len(g.follows)
		if g.root != nil {
			n++
		}
	}
	if n != 2 {
		t.Errorf("a cycle of causes counted %d errors, want 2", n)
	}
}
