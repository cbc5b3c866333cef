package lua

import "testing"

// TestAndAssignToLocal is the modscope fix in compileLogicalOpExprAux:
// `x = a and f(x)` with x a local stores a falsy a in x (upstream left x
// unchanged, so `while o do o = T[o] and f(o) end` never ended).
func TestAndAssignToLocal(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"a falsy left side ends the loop", `local T = {} local function g(o) return o end
			local function f(o) local n = 0 while o do n = n + 1 if n > 3 then return "loop" end o = T[o] and g(o, "x") end return "ok" end
			return f({})`, "ok"},
		{"a parameter takes the falsy value", `local T = {} local function g() return 1 end
			local function f(o) o = T[o] and g(o) return tostring(o) end return f({})`, "nil"},
		{"false is kept, not nil", `local function g() return 1 end
			local function f(o) local a = false o = a and g(o) return tostring(o) end return f({})`, "false"},
		{"a truthy left side gives the right side", `local T = {} local k = {} T[k] = 5 local function g(o) return "right" end
			local function f(o) o = T[o] and g(o) return o end return f(k)`, "right"},
		{"or still works", `local function g() return 2 end
			local function f(o) o = o or g(o) return tostring(o) end return f(nil) .. f(3)`, "23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			if err := L.DoString(tc.src); err != nil {
				t.Fatal(err)
			}
			if got := L.Get(-1).String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
