package lua

import (
	"fmt"
	"strings"
	"testing"
)

// TestStoreHook: stores into a watched table reach the hook with the old
// value still in place and the chunk and line; other tables, rawset and a
// removed hook do not.
func TestStoreHook(t *testing.T) {
	L := NewState()
	defer L.Close()
	watched := L.NewTable()
	L.SetGlobal("W", watched)
	L.SetGlobal("Other", L.NewTable())
	var got []string
	L.SetStoreHook(func(L *LState, tb *LTable, name string, key, value LValue, site StoreSite) {
		got = append(got, fmt.Sprintf("%s.%s=%s (old %s) at %s:%d", name, key, value, tb.RawGet(key), site.Source, site.Line))
	})
	L.WatchStores(watched, "W")
	if L.WatchName(watched) != "W" {
		t.Fatalf("watch name %q", L.WatchName(watched))
	}
	src := "W.a = 1\nW.a = 2\nlocal k = 'b'\nW[k] = 3\nOther.a = 1\nrawset(W, 'c', 4)\nfunction W.f() end\n"
	fn, err := L.Load(strings.NewReader(src), "chunk.lua")
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"W.a=1 (old nil) at chunk.lua:1", "W.a=2 (old 1) at chunk.lua:2", "W.b=3 (old nil) at chunk.lua:4"}
	if len(got) != 4 || strings.Join(got[:3], "|") != strings.Join(want, "|") || !strings.HasPrefix(got[3], "W.f=function") {
		t.Errorf("hook saw %q", got)
	}
	L.SetStoreHook(nil)
	got = nil
	if err := L.DoString("W.a = 5"); err != nil || got != nil {
		t.Errorf("after removing the hook: %v %q", err, got)
	}
}
