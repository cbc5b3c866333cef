package autorun_test

import (
	"testing"

	"modscope/engine"
)

// classBuildGame declares the classes of TestClassBuildRules; a
// ClassesBuilt handler patches cached and uncached classes after the build.
const classBuildGame = `
-- multiple inheritance
DefineClass.A = { f = "A", g = "A" }
DefineClass.B = { __parents = {"A"}, f = "B" }
DefineClass.C = { __parents = {"A", "B"} }
DefineClass.COwn = { __parents = {"A", "B"}, f = "own" }
DefineClass.X = { u = "X" }
DefineClass.Y = { u = "Y", v = "Y" }
DefineClass.XY = { __parents = {"X", "Y"} }
-- a diamond
DefineClass.Base = { f = "base", g = "base", h = "base" }
DefineClass.Left = { __parents = {"Base"}, f = "left" }
DefineClass.Right = { __parents = {"Base"}, g = "right" }
DefineClass.Diamond = { __parents = {"Left", "Right"} }
DefineClass.LeftBase = { __parents = {"Left", "Base"} }
DefineClass.T1 = { __parents = {"Base"}, g = "t1" }
DefineClass.T2 = { __parents = {"T1"} }
DefineClass.LeftT2 = { __parents = {"Left", "T2"} }
-- __hierarchy_cache
DefineClass.HRoot = { r = "root" }
DefineClass.H = { __parents = {"HRoot"}, __hierarchy_cache = true, x = "H", late = false }
DefineClass.K = { __parents = {"H"}, k = "K" }
DefineClass.KK = { __parents = {"K"} }
DefineClass.Other = { o = "other" }
DefineClass.M = { __parents = {"K", "Other"} }
DefineClass.P = { p = "P" }
DefineClass.Q = { __parents = {"P"} }
-- a class's own __index
DefineClass.Dyn = { __index = function(t, k) return "dyn " .. tostring(k) end }
DefineClass.DynChild = { __parents = {"Dyn"} }

function OnMsg.ClassesBuilt()
	H.late = "patched"
	P.late = "patched"
end
`

// TestClassBuildRules checks the class build against the engine's rules
// (CommonLua/Core/classes.lua of the JA3 modding repository; the line
// numbers are in each case's comment and in docs/autorun.md).
func TestClassBuildRules(t *testing.T) {
	for _, mode := range []string{engine.ModeStrict, engine.ModeStubs} {
		s := open(t, writeGame(t, map[string]string{"Lua/classes.lua": classBuildGame}), engine.Options{Mode: mode})
		do(t, s, "run")
		if errs := errorsOf(s.Report()); len(errs) != 0 {
			t.Fatalf("mode %s: errors %v", mode, errs)
		}
		for _, c := range []struct {
			name, expr, want string
		}{
			// classes.lua:488-490: a later parent overrides a member whose
			// source is one of that parent's ancestors
			{"later parent overrides its ancestor's member", `C.f`, "B"},
			{"a member only the first parent's line has", `C.g`, "A"},
			// classes.lua:487: the class's own members stay
			{"own member stays", `COwn.f`, "own"},
			// classes.lua:494-497: unrelated parents: the first keeps it (the engine asserts)
			{"unrelated parents: the first wins", `XY.u`, "X"},
			{"unrelated parents: the second fills the gaps", `XY.v`, "Y"},
			// a diamond: each side's override wins over the shared base (classes.lua:488-490)
			{"diamond: left's override", `Diamond.f`, "left"},
			{"diamond: right's override", `Diamond.g`, "right"},
			{"diamond: the base's own", `Diamond.h`, "base"},
			{"diamond: ancestors", `tostring(IsKindOf(Diamond, "Base") and IsKindOf(Diamond, "Right"))`, "true"},
			// classes.lua:488-490 through a line of one-parent classes: the
			// nearest source (T1) counts, the shared base's override (Left) stays
			{"through a line of simple classes", `LeftT2.g .. " " .. LeftT2.f .. " " .. LeftT2.h`, "t1 left base"},
			// classes.lua:478: a parent already an ancestor is passed by
			{"parent already an ancestor", `LeftBase.f`, "left"},
			// classes.lua:574-583: the child of a cached class has it as its metatable
			{"cached parent: metatable", `tostring(getmetatable(K) == H)`, "true"},
			{"cached parent: members not copied", `tostring(rawget(K, "x")) .. " " .. tostring(rawget(K, "r"))`, "nil nil"},
			{"cached parent: members read through it", `K.x .. " " .. K.r .. " " .. K.k`, "H root K"},
			// classes.lua:538-559: a complex class skips the members a cached
			// ancestor (or its ancestors) supplies and reads them through it
			{"complex under a cache: metatable", `tostring(getmetatable(M) == H)`, "true"},
			{"complex under a cache: copies", `tostring(rawget(M, "x")) .. " " .. tostring(rawget(M, "k")) .. " " .. tostring(rawget(M, "o"))`, "nil K other"},
			// classes.lua:580: a grandchild takes its parent's metatable
			{"grandchild of a cached class", `tostring(getmetatable(KK) == H) .. " " .. KK.x`, "true H"},
			// classes.lua:11-13: the flag is never copied onto a class table
			{"flag not on class tables", `tostring(rawget(H, "__hierarchy_cache")) .. " " .. tostring(K.__hierarchy_cache)`, "nil nil"},
			// classes.lua:556: the cached class itself copies everything
			{"cached class copies its parents", `tostring(rawget(H, "r")) .. " " .. tostring(getmetatable(H) == nil or getmetatable(H) ~= HRoot)`, "root true"},
			// a cached class patched after ClassesBuilt: its children see it, copies do not
			{"cached class patched after the build", `K.late .. " " .. KK.late .. " " .. M.late .. " " .. K:new().late`, "patched patched patched patched"},
			{"uncached class patched after the build", `tostring(Q.late)`, "nil"},
			// classes.lua:604: a class's own __index is kept
			{"own __index kept", `tostring(Dyn.__index ~= Dyn) .. " " .. Dyn:new().anything`, "true dyn anything"},
			{"__index not inherited", `tostring(DynChild.__index == DynChild)`, "true"},
			{"default __index", `tostring(A.__index == A)`, "true"},
		} {
			if got := eval(t, s, "return "+c.expr); got != c.want {
				t.Errorf("mode %s: %s: %s = %q, want %q", mode, c.name, c.expr, got, c.want)
			}
		}
	}
}
