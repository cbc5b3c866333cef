package engine

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// The in-process defenses (defenses.go, strlib.go, engine/lpattern,
// syntaxdepth.go and the caps in sandbox.go and context.go), each driven by
// the hostile code it exists for. Every case runs as a file under a 1 s
// watchdog and is followed by another file that must still run; "ends
// within" bounds are generous because the machine is shared.

const (
	// hostileTimeout is the watchdog for code that loops: it must be stopped.
	hostileTimeout = time.Second
	// finiteTimeout is the watchdog for code that must finish (or hit a
	// cap) on its own: a shared machine under -race can be very slow.
	finiteTimeout = 30 * time.Second
	hostileBound  = 20 * time.Second
)

// hostileCase is one piece of hostile code and what must come of it.
type hostileCase struct {
	name string
	code string
	// wantErr is a substring of the recorded error ("a|b": either); empty
	// means the file must run without error.
	wantErr string
	// check, if set, inspects the error record (or nil) and the output.
	check func(t *testing.T, rec *ErrorRecord, out []OutputLine)
	// timeout, if set, replaces the watchdog: by default 1 s when an
	// infinite loop is expected, finiteTimeout otherwise.
	timeout time.Duration
}

// runHostile runs code as Lua/hostile.lua then Lua/next.lua in a fresh
// context of a fresh folder and checks the outcome.
func runHostile(t *testing.T, tc hostileCase, opt Options) {
	t.Helper()
	switch {
	case tc.timeout > 0:
		opt.Timeout = tc.timeout
	case opt.Timeout > 0:
	case strings.Contains(tc.wantErr, "infinite loop"):
		opt.Timeout = hostileTimeout
	default:
		opt.Timeout = finiteTimeout
	}
	bound := max(hostileBound, 2*opt.Timeout)
	g := newTestGame(t, map[string]string{
		"Lua/hostile.lua": tc.code,
		"Lua/next.lua":    "next_ran = (next_ran or 0) + 1\n",
	}, opt)
	c := newTestContext(t, g)
	start := time.Now()
	runs := run(t, c, "Lua/hostile.lua", "Lua/next.lua")
	if el := time.Since(start); el > bound {
		t.Fatalf("took %v, want under %v", el, bound)
	}
	var errs []ErrorRecord
	var out []OutputLine
	var nextRan lua.LValue
	c.Do(func(o *Lua) { errs = o.Errors(); out = o.Output(); nextRan = o.GetGlobal("next_ran") })
	if !runs[1].OK || nextRan.String() != "1" {
		t.Fatalf("the next file did not run: %+v (next_ran = %v)", runs[1], nextRan)
	}
	var rec *ErrorRecord
	if len(errs) > 0 {
		rec = &errs[0]
	}
	switch {
	case tc.wantErr == "" && !runs[0].OK:
		t.Fatalf("want no error, got %+v", errs)
	case tc.wantErr != "" && runs[0].OK:
		t.Fatalf("want an error with %q, the file ran fine (output %+v)", tc.wantErr, out)
	case tc.wantErr != "":
		if !containsAny(rec.Message, tc.wantErr) {
			t.Fatalf("error %q, want %q", rec.Message, tc.wantErr)
		}
		if rec.File != "Lua/hostile.lua" || rec.Line < 1 || rec.Context != "main" {
			t.Fatalf("error record does not name the file and line: %+v", *rec)
		}
	}
	if tc.check != nil {
		tc.check(t, rec, out)
	}
}

// containsAny reports whether s contains one of the "|"-separated wants.
func containsAny(s, wants string) bool {
	for _, w := range strings.Split(wants, "|") {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func lastOutput(out []OutputLine) string {
	if len(out) == 0 {
		return ""
	}
	return out[len(out)-1].Text
}

func TestPatternMatchingIsBounded(t *testing.T) {
	cases := []hostileCase{
		// Before: gopher-lua's matcher ignores the deadline; this ran for hours.
		{name: "catastrophic find", code: "local s = string.rep('a', 1e5)\nreturn s:find('.-.-.-.-.-b')\n", wantErr: "infinite loop"},
		{name: "catastrophic match", code: "local s = string.rep('a', 5e4)\nreturn s:match('(.*)(.*)(.*)(.*)b')\n", wantErr: "infinite loop"},
		{name: "catastrophic gmatch", code: "for w in string.rep('a', 1e5):gmatch('.-.-.-.-b') do end\n", wantErr: "infinite loop"},
		{name: "catastrophic gsub", code: "local s = string.rep('a', 1e5)\nreturn s:gsub('.-.-.-.-b', '')\n", wantErr: "infinite loop"},
		// Before: each replacement copied the whole result: minutes.
		{name: "a million replacements are linear", code: "local r, n = string.rep('a', 1e6):gsub('a', 'bb')\nassert(n == 1e6 and #r == 2e6)\n"},
		// Before: 10 GB built in one Go call.
		{name: "huge replacement is capped", code: "local s = string.rep('a', 1e4)\nreturn s:gsub('a', string.rep('x', 1e6))\n", wantErr: "over the 64 MiB limit"},
		// Before: sixty million match records (5.6 GB) built eagerly.
		{name: "empty pattern on a 60 MB subject", code: "local s = string.rep('a', 6e7)\nreturn s:gsub('', 'x')\n", wantErr: "over the 64 MiB limit|infinite loop"},
		{name: "gmatch over a 60 MB subject is lazy", code: "local n = 0\nfor c in string.rep('a', 6e7):gmatch('') do n = n + 1 if n == 10 then break end end\nassert(n == 10)\n"},
		{name: "pattern nesting is bounded", code: "return ('a'):rep(3000):find(('a?'):rep(3000))\n", wantErr: "pattern too complex"},
		{name: "malformed set", code: "return ('x'):find('[a')\n", wantErr: "missing ']'"},
		{name: "pattern ending in an escape", code: "return ('x'):match('%')\n", wantErr: "ends with '%'"},
		{name: "invalid capture index", code: "return ('alo'):gsub('(.)', '%2')\n", wantErr: "invalid capture index"},
		// Found by FuzzLuaPattern: a back-reference to a position capture
		// sliced the subject with a negative length (a Go panic).
		{name: "back-reference to a position capture", code: "assert(('00'):find('()%1') == nil)\n"},
		{name: "frontier and balance work", code: "assert(('THE (quick) fox'):find('%f[%a]%a+', 5) == 6)\nassert(('x(a(b)c)y'):match('%b()') == '(a(b)c)')\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc, Options{}) })
	}
}

// TestPatternsPassLua51Suite runs Lua 5.1's own pattern-matching tests
// (with the cases gopher-lua fails restored) against the engine's matcher.
func TestPatternsPassLua51Suite(t *testing.T) {
	g, err := OpenGame("testdata/lua51", Options{Model: ModelAutorun, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	c := newTestContext(t, g)
	runs := run(t, c, "pm.lua")
	var out []OutputLine
	c.Do(func(o *Lua) { out = o.Output() })
	if !runs[0].OK || lastOutput(out) != "OK" {
		t.Fatalf("pm.lua: %+v, output %+v", runs[0], out)
	}
}

func TestStringAndTableCaps(t *testing.T) {
	cases := []hostileCase{
		// Before: 30 s and 1.5 GB filling the array part up to the key.
		{name: "sparse index far out", code: "local t = {}\nt[6e7] = 1\nt[2^40] = 2\ntable.insert(t, 5e7, 3)\nassert(t[6e7] == 1 and t[2^40] == 2 and t[5e7] == 3)\n"},
		{name: "appending stays an array", code: "local t = {}\nfor i = 1, 1e5 do t[#t + 1] = i end\nassert(#t == 1e5)\nfor i = 1, 10 do table.insert(t, i) end\nassert(#t == 1e5 + 10)\n"},
		// Before: a loop writing nothing 2^53 times.
		{name: "rep of the empty string", code: "assert(string.rep('', 2^53) == '')\nassert(string.rep('', 2^53, '') == '')\n"},
		{name: "rep over the cap", code: "return string.rep('x', 2^31)\n", wantErr: "over the 64 MiB limit"},
		{name: "concat over the cap", code: "local t = {}\nfor i = 1, 100 do t[i] = string.rep('x', 1e6) end\nreturn table.concat(t)\n", wantErr: "over the 64 MiB limit"},
		{name: "rep with a separator", code: "assert(string.rep('ab', 3, ',') == 'ab,ab,ab')\nassert(string.rep('ab', 1, ',') == 'ab')\n"},
		// Before: j-i overflowed, the cap passed, the loop ran 2^64 times.
		{name: "unpack over an overflowing range", code: "return unpack({}, -9e18, 9e18)\n", wantErr: "too many results"},
		{name: "concat over an overflowing range", code: "return table.concat({}, '', -9e18, 9e18)\n", wantErr: "over the limit"},
		// Before: ten million values pushed one stack slot at a time: minutes.
		{name: "byte of a whole big string", code: "return string.byte(string.rep('a', 1e7), 1, -1)\n", wantErr: "string slice too long"},
		{name: "byte keeps Lua 5.1 results", code: "assert(select('#', string.byte('abc', 1, -1)) == 3)\nassert(string.byte('abc') == 97)\nassert(string.byte('abc', 10) == nil)\n"},
		{name: "select of a huge unpack", code: "local t = {}\nfor i = 1, 1e5 do t[i] = i end\nreturn select('#', unpack(t))\n", wantErr: "too many results"},
		{name: "format width", code: "return string.format('%99999d', 1)\n", wantErr: "width or precision too long"},
		{name: "format argument index", code: "return string.format(string.rep('%[1]99d', 1000), 1)\n", wantErr: "invalid option '%['"},
		{name: "format star width", code: "return string.format('%*d', 1e9, 1)\n", wantErr: "invalid option '%*'"},
		{name: "format of a table with Go verbs", code: "return string.format('%#v', {})\n", wantErr: "invalid option '%v'"},
		{name: "format still formats", code: "assert(string.format('%5.2f|%-3d|%q|%%', 1.5, 7, 'a') == ' 1.50|7  |\"a\"|%')\n"},
		{name: "os.date with a giant format", code: "return os.date(string.rep('%c', 1e6))\n", wantErr: "os.date: format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc, Options{}) })
	}
	if lua.MaxArrayIndex != MaxArrayIndex {
		t.Fatalf("lua.MaxArrayIndex = %d, want %d", lua.MaxArrayIndex, MaxArrayIndex)
	}
}

func TestLoadGoesThroughSourceChecks(t *testing.T) {
	cases := []hostileCase{
		{name: "reader that never ends", code: "local p = string.rep('-', 1e6)\nlocal f, err = load(function() return p end)\nassert(not f)\nerror(err)\n", wantErr: "larger than the 16 MiB limit"},
		{name: "reader of tiny pieces for ever", code: "return load(function() return 'x' end)\n", wantErr: "infinite loop|larger than the 16 MiB limit"},
		{name: "load still loads", code: "local parts = {'return ', '4', '2'}\nlocal i = 0\nlocal f = assert(load(function() i = i + 1 return parts[i] end))\nassert(f() == 42)\nassert(loadstring('return ...')(7) == 7)\n"},
		{name: "loadstring of deep brackets", code: "local f, err = loadstring('x = ' .. string.rep('(', 1e5) .. '1' .. string.rep(')', 1e5))\nassert(not f)\nerror(err)\n", wantErr: "nesting deeper than"},
		// Before: at a million levels the compiler overflowed the Go stack,
		// a fatal error that no recover catches.
		{name: "loadstring of a long call chain", code: "local f, err = loadstring('x = f' .. string.rep('()', 1e5))\nassert(not f)\nerror(err)\n", wantErr: "deeper than 4000 levels"},
		{name: "loadstring of a not chain", code: "local f, err = loadstring('x = ' .. string.rep('not ', 1e5) .. '1')\nassert(not f)\nerror(err)\n", wantErr: "deeper than 4000 levels"},
		{name: "loaded code sees the globals", code: "assert(loadstring('return _G')() == _G)\nlocal f, err = loadstring('x = = 1', 'snippet')\nassert(not f and err:find('snippet:1:'), err)\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc, Options{}) })
	}
}

func TestHostileErrorValues(t *testing.T) {
	cases := []hostileCase{
		{name: "error object whose __tostring errors", code: "local o = setmetatable({}, {__tostring = function() error('x') end})\nprint(o)\nerror(o)\n",
			wantErr: "(error object is a table value)",
			check: func(t *testing.T, _ *ErrorRecord, out []OutputLine) {
				if lastOutput(out) != "(table: __tostring failed)" {
					t.Fatalf("print of the object: %+v", out)
				}
			}},
		{name: "__tostring that recurses", code: "local o = setmetatable({}, {})\ngetmetatable(o).__tostring = function(s) return tostring(s) end\nprint(o)\n",
			check: func(t *testing.T, _ *ErrorRecord, out []OutputLine) {
				if lastOutput(out) != "(table: __tostring failed)" {
					t.Fatalf("print of the object: %+v", out)
				}
			}},
		{name: "error(nil)", code: "local x = 1\nerror(nil)\n", wantErr: "(error object is a nil value)"},
		{name: "error with a table", code: "error({code = 7})\n", wantErr: "(error object is a table value)"},
		{name: "huge error message", code: "error(string.rep('x', 3e7))\n", wantErr: "more bytes",
			check: func(t *testing.T, rec *ErrorRecord, _ []OutputLine) {
				if len(rec.Message) > 8<<10 || len(rec.Traceback) > 16<<10 {
					t.Fatalf("record keeps %d bytes of message, %d of traceback", len(rec.Message), len(rec.Traceback))
				}
			}},
		{name: "error after many tail calls", code: "local function f(n) if n == 0 then error('bottom') end return f(n - 1) end\nf(1e5)\n", wantErr: "bottom",
			check: func(t *testing.T, rec *ErrorRecord, _ []OutputLine) {
				if len(rec.Traceback) > 16<<10 {
					t.Fatalf("traceback of %d bytes", len(rec.Traceback))
				}
			}},
		{name: "pcall recursion", code: "local function f() return pcall(f) end\nassert(f())\n"},
		{name: "xpcall whose handler errors", code: "print(xpcall(function() error('x') end, function(m) error(m) end))\nprint(xpcall(error, function() local function r() return r() + 1 end return r() end))\n"},
		{name: "__index function chain", code: "local inner = {y = 1}\nfor i = 1, 1e4 do local p = inner inner = setmetatable({}, {__index = function(_, k) return p[k] end}) end\nreturn inner.y\n", wantErr: "stack overflow"},
		{name: "__index table chain", code: "local t = {x = 1}\nfor i = 1, 1e5 do t = setmetatable({}, {__index = t}) end\nreturn t.x\n", wantErr: "recursion"},
		{name: "deep recursion", code: "local function f() return 1 + f() end\nf()\n", wantErr: "stack overflow"},
		// gopher-lua dereferences nil resuming a thread that yielded inside a
		// metamethod: a recovered Go panic, so a Lua error, not a crash.
		{name: "yield across a metamethod", code: "local co = coroutine.create(function()\n  local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end})\n  return t.x\nend)\nassert(coroutine.resume(co))\nprint(pcall(coroutine.resume, co, 5))\n"},
		{name: "math.random on an empty interval", code: "return math.random(0)\n", wantErr: "invalid argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc, Options{}) })
	}
}

func TestCoroutinesInheritDeadlines(t *testing.T) {
	cases := []hostileCase{
		{name: "resume", code: "local co = coroutine.create(function() while true do end end)\nlocal ok, err = coroutine.resume(co)\nerror(err)\n", wantErr: "infinite loop"},
		{name: "wrap", code: "local f = coroutine.wrap(function() while true do end end)\nf()\n", wantErr: "infinite loop"},
		{name: "nested", code: "local outer = coroutine.wrap(function()\n  local inner = coroutine.wrap(function() while true do end end)\n  inner()\nend)\nouter()\n", wantErr: "infinite loop"},
		{name: "pattern inside a coroutine", code: "local f = coroutine.wrap(function() return string.rep('a', 1e5):find('.-.-.-.-.-b') end)\nf()\n", wantErr: "infinite loop"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc, Options{}) })
	}
	// A coroutine created in one call and resumed in a later one runs under
	// the later call's deadline.
	g := newTestGame(t, map[string]string{
		"Lua/a.lua": "co = coroutine.create(function() coroutine.yield(1) while true do end end)\nassert(coroutine.resume(co))\n",
		"Lua/b.lua": "local ok, err = coroutine.resume(co)\nerror(err)\n",
		"Lua/c.lua": "after = true\n",
	}, Options{Timeout: hostileTimeout})
	c := newTestContext(t, g)
	start := time.Now()
	runs := run(t, c, "Lua/a.lua", "Lua/b.lua", "Lua/c.lua")
	if el := time.Since(start); el > hostileBound {
		t.Fatalf("took %v", el)
	}
	if !runs[0].OK || runs[1].OK || !strings.Contains(runs[1].Error, "infinite loop") || !runs[2].OK {
		t.Fatalf("runs %+v", runs)
	}
}

// heapObjects is the heap the watchdog looks at, after a collection.
func heapObjects() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestHeapWatchdogStopsRunawayContext(t *testing.T) {
	cases := []struct{ name, code, wantErr string }{
		{"table grown without end", "local t, i = {}, 0\nwhile true do i = i + 1 t[i] = string.rep('x', 1e6) .. i end\n", "memory limit exceeded"},
		{"string doubled without end", "local s = 'x'\nwhile true do s = s .. s end\n", "memory limit exceeded|over the|string length overflow"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGame(t, map[string]string{
				"Lua/runaway.lua": tc.code,
				// The next file runs long enough for the watchdog to look:
				// the runaway's garbage must not stop it.
				"Lua/next.lua": "local t0 = os.clock()\nwhile os.clock() - t0 < 0.3 do end\nnext_ran = true\n",
			}, Options{MemoryLimit: heapObjects() + 256<<20, Timeout: time.Minute})
			bystander := newTestContext(t, g)
			c := newTestContext(t, g)
			start := time.Now()
			runs := run(t, c, "Lua/runaway.lua", "Lua/next.lua")
			if el := time.Since(start); el > hostileBound {
				t.Fatalf("took %v", el)
			}
			if runs[0].OK || !containsAny(runs[0].Error, tc.wantErr) {
				t.Fatalf("runaway: %+v", runs[0])
			}
			if !runs[1].OK {
				t.Fatalf("the next file was stopped too: %+v", runs[1])
			}
			var vals []lua.LValue
			var rec *ErrorRecord
			bystander.Do(func(o *Lua) { vals, rec = o.RunString("alive", "return 1 + 1") })
			if rec != nil || vals[0].String() != "2" {
				t.Fatalf("another context: %v %+v", vals, rec)
			}
		})
	}
}

func TestOutputAndErrorFloodsAreCapped(t *testing.T) {
	// Before: every line was kept; unique 60 KB lines for 5 s are gigabytes
	// that outlive the call.
	runHostile(t, hostileCase{
		name:    "print flood",
		code:    "local s = string.rep('x', 6e4)\nlocal i = 0\nwhile true do i = i + 1 print(s .. i) end\n",
		wantErr: "infinite loop",
		check: func(t *testing.T, _ *ErrorRecord, out []OutputLine) {
			total := 0
			for _, o := range out {
				total += len(o.Text)
			}
			if total > MaxOutputBytes+(64<<10) || !strings.Contains(lastOutput(out), "output limit reached") {
				t.Fatalf("%d lines, %d bytes kept, last %.80q", len(out), total, lastOutput(out))
			}
		},
	}, Options{Timeout: 2 * time.Second})

	g := newTestGame(t, map[string]string{"Lua/h.lua": "function Fail() error('handler failed') end\n"}, Options{})
	c := newTestContext(t, g)
	run(t, c, "Lua/h.lua")
	var errs []ErrorRecord
	c.Do(func(o *Lua) {
		fn := o.GetGlobal("Fail").(*lua.LFunction)
		o.AddHandler("Tick", fn, "Lua/h.lua:1")
		for i := 0; i < MaxErrorRecords+500; i++ {
			for _, h := range o.HandlersOf("Tick") {
				o.Call(h.Fn, nil, h.Where)
			}
		}
		errs = o.Errors()
	})
	if len(errs) != MaxErrorRecords+1 || !strings.Contains(errs[len(errs)-1].Message, fmt.Sprintf("more than %d errors", MaxErrorRecords)) {
		t.Fatalf("%d errors kept, last %+v", len(errs), errs[len(errs)-1])
	}
}

func TestFifoInTheFolderIsNotOpened(t *testing.T) {
	g := newTestGame(t, map[string]string{"Lua/a.lua": "return 1"}, Options{})
	fifo := g.Dir + "/Lua/pipe.lua"
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	c := newTestContext(t, g)
	done := make(chan []FileRun, 1)
	go func() {
		var runs []FileRun
		c.Do(func(o *Lua) {
			r, _ := o.ExecFile("Lua/pipe.lua", nil)
			runs = append(runs, r)
			_, rec := o.RunString("reader", "return io.open('Lua/pipe.lua')")
			runs = append(runs, FileRun{OK: rec == nil})
		})
		done <- runs
	}()
	select {
	case runs := <-done:
		if runs[0].OK || !strings.Contains(runs[0].Error, "not a regular file") {
			t.Fatalf("running a FIFO: %+v", runs[0])
		}
	case <-time.After(hostileBound):
		t.Fatal("opening a FIFO blocked")
	}
}
