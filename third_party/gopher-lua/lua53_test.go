package lua

// Tests of the Lua 5.3 dialect (modscope patch, MODSCOPE-PATCH.md). The
// scripts under _lua53-tests were written for modscope after the ideas of
// the official Lua 5.3 test files bitwise.lua and goto.lua; each also runs
// unchanged, and passes, under the reference Lua 5.3 interpreter.

import (
	"strings"
	"testing"
)

func TestLua53Scripts(t *testing.T) {
	for _, name := range []string{"bitwise.lua", "goto.lua", "env.lua"} {
		t.Run(name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			if err := L.DoFile("_lua53-tests/" + name); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLua53Output compares what small programs print with what Lua 5.3
// prints for them (checked by hand with lua5.3; the cases avoid floats,
// whose formatting differs: see docs/lua.md in modscope).
func TestLua53Output(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"binary operators", "print(5 & 3, 5 | 3, 5 ~ 3, ~0, 1 << 4, 256 >> 4, -1 >> 60, 1 << 64, 1 << 63, -7 // 2, 7 // 2)",
			"1\t7\t6\t-1\t16\t16\t15\t0\t-9223372036854775808\t-4\t3"},
		{"precedence", "print(1 | 2 ~ 3 & 4, 1 << 2 + 1, 2 .. 3 << 1, ~5 == -6, 3 ~= 4, not 1 == 2)", "3\t8\t46\ttrue\ttrue\tfalse"},
		{"variables", "local a, b = 6, 3 print(a & b, a | b, a ~ b, a << b, a >> 1, ~a, a // 4)", "2\t7\t5\t48\t3\t-7\t1"},
		{"hex numerals", "print(0xFFFFFFFFFFFFFFFF, 0xFF, tonumber('0x10'), tonumber('-0x10'), 0xFFFFFFFF & 0xFF00)", "-1\t255\t16\t-16\t65280"},
		{"non-integral operand", "print(pcall(function() return 1.5 & 1 end))", "false\t<string>:1: number has no integer representation"},
		{"table operand", "print(pcall(function() return {} | 1 end))", "false\t<string>:1: attempt to perform bitwise operation on a table value"},
		{"metamethods", "local t = setmetatable({}, {__band=function() return 'band' end, __bnot=function() return 'bnot' end, __idiv=function() return 'idiv' end, __shl=function() return 'shl' end, __shr=function() return 'shr' end, __bor=function() return 'bor' end, __bxor=function() return 'bxor' end}) print(t & 1, 1 & t, ~t, t // 2, t << 1, t >> 1, t | 1, t ~ 1)",
			"band\tband\tbnot\tidiv\tshl\tshr\tbor\tbxor"},
		{"goto continue", "for i = 1, 3 do if i == 2 then goto continue end print(i) ::continue:: end", "1\n3"},
		{"break then label", "for i = 1, 3 do print(i) break ::continue:: end", "1"},
		{"_ENV", "print(_ENV == _G) local function f() local _ENV = {print=print, x=42} print(x) y = 1 return _ENV end local e = f() print(e.y, y)", "true\n42\n1\tnil"},
		{"_ENV parameter", "local function g(_ENV) return z end print(g({z='zz'}))", "zz"},
		{"library", "print(string.format('%d %5.2f %x %i', 3.0, 2, 255, 7), math.type(1), math.type(1.5), math.tointeger(3.0), math.ult(1, -1), math.mininteger)",
			"3  2.00 ff 7\tinteger\tfloat\t3\ttrue\t-9223372036854775808"},
		{"table.pack", "local t = table.pack(1, nil, 3) print(t.n, t[1], t[2], t[3], table.unpack({1,2,3}))", "3\t1\tnil\t3\t1\t2\t3"},
		{"utf8", "print(utf8.char(72, 228, 8364), utf8.len('h\\u{E4}ll\\u{20AC}'), utf8.len('\\xff')) for p, c in utf8.codes('h\\u{E4}') do print(p, c) end",
			"H\u00e4\u20ac\t5\tnil\t1\n1\t104\n2\t228"},
		{"infinity", "print(math.huge, -math.huge, 1/0)", "inf\t-inf\tinf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			var out []string
			L.SetGlobal("print", L.NewFunction(func(L *LState) int {
				parts := make([]string, L.GetTop())
				for i := range parts {
					parts[i] = L.ToStringMeta(L.Get(i + 1)).String()
				}
				out = append(out, strings.Join(parts, "\t"))
				return 0
			}))
			if err := L.DoString(tc.src); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(out, "\n"); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestLua53SyntaxErrors: code Lua 5.3 refuses stays refused.
func TestLua53SyntaxErrors(t *testing.T) {
	for name, src := range map[string]string{
		"goto into a local's scope": "goto l; local a; ::l:: print(a)",
		"unknown label":             "do goto nowhere end",
		"duplicate label":           "::l:: ::l::",
		"break outside a loop":      "break",
		"dangling operator":         "x = 1 &",
		"unary xor-equals":          "x = ~= 1",
		"bad hex escape":            "x = '\\xZZ'",
	} {
		t.Run(name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			if err := L.DoString(src); err == nil {
				t.Errorf("%q compiled", src)
			}
		})
	}
}
