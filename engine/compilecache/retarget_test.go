//go:build linux

package compilecache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// TestRetargetedLinkIsRecompiled: the stat memo is keyed by the file's
// identity too. A link retargeted to another file with the same size,
// mtime and ctime (a checkout can write them so) must not run the old
// code. The ctimes are made equal by copying the new target's stat into
// the memo with the old target's identity: what the memo would hold then.
func TestRetargetedLinkIsRecompiled(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("v/one.lua", "return 1")
	write("v/two.lua", "return 2")
	stamp := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []string{"v/one.lua", "v/two.lua"} {
		if err := os.Chtimes(filepath.Join(dir, f), stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "Lua", "a.lua")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../v/one.lua", link); err != nil {
		t.Skip(err)
	}
	cc, src := openCache(t, dir, "")
	result := func() string {
		p, err := cc.Get("Lua/a.lua")
		if err != nil {
			t.Fatal(err)
		}
		L := lua.NewState()
		defer L.Close()
		L.Push(L.NewFunctionFromProto(p))
		if err := L.PCall(0, 1, nil); err != nil {
			t.Fatal(err)
		}
		return L.Get(-1).String()
	}
	if got := result(); got != "1" {
		t.Fatalf("first = %s", got)
	}
	oneSt, err := src.root.Stat("v/one.lua")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../v/two.lua", link); err != nil {
		t.Fatal(err)
	}
	twoSt, err := src.root.Stat("v/two.lua")
	if err != nil {
		t.Fatal(err)
	}
	cc.mu.Lock()
	m := cc.memo["Lua/a.lua"]
	if m == nil {
		cc.mu.Unlock()
		t.Fatal("no memo for Lua/a.lua")
	}
	sameTimes := statKeyOf(twoSt)
	old := statKeyOf(oneSt)
	sameTimes.ino, sameTimes.dev = old.ino, old.dev
	m.stat = sameTimes
	cc.mu.Unlock()
	if got := result(); got != "2" {
		t.Errorf("after retargeting the link, Lua/a.lua returns %s: the old code ran", got)
	}
}
