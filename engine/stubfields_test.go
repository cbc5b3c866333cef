package engine

import (
	"testing"
)

func TestStubModeCoversWhatRealGameCodeDoes(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // value of the global result
	}{
		{"missing table library function is a stand-in", "table.append({}, {1}) result = 'ok'", "ok"},
		{"missing string method is a stand-in", "local s = ('x'):trim_spaces() result = 'ok'", "ok"},
		{"tested library field stays nil", "if table.nothing_here then result = 'set' else result = 'nil' end", "nil"},
		{"library field passed on is a stand-in", "result = tostring(table.nothing_here)", "stub:table.nothing_here"},
		{"ipairs over a stand-in iterates nothing", "local n = 0 for _ in ipairs(GetObjects()) do n = n + 1 end result = n", "0"},
		{"pairs over a stand-in iterates nothing", "local n = 0 for _ in pairs(UIL.Windows()) do n = n + 1 end result = n", "0"},
		{"a compared call result is 0", "if terrain.GetHeight(1) > 5 then result = 'high' else result = 'low' end", "low"},
		{"a call result stored then compared is 0", "local h = GetTimeFactor()\nif h >= 0 then result = 'ok' end", "ok"},
		{"length of a call result", "result = #GetObjects()", "0"},
		{"concatenating a call result gives a stand-in", "result = 'a' .. GetName()", "stub:GetName()"},
		{"pairs still works on tables", "local n = 0 for _ in pairs({a=1,b=2}) do n = n + 1 end result = n", "2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGame(t, map[string]string{"Lua/a.lua": tc.src}, Options{Mode: ModeStubs})
			c := newTestContext(t, g)
			runs := run(t, c, "Lua/a.lua")
			if !runs[0].OK {
				t.Fatalf("run: %s", runs[0].Error)
			}
			var got string
			c.Do(func(o *Lua) { L := o.L; got = o.tostring(L, o.GetGlobal("result")) })
			if got != tc.want {
				t.Errorf("result = %q, want %q", got, tc.want)
			}
		})
	}
	// Removed functions of os and io are never stand-ins.
	g := newTestGame(t, map[string]string{"Lua/a.lua": "os.exit(1)"}, Options{Mode: ModeStubs})
	c := newTestContext(t, g)
	if runs := run(t, c, "Lua/a.lua"); runs[0].OK {
		t.Errorf("os.exit must fail in stub mode too")
	}
}
