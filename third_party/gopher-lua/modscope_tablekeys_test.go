package lua

import (
	"strings"
	"testing"
)

// modscope: the key index of a table (k2i) is built only when needed;
// iteration keeps insertion order, a deleted key set again keeps its
// place, and next with any key (not only the last one returned) works.
func TestTableKeyIndexLazy(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"insertion order", `
			local t = {}
			t.b = 1; t.a = 2; t[3.5] = 3; t.c = 4; t[true] = 5
			local out = {}
			for k, v in pairs(t) do out[#out+1] = tostring(k) .. "=" .. v end
			return table.concat(out, " ")`, "b=1 a=2 3.5=3 c=4 true=5"},
		{"deleted key set again keeps its place and is listed once", `
			local t = {a = 1, b = 2, c = 3}
			local keys = {}
			for k in pairs(t) do keys[#keys+1] = k end
			t[keys[1]] = nil
			t[keys[1]] = 9
			t.d = 4
			local out = {}
			for k, v in pairs(t) do out[#out+1] = k .. "=" .. v end
			return #out .. ":" .. (out[1] == keys[1] .. "=9" and "first" or "moved")`, "4:first"},
		{"clearing fields while iterating", `
			local t = {}
			for i = 1, 50 do t["k" .. i] = i end
			local n = 0
			for k, v in pairs(t) do t[k] = nil; n = n + 1 end
			return n .. " " .. tostring(next(t))`, "50 nil"},
		{"next with an earlier key", `
			local t = {}
			t.x = 1; t.y = 2; t.z = 3
			local k1 = next(t)
			local k2 = next(t, k1)
			local k3 = next(t, k2)
			return tostring(next(t, k1)) .. " " .. tostring(next(t, k3)) .. " " .. tostring(next(t, k2))`, "y nil z"},
		{"two iterations interleaved", `
			local t = {p = 1, q = 2, r = 3}
			local out = {}
			for k1 in pairs(t) do
				for k2 in pairs(t) do out[#out+1] = k1 .. k2 end
			end
			return #out .. " " .. out[1] .. " " .. out[9]`, "9 pp rr"},
		{"small table grows past eight keys in order", `
			local t = {}
			for i = 1, 12 do t["k" .. i] = i end
			t.k3 = nil
			local out = {}
			for k, v in pairs(t) do out[#out+1] = k end
			return #out .. " " .. out[1] .. " " .. out[3] .. " " .. out[11] .. " " .. tostring(t.k3) .. " " .. t.k12`, "11 k1 k4 k12 nil 12"},
		{"small table gets a non-string key", `
			local t = {a = 1, b = 2}
			t[true] = 3; t[2.5] = 4; t.c = 5
			t.a = nil
			local out = {}
			for k, v in pairs(t) do out[#out+1] = tostring(k) .. "=" .. v end
			return table.concat(out, " ") .. " " .. t.b .. tostring(t.a)`, "b=2 true=3 2.5=4 c=5 2nil"},
		{"small table deleted and set again", `
			local t = {x = 1}
			t.x = nil
			local empty = next(t) == nil
			t.y = 2; t.x = 3
			local out = {}
			for k, v in pairs(t) do out[#out+1] = k .. "=" .. v end
			return tostring(empty) .. " " .. table.concat(out, " ")`, "true x=3 y=2"},
		{"array and small hash", `
			local t = {10, 20, n = 2, [3] = 30}
			local out = {}
			for k, v in pairs(t) do out[#out+1] = tostring(k) .. "=" .. v end
			return table.concat(out, " ") .. " " .. #t .. " " .. rawget(t, "n")`, "1=10 2=20 3=30 n=2 3 2"},
		{"deleted non-string key", `
			local t = {}
			local a, b = {}, {}
			t[a] = 1; t[b] = 2; t[1.5] = 3
			t[a] = nil
			t[a] = 4
			local n, s = 0, 0
			for k, v in pairs(t) do n = n + 1; s = s + v end
			return n .. " " .. s`, "3 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			if err := L.DoString(tt.script); err != nil {
				t.Fatal(err)
			}
			if got := L.Get(-1).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// A table that is only set, read, cleared and iterated never builds its
// key index.
func TestTableKeyIndexNotBuilt(t *testing.T) {
	L := NewState()
	defer L.Close()
	tb := L.NewTable()
	for _, k := range strings.Fields("a b c d e f g h i j") {
		tb.RawSetString(k, LTrue)
	}
	n := 0
	for k, _ := tb.Next(LNil); k != LNil; k, _ = tb.Next(k) {
		n++
	}
	if n != 10 || tb.k2i != nil {
		t.Errorf("%d keys iterated, k2i built: %v", n, tb.k2i != nil)
	}
	tb.RawSetString("a", LNil) // deleted: a tombstone, no index either
	tb.RawSetString("a", LFalse)
	tb.RawSetString("k", LTrue)
	var got []string
	for k, _ := tb.Next(LNil); k != LNil; k, _ = tb.Next(k) {
		got = append(got, k.String())
	}
	if strings.Join(got, " ") != "a b c d e f g h i j k" || tb.k2i != nil {
		t.Errorf("after a deletion: %q, k2i built: %v", got, tb.k2i != nil)
	}
	tb.Next(LString("c")) // not the key Next returned last: the index is built
	if tb.k2i == nil {
		t.Error("next from another key must build the key index")
	}
	tb.RawSetString("l", LTrue)
	if k, _ := tb.Next(LString("k")); k != LString("l") {
		t.Errorf("after k: %v", k)
	}
}

// Small tables keep their string keys without a map until the ninth.
func TestTableSmallKeys(t *testing.T) {
	L := NewState()
	defer L.Close()
	tb := L.CreateTable(0, 4)
	for i, k := range strings.Fields("a b c d e f g h") {
		tb.RawSetString(k, LNumber(i))
	}
	if tb.strdict != nil || len(tb.vals) != 8 {
		t.Fatalf("eight keys: strdict %v, %d values", tb.strdict != nil, len(tb.vals))
	}
	n := 0
	tb.ForEach(func(k, v LValue) { n++ })
	if n != 8 || tb.RawGetString("h") != LNumber(7) || tb.RawGetH(LString("a")) != LNumber(0) || tb.RawGet(LString("zz")) != LNil {
		t.Fatalf("reads: %d, %v %v", n, tb.RawGetString("h"), tb.RawGetH(LString("a")))
	}
	tb.RawSetString("b", LNil)
	if tb.HashLen() != 7 {
		t.Fatalf("HashLen of a small table %d, want 7", tb.HashLen())
	}
	tb.RawSetString("i", LTrue)
	tb.RawSetH(LTrue, LTrue)
	tb.RawSetString("c", LNil)
	tb.RawSetString("b", LFalse)
	if n := tb.HashLen(); n != 9 {
		t.Fatalf("HashLen %d, want 9", n)
	}
	if tb.strdict == nil || tb.vals != nil || tb.RawGetString("d") != LNumber(3) || tb.RawGetString("i") != LTrue {
		t.Fatal("the ninth key must move the keys to strdict")
	}
}
