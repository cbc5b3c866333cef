package autorun_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"modscope/engine"
	"modscope/engine/autorun"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// writeGame writes files (slash paths) into a new folder.
func writeGame(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func open(t *testing.T, dir string, opt engine.Options) *engine.Session {
	t.Helper()
	if opt.Timeout == 0 {
		opt.Timeout = 3 * time.Second
	}
	s, err := engine.Open(dir, opt)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(s.Close)
	return s
}

func do(t *testing.T, s *engine.Session, line string) engine.Result {
	t.Helper()
	cmd, err := engine.ParseCommand(line)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	return s.Do(cmd)
}

// eval returns what `eval main CODE` printed; it fails the test on error.
func eval(t *testing.T, s *engine.Session, code string) string {
	t.Helper()
	r := do(t, s, "eval main "+code)
	if !r.OK {
		t.Fatalf("eval %s: %s", code, r.Error)
	}
	return r.Result
}

func errorsOf(r engine.Report) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, engine.FormatError(e))
	}
	return out
}

func stepNames(r engine.Report) []string {
	var out []string
	for _, s := range r.Steps {
		if s.Kind == "step" {
			out = append(out, s.Name)
		}
	}
	return out
}

func filesOf(r engine.Report, step string) []string {
	var out []string
	for _, s := range r.Steps {
		if s.Name == step {
			for _, f := range s.Files {
				out = append(out, f.Path)
			}
		}
	}
	return out
}

// orderGame logs every file's step into the global Trace.
func orderGame() map[string]string {
	files := map[string]string{
		"CommonLua/a.lua":                   "",
		"CommonLua/b.lua":                   "",
		"CommonLua/Classes/x.lua":           "",
		"CommonLua/Classes/sub/y.lua":       "",
		"CommonLua/UI/ui.lua":               "",
		"CommonLua/Platforms/pc/p.lua":      "",
		"CommonLua/Platforms/console/c.lua": "",
		"CommonLua/Data/d.lua":              "",
		"Lua/z.lua":                         "",
		"Lua/A/inner.lua":                   "",
		"Lua/a2.lua":                        "",
		"DLC/B/Code/b.lua":                  "",
		"DLC/A/Code/a.lua":                  "",
		"DLC/A/Presets/pa.lua":              "",
		"Data/data.lua":                     "",
		"Mods/M/metadata.lua":               `return PlaceObj("ModDef", {"id", "M", "code", {"Code/m2.lua", "Code/m1.lua"}})`,
		"Mods/M/options.lua":                "",
		"Mods/M/Code/m1.lua":                "",
		"Mods/M/Code/m2.lua":                "",
	}
	for name := range files {
		if strings.HasSuffix(name, "metadata.lua") {
			continue
		}
		files[name] = fmt.Sprintf("Trace = Trace or {} ; Trace[#Trace+1] = %q", name)
	}
	return files
}

func TestFirstLoadStepsAndFileOrder(t *testing.T) {
	s := open(t, writeGame(t, orderGame()), engine.Options{})
	if r := do(t, s, "run"); !r.OK {
		t.Fatalf("run: %s", r.Error)
	}
	rep := s.Report()
	if got := stepNames(rep); !reflect.DeepEqual(got, autorun.FirstLoadSteps) {
		t.Errorf("steps:\n got %q\nwant %q", got, autorun.FirstLoadSteps)
	}
	want := []string{
		"CommonLua/a.lua", "CommonLua/b.lua",
		"CommonLua/Classes/x.lua", "CommonLua/Classes/sub/y.lua",
		"CommonLua/UI/ui.lua",
		"CommonLua/Platforms/pc/p.lua",
		"Lua/a2.lua", "Lua/z.lua", "Lua/A/inner.lua",
		"DLC/A/Code/a.lua", "DLC/B/Code/b.lua",
		"Mods/M/Code/m2.lua", "Mods/M/Code/m1.lua", // options.lua is no engine file: not run
		"CommonLua/Data/d.lua", "Data/data.lua", "DLC/A/Presets/pa.lua",
	}
	var quoted []string
	for _, w := range want {
		quoted = append(quoted, fmt.Sprintf("%q", w))
	}
	if got := eval(t, s, "return table.concat(Trace, ',')"); got != strings.Join(want, ",") {
		t.Errorf("file order:\n got %s\nwant %s", got, strings.Join(want, ","))
	}
	if errs := errorsOf(rep); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
	if got := filesOf(rep, autorun.StepGame); !reflect.DeepEqual(got, []string{"Lua/a2.lua", "Lua/z.lua", "Lua/A/inner.lua"}) {
		t.Errorf("Game Lua files: %v", got)
	}
	var msgs []string
	for _, m := range rep.Messages {
		msgs = append(msgs, m.Name)
	}
	if want := []string{"Autorun", "ClassesGenerate", "ClassesPreprocess", "ClassesPostprocess", "ClassesBuilt", "ClassesPostBuilt",
		"Start", "DataLoading", "DataPreprocess", "DataPostprocess", "DataLoaded", "ModsReloaded"}; !reflect.DeepEqual(msgs, want) {
		t.Errorf("messages %v, want %v", msgs, want)
	}
}

func TestStepByStep(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/a.lua": "Early = FirstLoad and Loading",
	}), engine.Options{})
	steps, next := s.Steps()
	if next != 0 || len(steps) != len(autorun.FirstLoadSteps) {
		t.Fatalf("steps %v next %d", steps, next)
	}
	if r := do(t, s, `until "Game Lua"`); !r.OK {
		t.Fatal(r.Error)
	}
	if _, next := s.Steps(); steps[next-1] != autorun.StepGame {
		t.Fatalf("stopped after %q, want Game Lua", steps[next-1])
	}
	if got := eval(t, s, "return Early, Loading, FirstLoad, rawget(_G, 'Dome')"); got != "true\ttrue\ttrue\tnil" {
		t.Errorf("after Game Lua: %s", got)
	}
	if r := do(t, s, "step"); !r.OK {
		t.Fatal(r.Error)
	}
	if _, next := s.Steps(); steps[next-1] != autorun.StepDLC {
		t.Errorf("one step ran %q", steps[next-1])
	}
	if r := do(t, s, "until Start"); !r.OK {
		t.Fatal(r.Error)
	}
	if got := eval(t, s, "return Loading, FirstLoad"); got != "false\tfalse" {
		t.Errorf("after Start: %s", got)
	}
}

func TestLoadingAndStrictGlobals(t *testing.T) {
	game := map[string]string{
		"Lua/a.lua": `
function MakeGlobal() NewOne = 1 end
function ReadMissing() return Missing end
ok_start = "unset"
function OnMsg.Start() ok_start = pcall(MakeGlobal) end`,
	}
	tests := []struct {
		name string
		mode string
		code string
		want string
	}{
		{"new global after loading is an error", engine.ModeStubs, "return pcall(MakeGlobal)", "false"},
		{"existing global can be assigned", engine.ModeStubs, "Loading = false return Loading", "false"},
		{"stub mode reads missing as a stand-in", engine.ModeStubs, "return ReadMissing()", "stub:Missing"},
		{"strict mode: reading a missing global fails", engine.ModeStrict, "return (pcall(ReadMissing))", "false"},
		{"Start handler runs after Loading ended", engine.ModeStubs, "return ok_start", "false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, writeGame(t, game), engine.Options{Mode: tc.mode})
			do(t, s, "run")
			got := eval(t, s, tc.code)
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("%s = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
	s := open(t, writeGame(t, game), engine.Options{})
	do(t, s, "run")
	r := do(t, s, "eval main MakeGlobal()")
	if r.OK || !strings.Contains(r.Error, "NewOne") || !strings.Contains(r.Error, "Lua/a.lua:2") {
		t.Errorf("error %q should name the global and Lua/a.lua:2", r.Error)
	}
}

func TestMessages(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/a.lua": `
Log = {}
function OnMsg.Ping(x) Log[#Log+1] = "a" .. tostring(x) end
OnMsg.Ping = function(x) Log[#Log+1] = "b" .. tostring(x) end
function OnMsg.Ping(x) error("handler fails") end
function OnMsg.Ping(x) Log[#Log+1] = "d" end
OnMsg[42] = function() Log[#Log+1] = "num" end
function OnMsg.Clear() MsgClear("Ping") end
function SendTwice() Msg("Ping", 1) Msg(42) end`,
	}), engine.Options{})
	do(t, s, "run")
	if r := do(t, s, "msg Ping 7"); r.OK || !strings.Contains(r.Error, "handler fails") {
		t.Errorf("a failing handler is an error of the command: %+v", r)
	}
	if got := eval(t, s, "return table.concat(Log, ',')"); got != "a7,b7,d" {
		t.Errorf("handler order, next handler after an error: %s", got)
	}
	eval(t, s, "Log = {} SendTwice()")
	if got := eval(t, s, "return table.concat(Log, ',')"); got != "a1,b1,d,num" {
		t.Errorf("Msg from Lua, any value as name: %s", got)
	}
	do(t, s, "msg Clear")
	eval(t, s, "Log = {} Msg('Ping')")
	if got := eval(t, s, "return #Log"); got != "0" {
		t.Errorf("MsgClear left handlers: %s", got)
	}
	if r := do(t, s, "eval main Msg(nil)"); r.OK || !strings.Contains(r.Error, "nil") {
		t.Errorf("Msg(nil): %+v", r)
	}
	rep := s.Report()
	var where []string
	for _, h := range rep.Handlers {
		_ = h
	}
	_ = where
	if rep.Handlers["Clear"] != 1 || rep.Handlers["Ping"] != 0 {
		t.Errorf("handlers: %v", rep.Handlers)
	}
}

func TestHandlersRegistryNamesFileLine(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/a.lua": "\n\nfunction OnMsg.Hello() end\n",
		"Lua/b.lua": "OnMsg.Hello = function() end\n",
	}), engine.Options{})
	do(t, s, "run")
	r := s.Do(engine.Command{Op: "registries", Args: []any{"main"}})
	if !r.OK {
		t.Fatal(r.Error)
	}
	regs := r.Registries
	if regs == nil {
		t.Fatalf("registries answered %+v", r)
	}
	var got []string
	for _, h := range regs.Handlers {
		if h.Name == "Hello" {
			got = append(got, fmt.Sprintf("%d %s", h.Order, h.Where))
		}
	}
	if want := []string{"1 Lua/a.lua:3", "2 Lua/b.lua:1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Hello handlers %v, want %v", got, want)
	}
}

func TestClasses(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"CommonLua/Classes/a.lua": `
DefineClass.Dome = { __parents = {"Building", "Named"}, cap = 10 }
function Dome:Cap() return self.cap end
EarlyNew = pcall(function() return Dome:new() end)`,
		"CommonLua/Classes/b.lua": `
DefineClass("Building", "Object")
function Building:Kind() return "building" end
function Building:Name() return "from building" end
DefineClass.Named = { Name = function() return "from named" end, tag = "named" }
DefineClass.Object = { Init = function(self) self.inited = true end, Done = function(self) self.done = true end }`,
		"Lua/c.lua": `
DefineClass.Orphan = { __parents = {"Nope"} }
DefineClass.Loop1 = { __parents = {"Loop2"} }
DefineClass.Loop2 = { __parents = {"Loop1"} }
function OnMsg.ClassesBuilt()
	local d = Dome:new({cap = 3})
	Results = { d:Cap(), d:Kind(), d:Name(), d.tag, tostring(d.inited),
		tostring(IsKindOf(d, "Object")), tostring(IsKindOf(d, "Named")), tostring(IsKindOf(d, "Orphan")),
		tostring(IsKindOf(Building:new(), "Dome")) }
	d:delete()
	Results[#Results+1] = tostring(d.done)
	Results[#Results+1] = tostring(IsValid(d))
end`,
	}), engine.Options{Mode: engine.ModeStrict}) // stub mode makes an undefined parent an engine stand-in
	do(t, s, "run")
	if got := eval(t, s, "return table.concat(Results, ',')"); got != "3,building,from building,named,true,true,true,false,false,true,false" {
		t.Errorf("class behaviour: %s", got)
	}
	if got := eval(t, s, "return EarlyNew"); got != "false" {
		t.Errorf(":new before the classes are built should fail, got %s", got)
	}
	rep := s.Report()
	if rep.Classes != 7 { // a class with a missing parent or in a cycle is built without that parent
		t.Errorf("classes built: %d, want 7", rep.Classes)
	}
	errs := strings.Join(errorsOf(rep), "\n")
	for _, want := range []string{"Lua/c.lua:2: class Orphan: parent class Nope is not defined", "inheritance cycle"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors should contain %q:\n%s", want, errs)
		}
	}
	r := s.Do(engine.Command{Op: "registries", Args: []any{"main"}})
	regs := r.Registries
	classes := regs.Model["classes"]
	if len(classes) != 7 {
		t.Fatalf("class registry rows %d: %v", len(classes), classes)
	}
	if classes[0]["class"] != "Dome" || classes[0]["where"] != "CommonLua/Classes/a.lua:2" || classes[0]["parents"] != "Building, Named" {
		t.Errorf("first class row %v", classes[0])
	}
	if prov := s.Do(engine.Command{Op: "provenance", Args: []any{"main", "Dome"}}); prov.Provenance == nil || !strings.Contains(fmt.Sprint(*prov.Provenance), "CommonLua/Classes/a.lua:2") {
		t.Errorf("provenance of a class global should name the DefineClass line: %+v", prov)
	}
}

func TestClassCount(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/a.lua": `DefineClass.A = {} DefineClass("B", "A") DefineClass.C = { __parents = {"B"} }`,
	}), engine.Options{})
	do(t, s, "run")
	if got := s.Report().Classes; got != 3 {
		t.Errorf("classes = %d, want 3", got)
	}
}

func TestThreads(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/t.lua": `
Log = {}
local function log(s) Log[#Log+1] = s end
Sleeper = CreateRealTimeThread(function(a) log("start " .. a .. " " .. now()) Sleep(100) log("woke " .. now()) Sleep(100) log("again " .. RealTime()) end, "x")
Waiter = CreateRealTimeThread(function() log("wait " .. tostring(WaitWakeup(1000))) log("waited " .. tostring(WaitWakeup(50))) end)
Msgs = CreateRealTimeThread(function() local left, v = WaitMsg("Go", 500) log("go " .. tostring(left) .. " " .. tostring(v)) log("timeout " .. select("#", WaitMsg("Never", 10))) end)
Gamer = CreateGameTimeThread(function() log("game " .. now()) Sleep(10) log("game woke " .. GameTime()) end)
Doomed = CreateRealTimeThread(function() Sleep(10) log("never") end)
Halter = CreateRealTimeThread(function() log("halting") Halt() log("never2") end)
function OnMsg.Sleepy() Sleep(1) end
function OnMsg.Spawn() CreateRealTimeThread(function() log("spawned") end) end`,
	}), engine.Options{})
	do(t, s, "run")
	eval(t, s, "DeleteThread(Doomed)")
	steps := []struct{ line, want string }{
		{"advance 50", "start x 0,wait true... skipped"},
	}
	_ = steps
	if got := eval(t, s, "return table.concat(Log, '|')"); got != "start x 0|halting" {
		t.Errorf("threads run at the end of the load: %s", got)
	}
	eval(t, s, "Wakeup(Waiter, 'hi')")
	do(t, s, "advance 100")
	do(t, s, "msg Go 5")
	do(t, s, "advance 200")
	got := eval(t, s, "return table.concat(Log, '|')")
	want := "start x 0|halting|wait true|waited false|woke 100|go 400 5|timeout 0|again 200"
	if got != want {
		t.Errorf("thread log:\n got %s\nwant %s", got, want)
	}
	if r := do(t, s, "msg Sleepy"); r.OK || !strings.Contains(r.Error, "cannot sleep") {
		t.Errorf("a handler that sleeps: %+v", r)
	}
	do(t, s, "msg Spawn")
	if got := eval(t, s, "return Log[#Log]"); got != "spawned" {
		t.Errorf("a thread created by a message runs after it: %s", got)
	}
	// Game time runs only while a map is running.
	if got := eval(t, s, "return GameTime(), IsValidThread(Gamer)"); got != "0\ttrue" {
		t.Errorf("game time without a map: %s", got)
	}
	eval(t, s, "ChangeMap('Mars')")
	do(t, s, "advance 20")
	if got := eval(t, s, "return GameTime(), IsValidThread(Gamer), Log[#Log]"); got != "20\tfalse\tgame woke 10" {
		t.Errorf("game time with a map: %s", got)
	}
	eval(t, s, "Pause('test')")
	do(t, s, "advance 20")
	if got := eval(t, s, "return GameTime(), RealTime()"); got != "20\t340" {
		t.Errorf("paused game time: %s", got)
	}
	r := s.Do(engine.Command{Op: "registries", Args: []any{"main"}})
	if rows := r.Registries.Model["threads"]; len(rows) != 0 {
		t.Errorf("every thread ended, registry says %v", rows)
	}
}

func TestThreadErrorsAndRunaways(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/t.lua": `
CreateRealTimeThread(function() Sleep(10) local x = nil; return x.field end)
CreateRealTimeThread(function() Sleep(20) while true do end end)
CreateRealTimeThread(function() while true do Sleep(0) end end)
After = 0
CreateRealTimeThread(function() Sleep(30) After = 1 end)`,
	}), engine.Options{Timeout: 500 * time.Millisecond})
	do(t, s, "run")
	start := time.Now()
	r := do(t, s, "advance 100")
	if time.Since(start) > 60*time.Second {
		t.Errorf("advance took %s", time.Since(start))
	}
	if r.OK {
		t.Errorf("advance with a runaway thread should fail")
	}
	if got := eval(t, s, "return After"); got != "1" {
		t.Errorf("the other threads still run: After = %s", got)
	}
	errs := strings.Join(errorsOf(s.Report()), "\n")
	for _, want := range []string{"Lua/t.lua:2:", "infinite loop", "Lua/t.lua:3"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors should mention %q:\n%s", want, errs)
		}
	}
}

func TestReload(t *testing.T) {
	dir := writeGame(t, map[string]string{
		"Lua/a.lua": `
Count = (Count or 0) + 1
Version = 1
Kept = Kept or "kept"
Pings = 0
if FirstLoad then OnlyFirst = true end
function OnMsg.Ping() Pings = Pings + 1 end
SawReload = SawReload or 0
DataRuns = DataRuns or 0
function OnMsg.ReloadLua() SawReload = SawReload + 1 end`,
		"Data/d.lua": "DataRuns = DataRuns + 1",
	})
	s := open(t, dir, engine.Options{})
	do(t, s, "run")
	if err := os.WriteFile(filepath.Join(dir, "Lua", "a.lua"), []byte(`
Count = (Count or 0) + 1
Version = 2
function OnMsg.Ping() Pings = Pings + 1 end
function OnMsg.ReloadLua() SawReload = SawReload + 1 end`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := do(t, s, "reload"); !r.OK {
		t.Fatalf("reload: %s", r.Error)
	}
	if got := eval(t, s, "return Count, Version, Kept, OnlyFirst, DataRuns, SawReload, FirstLoad, Loading"); got != "2\t2\tkept\ttrue\t1\t1\tfalse\tfalse" {
		t.Errorf("after reload: %s", got)
	}
	do(t, s, "msg Ping")
	if got := eval(t, s, "return Pings"); got != "1" {
		t.Errorf("handlers doubled after reload: Pings = %s", got)
	}
	// From Lua, and stepwise from the interface.
	eval(t, s, "ReloadLua()")
	if got := eval(t, s, "return Count"); got != "3" {
		t.Errorf("ReloadLua() from Lua: Count = %s", got)
	}
	if r := s.Do(engine.Command{Op: "reload", Stepwise: true}); !r.OK {
		t.Fatal(r.Error)
	}
	steps, next := s.Steps()
	if next != 0 || !reflect.DeepEqual(steps, autorun.ReloadSteps) {
		t.Errorf("stepwise reload: next %d steps %v", next, steps)
	}
	do(t, s, `until "Game Lua"`)
	if got := eval(t, s, "return Count, Loading"); got != "4\ttrue" {
		t.Errorf("mid-reload: %s", got)
	}
	do(t, s, "run")
	rep := s.Report()
	var msgs []string
	for _, m := range rep.Messages {
		msgs = append(msgs, m.Name)
	}
	if strings.Count(strings.Join(msgs, ","), "Start") != 1 || strings.Count(strings.Join(msgs, ","), "DataLoaded") != 1 {
		t.Errorf("Start and DataLoaded are first-load only: %v", msgs)
	}
}

func TestMods(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		`Mods/A "quoted" mod/metadata.lua`: `return PlaceObj("ModDef", {"id", "User", "title", "User mod", "code", {"Code/u.lua"},
			"dependencies", { PlaceObj("ModDependency", {"id", "Lib", "title", "The lib"}) }})`,
		`Mods/A "quoted" mod/Code/u.lua`: `Order = (Order or "") .. "user;" UserSees = LibThing UserFirst = FirstLoad UserId = CurrentModId`,
		"Mods/Z lib/metadata.lua":        `return PlaceObj("ModDef", {"id", "Lib", "code", {"Code/l.lua"}, "loctables", {"loc/en.csv"}})`,
		"Mods/Z lib/options.lua":         `Order = (Order or "") .. "liboptions;"`,
		"Mods/Z lib/Code/l.lua":          `Order = (Order or "") .. "lib;" LibThing = 7 LibFirst = FirstLoad function LibFirstNow() return FirstLoad end`,
		"Mods/Z lib/loc/en.csv":          "a,b\n",
		"Mods/Missing/metadata.lua":      `return PlaceObj("ModDef", {"id", "NeedsGhost", "code", {}, "dependencies", {PlaceObj("ModDependency", {"id", "Ghost"})}})`,
		"Mods/Chain/metadata.lua":        `return PlaceObj("ModDef", {"id", "Chain", "code", {"c.lua"}, "dependencies", {PlaceObj("ModDependency", {"id", "NeedsGhost"})}})`,
		"Mods/Chain/c.lua":               `ChainRan = true`,
		"Mods/Cyc1/metadata.lua":         `return PlaceObj("ModDef", {"id", "C1", "code", {"c.lua"}, "dependencies", {PlaceObj("ModDependency", {"id", "C2"})}})`,
		"Mods/Cyc1/c.lua":                `CycleRan = true`,
		"Mods/Cyc2/metadata.lua":         `return PlaceObj("ModDef", {"id", "C2", "code", {"c.lua"}, "dependencies", {PlaceObj("ModDependency", {"id", "C1"})}})`,
		"Mods/Cyc2/c.lua":                `CycleRan = true`,
		"Mods/Broken/metadata.lua":       "return PlaceObj('ModDef', {\n'id', 'Broken',\n 'code' {}})",
		"Mods/Looping/metadata.lua":      "while true do end",
		"Mods/Escape/metadata.lua":       `return PlaceObj("ModDef", {"id", "Escape", "code", {"../Z lib/Code/l.lua"}})`,
		"Lua/g.lua":                      "FirstLoad = FirstLoad",
	}), engine.Options{})
	start := time.Now()
	do(t, s, "run")
	if time.Since(start) > 30*time.Second {
		t.Errorf("a looping metadata.lua took %s", time.Since(start))
	}
	// options.lua is no engine file (the engine's options are items.lua's option items): not run.
	if got := eval(t, s, "return Order, UserSees, UserFirst, LibFirst, UserId, rawget(_G, 'ChainRan'), rawget(_G, 'CycleRan'), FirstLoad, LibFirstNow()"); got != "lib;user;\t7\ttrue\ttrue\tUser\tnil\tnil\tfalse\tfalse" {
		t.Errorf("mods: %s", got)
	}
	errs := strings.Join(errorsOf(s.Report()), "\n")
	for _, want := range []string{
		"Mods/Missing/metadata.lua: mod NeedsGhost (Mods/Missing) depends on Ghost, which is not installed",
		"Mods/Chain/metadata.lua: mod Chain (Mods/Chain) depends on NeedsGhost, which is skipped",
		"dependency cycle C1 -> C2 -> C1: mods C1, C2 are skipped",
		"Mods/Broken/metadata.lua:3:",
		"Mods/Looping/metadata.lua",
		"outside the mod's folder",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors should contain %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "User") || strings.Contains(errs, "Lib ") {
		t.Errorf("good mods should not be named in errors:\n%s", errs)
	}
	// A reload: the mods' FirstLoad is false now.
	do(t, s, "reload")
	if got := eval(t, s, "return UserFirst, LibFirst"); got != "false\tfalse" {
		t.Errorf("mods' FirstLoad after a reload: %s", got)
	}
}

func TestReadModDef(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    *autorun.ModDef
		wantErr string
	}{
		{"flat list", `return PlaceObj("ModDef", {"id", "X", "title", "T", "version", 3, "has_options", true, "code", {"a.lua", "b.lua"},
			"dependencies", {PlaceObj("ModDependency", {"id", "Y", "title", "Why"})}, "loctables", {"l.csv", {filename = "m.csv"}}})`,
			&autorun.ModDef{ID: "X", Title: "T", Version: "3", HasOptions: true, Code: []string{"a.lua", "b.lua"},
				Dependencies: []autorun.ModDep{{ID: "Y", Title: "Why"}}, Loctables: []string{"l.csv", "m.csv"}}, ""},
		{"T in a title", `return PlaceObj("ModDef", {"id", "X", "title", T(1, "Localized")})`, &autorun.ModDef{ID: "X", Title: "Localized"}, ""},
		{"not a ModDef", `return {}`, nil, "must return PlaceObj"},
		{"returns nothing", ``, nil, "must return PlaceObj"},
		{"syntax error", "return PlaceObj('ModDef', {\n'id' 'x'", nil, "m.lua:2"},
		{"runtime error", "local x = nil\nreturn x.y", nil, "m.lua:2"},
		{"infinite loop", "while true do end", nil, "infinite loop"},
		{"no file access", `return dofile("/etc/passwd")`, nil, "attempt to call"},
		{"bad code list", `return PlaceObj("ModDef", {"id", "X", "code", "a.lua"})`, nil, "list of file names"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := autorun.ReadModDef([]byte(tc.src), "Mods/m/m.lua")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d.Props = nil
			if !reflect.DeepEqual(d, tc.want) {
				t.Errorf("got %+v\nwant %+v", d, tc.want)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{"Lua/a.lua": ""}), engine.Options{})
	do(t, s, "run")
	tests := []struct{ code, want string }{
		{"return table.find({'a','b'}, 'b')", "2"},
		{"return table.find({{id=1},{id=2}}, 'id', 2)", "2"},
		{"return table.find_value({{id=1,v='x'}}, 'id', 1).v", "x"},
		{"local t={{id=1},{id=2}} table.remove_entry(t, 'id', 1) return #t, t[1].id", "1\t2"},
		{"local t={1,2,3} table.remove_value(t, 2) return table.concat(t, ',')", "1,3"},
		{"local t={1} return table.insert_unique(t, 1), table.insert_unique(t, 2), #t", "false\ttrue\t2"},
		{"return table.concat(table.iappend({1}, {2,3}), ',')", "1,2,3"},
		{"local a={x={y=1}} local b=table.copy(a, true) b.x.y=2 return a.x.y", "1"},
		{"return table.concat(table.icopy({1,2}), ',')", "1,2"},
		{"return table.concat(table.keys({b=1,a=2}, true), ',')", "a,b"},
		{"return table.concat(table.keys2({b=1,a=2,c=3}, true, 'b'), ',')", "a,c"},
		{"return table.concat(table.values({a=1,b=2}, true), ',')", "1,2"},
		{"return table.count({a=1,b=2,3})", "3"},
		{"return table.concat(table.ifilter({1,2,3,4}, function(i,v) return v%2==0 end), ',')", "2,4"},
		{"return table.concat(table.map({1,2}, function(v) return v*10 end), ',')", "10,20"},
		{"return next(table.clear({a=1}))", "nil"},
		{"return table.iequals({1,2},{1,2}), table.iequals({1},{2})", "true\tfalse"},
		{"return table.invert({'a'}).a", "1"},
		{"return table.concat(table.union({1,2},{2,3}), ',')", "1,2,3"},
		{"return table.concat(table.reverse({1,2,3}), ',')", "3,2,1"},
		{"local t = {{k=1,n='a'},{k=0,n='b'},{k=1,n='c'}} table.stable_sort(t, function(x,y) return x.k<y.k end) return t[1].n..t[2].n..t[3].n", "bac"},
		{"return table.rand({5}) ", "5\t1"},
		{"return ('hello'):starts_with('he'), string.ends_with('hello', 'lo')", "true\ttrue"},
		{"return table.concat(string.split('a,b,,c', ','), '|')", "a|b||c"},
		{"return tostring(T(123, 'Text')), tostring(T{4, 'Braced'})", "Text\tBraced"},
		// PlaceObj makes the object and nothing else (no Presets entry)
		{"return PlaceObj('Thing', {'id', 'x', 'n', 2}).n, rawget(Presets, 'Thing')", "2\tnil"},
		{"return const.Scale.sec, Min(3,1,2), Max(1,5), Clamp(9,0,5)", "1000\t1\t5\t5"},
		{"return Platform.pc, Platform.console", "true\tnil"},
		{"return ValueToLuaCode({1, a='x'})", "{\n\t1,\n\ta = \"x\",\n}"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			if got := eval(t, s, tc.code); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPostLoadOrder(t *testing.T) {
	s := open(t, writeGame(t, map[string]string{
		"Lua/a.lua": `
Seen = {}
function OnMsg.Autorun() Seen[#Seen+1] = "game autorun Loading=" .. tostring(Loading) .. " built=" .. tostring(IsKindOf(X:new(), "X")) end
function OnMsg.ClassesBuilt() Seen[#Seen+1] = "classes built" end
function OnMsg.Start() Seen[#Seen+1] = "start FirstLoad=" .. tostring(FirstLoad) end
function OnMsg.DataLoaded() Seen[#Seen+1] = "data " .. tostring(DataFile) end
DefineClass.X = {}
DataFile = false`,
		"Mods/M/metadata.lua": `return PlaceObj("ModDef", {"id", "M", "code", {"m.lua"}})`,
		"Mods/M/m.lua":        `function OnMsg.Autorun() Seen[#Seen+1] = "mod autorun" end`,
		"Data/d.lua":          `DataFile = true`,
	}), engine.Options{})
	do(t, s, "run")
	want := "classes built|game autorun Loading=true built=true|mod autorun|start FirstLoad=false|data true"
	if got := eval(t, s, "return table.concat(Seen, '|')"); got != want {
		t.Errorf("post load:\n got %s\nwant %s", got, want)
	}
}

// TestSampleLoadOrder pins the load order of the bundled sample, the
// picture a teacher shows (golden: testdata/sample.golden).
func TestSampleLoadOrder(t *testing.T) {
	s := open(t, filepath.Join("..", "..", "assets", "samples", "autorun"), engine.Options{})
	data, err := os.ReadFile(filepath.Join("..", "..", "assets", "samples", "autorun", "playthrough.events"))
	if err != nil {
		t.Fatal(err)
	}
	if r := do(t, s, "run"); !r.OK {
		t.Fatalf("the sample must load cleanly: %s", r.Error)
	}
	results := s.RunScript(engine.ParseScript(string(data)))
	var b strings.Builder
	rep := s.Report()
	for _, st := range rep.Steps {
		fmt.Fprintf(&b, "%s [%s]\n", st.Name, st.Kind)
		for _, f := range st.Files {
			fmt.Fprintf(&b, "  %s ok=%v\n", f.Path, f.OK)
		}
		if len(st.Messages) > 0 {
			fmt.Fprintf(&b, "  messages: %s\n", strings.Join(st.Messages, ", "))
		}
		if len(st.GlobalsAdded) > 0 && st.Name != autorun.StepCore {
			fmt.Fprintf(&b, "  added: %s\n", strings.Join(st.GlobalsAdded, ", "))
		}
	}
	for _, r := range results {
		fmt.Fprintf(&b, "event %d %s ok=%v %q %s\n", r.Line, r.Event, r.OK, r.Result, r.Error)
	}
	for _, o := range rep.Output {
		fmt.Fprintf(&b, "print %s: %s\n", o.Where, o.Text)
	}
	fmt.Fprintf(&b, "classes %d, errors %d, files ok %d failed %d\n", rep.Classes, len(rep.Errors), rep.Files.OK, rep.Files.Failed)
	golden := filepath.Join("testdata", "sample.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("sample load order changed; run `go test ./engine/autorun -run TestSampleLoadOrder -update` and review the diff.\n got:\n%s", b.String())
	}
	if len(rep.Errors) != 0 {
		t.Errorf("sample errors: %v", errorsOf(rep))
	}
}

// TestHandlersHaveTheirOwnDeadline: every OnMsg handler runs under a
// deadline of its own, and the sender's clock stops meanwhile. Several slow
// but finite handlers do not stop the file that sent the message; a handler
// that loops for ever is stopped alone, and the next handler and the rest of
// the sending file still run.
func TestHandlersHaveTheirOwnDeadline(t *testing.T) {
	// Each slow handler takes 30% of the deadline in CPU time, so that a
	// loaded machine (CPU time passing slower than the wall clock) still
	// finishes each one well inside its own deadline; four of them take
	// longer than one deadline.
	busy := `local t0 = os.clock() while os.clock() - t0 < 0.3 do end`
	s := open(t, writeGame(t, map[string]string{
		"Lua/a.lua": `
Ran = 0
for i = 1, 4 do
  OnMsg.Slow = function() ` + busy + ` Ran = Ran + 1 end
end
function OnMsg.Loop() while true do end end
function OnMsg.Loop() AfterLoop = true end
Msg("Slow")
Msg("Loop")
SenderFinished = true
`,
	}), engine.Options{Timeout: time.Second})
	do(t, s, "run")
	if got := eval(t, s, "return Ran"); got != "4" {
		t.Errorf("four slow handlers, together longer than the deadline, should all run: Ran = %s\n%s", got, strings.Join(errorsOf(s.Report()), "\n"))
	}
	if got := eval(t, s, "return AfterLoop"); got != "true" {
		t.Errorf("the handler after the looping one should run: AfterLoop = %s", got)
	}
	if got := eval(t, s, "return SenderFinished"); got != "true" {
		t.Errorf("the sending file should finish: SenderFinished = %s", got)
	}
	errs := errorsOf(s.Report())
	if len(errs) != 1 || !strings.Contains(errs[0], "infinite loop") || !strings.Contains(errs[0], "Lua/a.lua:6") {
		t.Errorf("want exactly the looping handler stopped at Lua/a.lua:6, got:\n%s", strings.Join(errs, "\n"))
	}
}
