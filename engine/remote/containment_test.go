package remote

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

// Containment II (docs/containment.md): a death costs one file, not the
// rest of the load; what crosses the process boundary is bounded; the
// child never outlives its parent.

// TestRecoverSkipsTheFileThatKilledTheEngine: with Recover, an engine that
// dies in a file is restarted, the load is replayed up to that file, the
// file fails with the death as its error, and the next file runs, as after
// a Lua error. The replay does not run the fatal file again (the crash
// hook would fire again).
func TestRecoverSkipsTheFileThatKilledTheEngine(t *testing.T) {
	d := openRemote(t, crashDir, long, Options{Recover: true,
		Env: []string{envCrash + "=stack:big/server.lua"}})
	first := d.Pid()
	r := d.Do(engine.Command{Op: "run"})
	if d.Died() != nil || d.Pid() == first {
		t.Fatalf("after the death: died %v, pid %d (was %d); run = %+v", d.Died(), d.Pid(), first, r)
	}
	want := `engine process died (exit status 2: fatal error: stack overflow) while running big/server.lua in step "Server context"`
	if r.OK || r.Error != "big/server.lua: "+want {
		t.Errorf("run = %+v\nwant the death as its error", r)
	}
	if steps, next := d.Steps(); next != len(steps) {
		t.Errorf("steps %q next %d: the load did not go on", steps, next)
	}
	if got := mustDo(t, d, "eval server return loaded, big").Result; got != "base\tnil" {
		t.Errorf("loaded, big = %q, want base and nil (big/server.lua skipped)", got)
	}
	rep := d.Report()
	if len(rep.Errors) != 1 || rep.Errors[0].Message != want || rep.Errors[0].File != "big/server.lua" || rep.Errors[0].Context != "server" {
		t.Errorf("errors %+v\nwant the death once, filed against big/server.lua", rep.Errors)
	}
	if rep.Files.Failed != 1 || rep.Files.OK < 1 {
		t.Errorf("files %+v, want big/server.lua failed and the rest run", rep.Files)
	}
	// the next lines of an event script run in the restarted engine
	res := d.RunScript(engine.ParseScript("eval server return 1 + 1"))
	if len(res) != 1 || !res[0].OK || res[0].Result != "2" {
		t.Errorf("a later event = %+v", res)
	}
}

// TestRecoverIsBounded: a death outside any file fails its command only;
// after MaxRecoveries the driver stays dead.
func TestRecoverIsBounded(t *testing.T) {
	d := openRemote(t, crashDir, long, Options{Recover: true})
	mustDo(t, d, "run")
	d.mu.Lock()
	d.recoveries = MaxRecoveries
	d.mu.Unlock()
	pid := d.Pid()
	p, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	waitDead(t, d)
	r := d.Do(engine.Command{Op: "step"})
	if r.OK || !strings.Contains(r.Error, "engine process died") {
		t.Errorf("step after a death past the bound = %+v", r)
	}
	if d.Died() == nil {
		t.Errorf("the driver recovered past MaxRecoveries")
	}
}

func TestCapEvent(t *testing.T) {
	huge := strings.Repeat("n", 4<<20)
	e := capEvent(engine.Event{Kind: engine.EventMessage, Text: huge, Context: huge,
		Message: &engine.MessageRecord{Name: huge, Args: []string{huge, huge}},
		Error:   &engine.ErrorRecord{Message: huge, Traceback: huge, File: huge},
		Log:     &engine.LogEntry{Name: huge, Errors: make([]string, 1000)},
		File:    &engine.FileRun{Path: huge, Error: huge}})
	for name, s := range map[string]string{"text": e.Text, "context": e.Context, "message name": e.Message.Name,
		"argument": e.Message.Args[0], "error": e.Error.Message, "traceback": e.Error.Traceback,
		"log name": e.Log.Name, "file path": e.File.Path, "file error": e.File.Error, "error file": e.Error.File} {
		if len(s) > maxWireString+64 {
			t.Errorf("%s: %d bytes cross the boundary", name, len(s))
		}
	}
	if len(e.Log.Errors) > maxWireErrors+1 {
		t.Errorf("%d log errors cross the boundary", len(e.Log.Errors))
	}
	if got := capString("aé", 2); got != "a… (2 more bytes)" {
		t.Errorf("capString cut inside a rune: %q", got)
	}
}

func TestReadLineIsBounded(t *testing.T) {
	br := bufio.NewReaderSize(strings.NewReader(strings.Repeat("x", 1000)+"\nok\nlast"), 16)
	if _, err := readLine(br, 100); !errors.Is(err, errLineTooLong) {
		t.Errorf("a 1000-byte line under a 100-byte bound: %v", err)
	}
	br = bufio.NewReaderSize(strings.NewReader("ok\nlast"), 16)
	for _, want := range []string{"ok", "last"} {
		if got, err := readLine(br, 100); err != nil || string(got) != want {
			t.Errorf("readLine = %q, %v; want %q", got, err, want)
		}
	}
}

// TestChildEndsWithItsParent: the child watches its parent's pid (and on
// Linux asks for a parent-death signal).
func TestChildEndsWithItsParent(t *testing.T) {
	gone := make(chan struct{})
	go watchParent(os.Getppid()+1_000_000, 5*time.Millisecond, func() { close(gone) })
	select {
	case <-gone:
	case <-time.After(waitLong):
		t.Fatal("a changed parent was not noticed")
	}
}

// TestMessageNamesAreCappedAcrossTheBoundary: a folder that sends 4 MB
// message names in a loop: every name the parent receives, in events and
// in the report, is cut.
func TestMessageNamesAreCappedAcrossTheBoundary(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"modscope.toml": "model = \"autorun\"\n",
		"Lua/a.lua":     "local n = string.rep('m', 4000000) for i = 1, 20 do Msg(n .. i) end\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := openRemote(t, dir, long, Options{})
	evs := collect(d)
	mustDo(t, d, "run")
	longest := 0
	evs.mu.Lock()
	for _, e := range evs.all {
		if e.Message != nil {
			longest = max(longest, len(e.Message.Name))
		}
	}
	evs.mu.Unlock()
	rep := d.Report()
	for _, m := range rep.Messages {
		longest = max(longest, len(m.Name))
	}
	if longest == 0 || longest > maxWireName+64 {
		t.Errorf("the longest message name the parent got is %d bytes", longest)
	}
}
