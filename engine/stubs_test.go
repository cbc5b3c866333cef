package engine

import (
	"reflect"
	"strings"
	"testing"
)

// runResult runs src as Lua/a.lua in a fresh context of the given mode and
// returns tostring(result), the run and the context.
func runResult(t *testing.T, mode, src string) (string, FileRun, *Context) {
	t.Helper()
	g := newTestGame(t, map[string]string{"Lua/a.lua": src}, Options{Mode: mode})
	c := newTestContext(t, g)
	runs := run(t, c, "Lua/a.lua")
	var got string
	c.Do(func(o *Lua) { L := o.L; got = o.tostring(L, o.GetGlobal("result")) })
	return got, runs[0], c
}

// TestStandInsWhereValuesFlow: a value of an undefined engine name is a
// stand-in wherever it flows, and every builtin takes it with a neutral
// meaning (docs/stubs.md).
func TestStandInsWhereValuesFlow(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"local X = X of an engine global", "local GetMapSize = GetMapSize\nresult = tostring(GetMapSize)", "stub:GetMapSize"},
		{"an upvalue holding a stand-in is called", "local GetTime = GetTime\nlocal function now() return GetTime() end\nresult = tostring(now())", "stub:GetTime()"},
		{"a stand-in passed to a function", "local function id(x) return x end\nresult = tostring(id(UIL))", "stub:UIL"},
		{"a stand-in returned", "local function get() return terrain end\nresult = tostring(get())", "stub:terrain"},
		{"a stand-in stored in a table", "local t = {f = DoneObject}\nresult = tostring(t.f)", "stub:DoneObject"},
		{"a stand-in stored in a global", "Saved = PlaySound\nresult = tostring(Saved)", "stub:PlaySound"},
		{"the same name is the same stand-in", "local a, b = UIL, UIL\nresult = tostring(a == b)", "true"},
		{"a const field", "const = {}\nresult = tostring(const.MaxColonists * 2)", "stub:const.MaxColonists"},
		{"a const field in a local", "const = {}\nlocal m = const.MaxColonists\nresult = tostring(m)", "stub:const.MaxColonists"},
		{"a config field", "config = {}\nlocal n = config.MaxObjects\nresult = tostring(n)", "stub:config.MaxObjects"},
		{"# of a stand-in is 0", "local objs = GetObjects()\nresult = #objs", "0"},
		{"pairs over a stand-in in a local iterates nothing", "local l = Cities\nlocal n = 0\nfor _ in pairs(l) do n = n + 1 end\nresult = n", "0"},
		{"ipairs over a stand-in in a local iterates nothing", "local l = Cities\nlocal n = 0\nfor _ in ipairs(l) do n = n + 1 end\nresult = n", "0"},
		{"next of a stand-in is nil", "local l = MapObjects\nresult = tostring(next(l))", "nil"},
		{"arithmetic gives a stand-in", "local s = GetScale()\nresult = tostring(s * 2 + 1)", "stub:GetScale()"},
		{"concatenation gives a stand-in", "local n = GetName()\nresult = tostring('x' .. n)", "stub:GetName()"},
		{"math.floor of a stand-in is a stand-in", "local floor = math.floor\nlocal h = GetHeight()\nresult = tostring(floor(h / 2))", "stub:GetHeight()"},
		{"string.format takes stand-ins", "result = string.format('%d objects, %s', GetCount(), GetName())", "0 objects, stub:GetName()"},
		{"string.len of a stand-in is 0", "local s = GetText()\nresult = string.len(s)", "0"},
		{"table.insert into a stand-in", "local l = g_Units\ntable.insert(l, 1)\ntable.insert(l, 2)\nresult = #l", "0"},
		{"table.remove from a stand-in", "local l = g_Units\nresult = tostring(table.remove(l))", "nil"},
		{"table.concat of a stand-in", "local l = g_Units\nresult = '[' .. table.concat(l, ',') .. ']'", "[]"},
		{"table.concat of a list holding a stand-in", "result = table.concat({'a', GetName()}, ',')", "a,stub:GetName()"},
		{"unpack of a stand-in gives nothing", "local l = g_Units\nresult = select('#', unpack(l))", "0"},
		{"rawget on a stand-in is nil", "local l = g_Units\nresult = tostring(rawget(l, 1))", "nil"},
		{"order comparisons with a stand-in do not raise", "local t = {v = GetHeight()}\nresult = tostring(t.v < 5) .. tostring(t.v >= 0) .. tostring(5 <= t.v)", "truetruefalse"},
		{"comparing a stand-in with a string does not raise", "local t = {v = GetName()}\nresult = tostring(t.v < 'a')", "false"},
		{"equality with a stand-in is false", "local v = UIL\nresult = tostring(v == 1)", "false"},
		{"setmetatable with an engine metatable keeps the table", "local t = setmetatable({}, weak_values_meta)\nresult = type(t)", "table"},
		{"a stand-in as a table key", "local t = {}\nt[UIL] = 1\nresult = t[UIL]", "1"},
		{"a for limited by a const stand-in runs zero times", "const = {}\nlocal n = 0\nfor i = 1, const.MaxColorizationMaterials do n = n + 1 end\nresult = n", "0"},
		{"a for limited by a stand-in in a local runs zero times", "local m = MaxPlayers\nlocal n = 0\nfor i = 1, m do n = n + 1 end\nresult = n", "0"},
		{"a for starting at a stand-in runs zero times", "local n = 0\nfor i = GetFirst(), 10 do n = n + 1 end\nresult = n", "0"},
		{"a for stepping by a stand-in runs zero times", "local n = 0\nfor i = 10, 1, GetStep() do n = n + 1 end\nresult = n", "0"},
		{"a for over # of a stand-in runs zero times", "local l = g_Units\nlocal n = 0\nfor i = 1, #l do n = n + 1 end\nresult = n", "0"},
		{"a call result compared with a string, then used", "local name = format_value(print)\nif name == \"[C](-1)\" then result = 'c' else result = tostring(name:reverse()) end", "stub:format_value().reverse()"},
		{"a global compared with a number, then used", "local v = EngineVersion\nif v == 3 then result = 'three' else result = tostring(v) end", "stub:EngineVersion"},
		{"a call gives as many stand-ins as the code takes", "local x, y = GetMapSize()\nresult = tostring(x) .. ',' .. tostring(y * 2)", "stub:GetMapSize(),stub:GetMapSize()"},
		{"a method call gives as many stand-ins as the code takes", "local size = UIL.GetScreenSize()\nlocal w, h = size:xy()\nresult = tostring(1000 * h)", "stub:UIL.GetScreenSize().xy()"},
		{"a Lua helper's # of a stand-in is 0", "function icopy(t) local o = {} for i = 1, #t do o[i] = t[i] end return o end\nresult = #icopy(UnitList)", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fr, _ := runResult(t, ModeStubs, tc.src)
			if !fr.OK {
				t.Fatalf("run: %s", fr.Error)
			}
			if got != tc.want {
				t.Errorf("result = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestNilTestsSeeWhatTheGameWould: a read that is only tested sees nil, as
// the game sees for a name nobody defines.
func TestNilTestsSeeWhatTheGameWould(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"if X then", "if OptionalMod then result = 'set' else result = 'nil' end", "nil"},
		{"X == nil", "result = tostring(OptionalMod == nil)", "true"},
		{"X ~= nil", "result = tostring(OptionalMod ~= nil)", "false"},
		{"rawget(_G, X)", "result = tostring(rawget(_G, 'OptionalMod'))", "nil"},
		{"X or default", "MyTable = MyTable or {}\nresult = type(MyTable)", "table"},
		{"local X = X or default", "local t = MyTable or {}\nresult = type(t)", "table"},
		{"not X", "result = tostring(not OptionalMod)", "true"},
		{"X and X.y", "result = tostring(OptionalMod and OptionalMod.y)", "nil"},
		{"a tested call result", "if IsValidEntity('x') then result = 'yes' else result = 'no' end", "no"},
		{"a tested field of a stand-in", "if Platform.console then result = 'console' else result = 'pc' end", "pc"},
		{"a tested const field", "const = {}\nif const.DebugThing then result = 'set' else result = 'nil' end", "nil"},
		{"compared with a string, then tested", "local v = OptionalMod\nif v == 'x' then v = 1 end\nif v then result = 'set' else result = 'nil' end", "nil"},
		{"a tested second result is nil", "local ok, err = TryThing()\nif err then result = 'error' else result = 'none' end", "none"},
		{"compared with a string only", "if OptionalMod == 'x' then result = 'x' else result = 'other' end", "other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fr, c := runResult(t, ModeStubs, tc.src)
			if !fr.OK {
				t.Fatalf("run: %s", fr.Error)
			}
			if got != tc.want {
				t.Errorf("result = %q, want %q", got, tc.want)
			}
			var stubs []StubRecord
			c.Do(func(o *Lua) { stubs = o.stubList() })
			for _, s := range stubs {
				if s.Name == "OptionalMod" || s.Name == "MyTable" {
					t.Errorf("a tested name became a stand-in: %+v", s)
				}
			}
		})
	}
}

// TestStandInsAreSealed: a stand-in's metatable can be neither read nor
// replaced from Lua.
func TestStandInsAreSealed(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"getmetatable gives an empty decoy", "local n = 0\nfor _ in pairs(getmetatable(UIL)) do n = n + 1 end\nresult = type(getmetatable(UIL)) .. n", "table0"},
		{"writing the decoy changes nothing", "getmetatable(UIL).__index = function() return 42 end\nresult = tostring(UIL.x)", "stub:UIL.x"},
		{"setmetatable on a stand-in changes nothing", "setmetatable(UIL, {__index = function() return 42 end})\nresult = tostring(UIL.x)", "stub:UIL.x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fr, _ := runResult(t, ModeStubs, tc.src)
			if !fr.OK {
				t.Fatalf("run: %s", fr.Error)
			}
			if got != tc.want {
				t.Errorf("result = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStrictModeHasNoStandIns: strict mode is unchanged: every undefined
// name is an error.
func TestStrictModeHasNoStandIns(t *testing.T) {
	for name, src := range map[string]string{
		"local X = X":   "local GetMapSize = GetMapSize\nGetMapSize()",
		"a const field": "const = {}\nlocal x = const.Foo * 2",
		"# of a call":   "local n = #GetObjects()",
		"a comparison":  "local ok = GetHeight() < 5",
	} {
		t.Run(name, func(t *testing.T) {
			_, fr, c := runResult(t, ModeStrict, src)
			if fr.OK {
				t.Errorf("%q ran in strict mode", src)
			}
			var stubs []StubRecord
			c.Do(func(o *Lua) { stubs = o.stubList() })
			if len(stubs) != 0 {
				t.Errorf("strict mode made stand-ins: %+v", stubs)
			}
		})
	}
}

// TestStandInsRecordReadsCallsAndWrites counts reads and calls apart.
func TestStandInsRecordReadsCallsAndWrites(t *testing.T) {
	src := "local f = GetMapSize\nf()\nf()\nlocal l = g_Units\ntable.insert(l, 1)\nl.x = 2\nlocal s = GetMapSize().x\n"
	_, fr, c := runResult(t, ModeStubs, src)
	if !fr.OK {
		t.Fatalf("run: %s", fr.Error)
	}
	var stubs []StubRecord
	c.Do(func(o *Lua) { stubs = o.stubList() })
	by := map[string]StubRecord{}
	for _, s := range stubs {
		by[s.Name] = s
	}
	if s := by["GetMapSize"]; s.Reads != 2 || s.Calls != 3 || s.Kind != StubGlobal || s.First != "Lua/a.lua:1" {
		t.Errorf("GetMapSize: %+v", s)
	}
	if s := by["g_Units"]; s.Reads != 1 || s.Writes != 2 {
		t.Errorf("g_Units: %+v", s)
	}
	if s := by["GetMapSize().x"]; s.Reads != 1 || s.Kind != StubGlobal {
		t.Errorf("GetMapSize().x: %+v (all %+v)", s, stubs)
	}
}

// TestNestStubs: call results nest under their function, and paths only
// walked through are left out.
func TestNestStubs(t *testing.T) {
	flat := []StubRecord{
		{Name: "terrain", Reads: 2, Kind: StubGlobal},
		{Name: "terrain.GetHeight", Reads: 2, Calls: 2, Kind: StubGlobal},
		{Name: "terrain.GetHeight()", Reads: 0, Kind: StubGlobal},
		{Name: "terrain.GetHeight().x", Reads: 1, Kind: StubGlobal},
		{Name: "UIL", Reads: 1, Kind: StubGlobal},
		{Name: "CObject", Reads: 3, Kind: StubClass, Classes: []string{"A", "B", "C"}},
		{Name: "GetObjects().n", Reads: 1, Kind: StubGlobal},
	}
	got := NestStubs(flat)
	want := []StubRecord{
		{Name: "CObject", Reads: 3, Kind: StubClass, Classes: []string{"A", "B", "C"}},
		{Name: "GetObjects", Kind: StubGlobal, Results: []StubRecord{{Name: "GetObjects().n", Reads: 1, Kind: StubGlobal}}},
		{Name: "UIL", Reads: 1, Kind: StubGlobal},
		{Name: "terrain.GetHeight", Reads: 2, Calls: 2, Kind: StubGlobal, Results: []StubRecord{{Name: "terrain.GetHeight().x", Reads: 1, Kind: StubGlobal}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NestStubs:\n got %+v\nwant %+v", got, want)
	}
}

// TestRootCauses: every error has an ID and a cause; an error that follows
// from a failed file, a repeated error or a stand-in names it.
func TestRootCauses(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		order []string
		// want: cause of each error in order ("root", "#N" for the ID of
		// error N (1-based), or "stub:NAME")
		want []string
		msg  string // a substring of the last error
	}{
		{
			name: "a name the failed file would have defined",
			files: map[string]string{
				"Lua/a.lua": "local t = nil\nt.x = 1\nfunction Helper() end\n",
				"Lua/b.lua": "Helper()\n",
			},
			order: []string{"Lua/a.lua", "Lua/b.lua"},
			want:  []string{"root", "#1"},
		},
		{
			name: "a field path the failed file would have defined",
			files: map[string]string{
				"Lua/a.lua": "Lib = {}\nerror('boom')\nfunction Lib.Do() end\n",
				"Lua/b.lua": "local x = 1\nLib.Do()\n",
			},
			order: []string{"Lua/a.lua", "Lua/b.lua"},
			want:  []string{"root", "#1"},
		},
		{
			name: "a class the failed file would have declared",
			files: map[string]string{
				"Lua/a.lua": "error('early')\nDefineClass.Base = {}\n",
				"Lua/b.lua": "local x = Base.prop\n",
			},
			order: []string{"Lua/a.lua", "Lua/b.lua"},
			want:  []string{"root", "#1"},
		},
		{
			name: "the same error again",
			files: map[string]string{
				"Lua/a.lua": "local t = nil\nlocal y = t.x\n",
			},
			order: []string{"Lua/a.lua", "Lua/a.lua", "Lua/a.lua"},
			want:  []string{"root", "#1", "#1"},
		},
		{
			name: "an error about a stand-in",
			files: map[string]string{
				"Lua/a.lua": "local th = GetThread()\ncoroutine.status(th)\n",
			},
			order: []string{"Lua/a.lua"},
			want:  []string{"stub:GetThread"},
			msg:   "userdata",
		},
		{
			name: "independent errors are roots",
			files: map[string]string{
				"Lua/a.lua": "error('one')\n",
				"Lua/b.lua": "error('two')\n",
			},
			order: []string{"Lua/a.lua", "Lua/b.lua"},
			want:  []string{"root", "root"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGame(t, tc.files, Options{Mode: ModeStubs})
			c := newTestContext(t, g)
			run(t, c, tc.order...)
			var errs []ErrorRecord
			var stubs []StubRecord
			c.Do(func(o *Lua) { errs = o.Errors(); stubs = o.stubList() })
			if len(errs) != len(tc.want) {
				t.Fatalf("%d errors, want %d: %+v", len(errs), len(tc.want), errs)
			}
			ids := map[string]bool{}
			for i, e := range errs {
				if e.ID == "" || ids[e.ID] {
					t.Errorf("error %d has ID %q (not unique)", i+1, e.ID)
				}
				ids[e.ID] = true
				want := tc.want[i]
				if strings.HasPrefix(want, "#") {
					n := int(want[1] - '0')
					want = errs[n-1].ID
				}
				if e.Cause != want {
					t.Errorf("error %d (%s:%d %s): cause %q, want %q", i+1, e.File, e.Line, e.Message, e.Cause, want)
				}
			}
			if tc.msg != "" && !strings.Contains(errs[len(errs)-1].Message, tc.msg) {
				t.Errorf("last error %q, want %q in it", errs[len(errs)-1].Message, tc.msg)
			}
			for _, s := range stubs {
				if s.Name == "Helper" || s.Name == "Lib" || s.Name == "Base" {
					t.Errorf("a name the folder defines became an engine stand-in: %+v", s)
				}
			}
		})
	}
}

// TestStaticDefs lists what a file visibly defines.
func TestStaticDefs(t *testing.T) {
	src := "-- comment\nlocal x = 1\nfunction A() end\nB = 2\nC.d = 3\nDefineClass.E = {}\nDefineClass(\"F\", \"E\")\n\tfunction G.h(self) end\n\tI = 4\nif x == 1 then end\nfunction J:k() end\nGlobalVar(\"K\", {})\n"
	got := staticDefs([]byte(src))
	want := map[string]int{"A": 3, "B": 4, "C.d": 5, "E": 6, "F": 7, "G.h": 8, "J.k": 11, "K": 12}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("staticDefs = %v, want %v", got, want)
	}
}
