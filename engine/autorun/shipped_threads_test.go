package autorun_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modscope/engine"
)

// TestShippedThreads runs testdata/shipped-threads, a shipped loader whose
// first-load thread Sleeps, WaitMsg's (a message another thread sends, a
// timeout), wakes a thread in WaitWakeup and loads Data/ (LoadData's
// messages), as JA3's LoadDlcs does; other threads sleep for ever, wait in
// a protected call, loop without yielding (stopped by the watchdog), run
// on game time (which does not advance). The golden is the steps with
// their messages and files, the threads' log with virtual times, the
// errors and the output.
func TestShippedThreads(t *testing.T) {
	t.Setenv(engine.CacheEnv, "off")
	for _, mode := range []string{engine.ModeStubs, engine.ModeStrict} {
		t.Run(mode, func(t *testing.T) {
			s := open(t, filepath.Join("testdata", "shipped-threads"), engine.Options{Mode: mode, Timeout: 300 * time.Millisecond})
			do(t, s, "run")
			var b strings.Builder
			rep := s.Report()
			for _, st := range rep.Steps {
				if st.Kind != "step" {
					continue
				}
				b.WriteString("## " + st.Name + "\n")
				b.WriteString("messages: " + strings.Join(st.Messages, ", ") + "\n")
				var files []string
				for _, f := range st.Files {
					files = append(files, f.Path)
				}
				b.WriteString("files: " + strings.Join(files, ", ") + "\n")
			}
			b.WriteString("## log\n" + eval(t, s, `return table.concat(Log, "\n")`) + "\n")
			b.WriteString("## values\n" + eval(t, s, `return table.concat({tostring(DataLoaded), #DataFiles, rawget(_G, "Ticks"), RealTime(), GameTime()}, " ")`) + "\n")
			b.WriteString("## errors\n")
			for _, e := range errorsOf(rep) {
				b.WriteString(e + "\n")
			}
			b.WriteString("## output\n")
			for _, o := range rep.Output {
				b.WriteString(o.Level + " " + o.Text + "\n")
			}
			golden := filepath.Join("testdata", "shipped-threads.golden")
			if mode == engine.ModeStrict {
				golden = filepath.Join("testdata", "shipped-threads-strict.golden")
			}
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("threads run changed; run `go test ./engine/autorun -run TestShippedThreads -update` and review the diff.\n got:\n%s", b.String())
			}
		})
	}
}

// TestShippedThreadsStepping stops before a message a thread sends: before
// Msg("DataLoaded") the data files have run and DataLoaded is still false;
// one more step runs the message and its handler.
func TestShippedThreadsStepping(t *testing.T) {
	s := open(t, filepath.Join("testdata", "shipped-threads"), engine.Options{Timeout: 300 * time.Millisecond})
	for i := 0; ; i++ {
		steps, next := s.Steps()
		if next < len(steps) && steps[next] == `Msg("DataLoaded")` {
			break
		}
		if i == 100 || next >= len(steps) {
			t.Fatalf("never paused before Msg(\"DataLoaded\"): steps %v", steps)
		}
		if r := do(t, s, "step"); !r.OK {
			t.Fatalf("step: %s", r.Error)
		}
	}
	if got := eval(t, s, `return tostring(DataLoaded) .. " " .. #DataFiles`); got != "false 2" {
		t.Errorf("before Msg(\"DataLoaded\"): got %q, want \"false 2\"", got)
	}
	if r := do(t, s, "step"); !r.OK {
		t.Fatalf("step: %s", r.Error)
	}
	if got := eval(t, s, `return tostring(DataLoaded) .. " " .. table.concat(Log, "; ")`); !strings.HasPrefix(got, "true") || !strings.Contains(got, "DataLoaded handler 2") {
		t.Errorf("after Msg(\"DataLoaded\"): got %q, want the handler to have run", got)
	}
	// a message sent from outside wakes a waiting thread, which runs within
	// the command (its messages are no steps)
	eval(t, s, `Waiter = CreateRealTimeThread(function() local ok, v = WaitMsg("Ping") Pinged = v end) return ""`)
	do(t, s, "run")
	if r := do(t, s, `msg Ping 7`); !r.OK {
		t.Fatalf("msg Ping: %s", r.Error)
	}
	if got := eval(t, s, `return tostring(Pinged)`); got != "7" {
		t.Errorf("after msg Ping 7: Pinged = %q, want 7", got)
	}
	// a reload (FirstLoad false: no new threads) runs the threads again
	// after it: the thread that sleeps for ever gets another run's budget
	before := eval(t, s, `return tostring(Ticks)`)
	do(t, s, "reload")
	do(t, s, "run")
	steps, _ := s.Steps()
	if steps[len(steps)-1] != "Threads" {
		t.Errorf("reload: steps %v, want the threads to run last", steps)
	}
	if got := eval(t, s, `return tostring(Ticks)`); got == before {
		t.Errorf("reload: Ticks still %s, want the threads to have run again", got)
	}
}

// TestShippedThreadRules checks the rules of the engine's threads on small
// loaders: what a run leaves in R (a global), and the errors and output.
func TestShippedThreadRules(t *testing.T) {
	cases := []struct {
		name, loader, want, wantErr, wantOut string
	}{
		{
			name:   "waits outside a thread are errors",
			loader: `R = tostring(CanYield()) .. " " .. tostring(pcall(Sleep, 1)) .. " " .. tostring(pcall(WaitMsg, "x")) .. " " .. tostring(pcall(WaitWakeup))`,
			want:   "false false false false",
		},
		{
			name: "a wait under a pcall in a thread is an error, CanYield says so",
			loader: `CreateRealTimeThread(function()
				local ok = pcall(Sleep, 1)
				local inner = select(2, pcall(CanYield))
				R = tostring(CanYield()) .. " " .. tostring(ok) .. " " .. tostring(inner)
			end)`,
			want: "true false false",
		},
		{
			name: "an error ends only its thread",
			loader: `R = ""
			CreateRealTimeThread(function() Sleep(5) error("boom") end)
			CreateRealTimeThread(function() Sleep(10) R = R .. "still running at " .. RealTime() end)`,
			want:    "still running at 10",
			wantErr: "CommonLua/Core/autorun.lua:2: boom",
		},
		{
			name: "Sleep(0) lets the others due now run first; equal wakes run oldest first",
			loader: `R = ""
			CreateRealTimeThread(function() R = R .. "a" Sleep(0) R = R .. "c" end)
			CreateRealTimeThread(function() R = R .. "b" Sleep(0) R = R .. "d" end)`,
			want: "abcd",
		},
		{
			name: "a message object: WaitRealTimeThread-style Msg(thread)",
			loader: `local inner
			CreateRealTimeThread(function()
				inner = CreateRealTimeThread(function() Sleep(20) MsgThreads(inner, 42) end)
				local ok, v = WaitMsg(inner)
				R = tostring(ok) .. " " .. tostring(v) .. " " .. RealTime()
			end)`,
			want: "true 42 20",
		},
		{
			name:    "a thread waiting for a message nobody sends is said",
			loader:  `R = "" CreateRealTimeThread(function() WaitMsg("Never") end)`,
			wantOut: `info threads: real-time thread created at CommonLua/Core/autorun.lua:1: WaitMsg("Never") at CommonLua/Core/autorun.lua:1`,
		},
		{
			name: "ripairs and IsKindOf, C globals the first-load thread's code uses",
			loader: `local out = {}
			for i, v in ripairs({ "a", "b", "c" }) do out[#out + 1] = i .. v end
			for _ in ripairs(nil) do out[#out + 1] = "nil" end
			local Base = { class = "Base", __ancestors = {} }
			local Unit = { class = "Unit", __ancestors = { Base = true } }
			Unit.__index = Unit
			local u = setmetatable({}, Unit)
			R = table.concat(out, ",") .. " " .. tostring(IsKindOf(u, "Base")) .. tostring(IsKindOf(u, "Unit")) ..
				tostring(IsKindOf(u, "Other")) .. tostring(IsKindOf(nil, "Base")) .. tostring(IsKindOf(Unit, "Base")) ..
				" " .. tostring(FindFirstIsKindOf({ 1, Base, u }, "Unit") == u)`,
			want: "3c,2b,1a truetruefalsefalsetrue true",
		},
		{
			name:    "no more than MaxThreads threads",
			loader:  `local ok, err = pcall(function() for i = 1, 10001 do CreateRealTimeThread(function() WaitMsg("x") end) end end) R = tostring(ok)`,
			want:    "false",
			wantOut: "info threads: 10000 left waiting",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := shippedTree(t, map[string]string{"CommonLua/Core/autorun.lua": tc.loader})
			s := open(t, dir, engine.Options{})
			do(t, s, "run")
			if got := eval(t, s, `return tostring(rawget(_G, "R"))`); tc.want != "" && got != tc.want {
				t.Errorf("R = %q, want %q", got, tc.want)
			}
			rep := s.Report()
			errs := strings.Join(errorsOf(rep), "\n")
			if tc.wantErr != "" && !strings.Contains(errs, tc.wantErr) {
				t.Errorf("errors %q, want %q", errs, tc.wantErr)
			}
			if tc.wantErr == "" && errs != "" {
				t.Errorf("unexpected errors: %s", errs)
			}
			var out []string
			for _, o := range rep.Output {
				out = append(out, o.Level+" "+o.Text)
			}
			if tc.wantOut != "" && !strings.Contains(strings.Join(out, "\n"), tc.wantOut) {
				t.Errorf("output %q, want %q", out, tc.wantOut)
			}
		})
	}
}
