package autorun

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// This file runs the engine's threads for a game that ships its loader
// (docs/shipped-loader.md, "Threads"). A real-time or game-time thread is a
// Lua coroutine of the context (the context's goroutine owns the state);
// modscope's scheduler resumes the threads on a virtual clock once
// autorun.lua has returned, as the engine does from its main loop: Sleep
// advances virtual time, WaitMsg resumes on Msg or its timeout, WaitWakeup
// on Wakeup or its timeout. Each resume runs under the watchdog (a thread
// that never yields is stopped alone); a run of the threads ends when none
// is runnable, when ThreadsVirtualBudget of virtual time has passed, or
// after MaxThreadResumes resumes.

// StepThreads is the step in which the threads first run after the loader
// has returned (the engine's main loop).
const StepThreads = "Threads"

// ThreadsVirtualBudget is the virtual time (ms) one run of the threads may
// advance the real-time clock: a thread that sleeps in a loop for ever
// (cthreads.lua's ReportThreads) is left waiting once it is reached.
const ThreadsVirtualBudget = 60_000

// MaxThreadResumes bounds the resumes of one run of the threads.
const MaxThreadResumes = 100_000

// MaxThreads bounds the threads alive at once; creating one more fails.
const MaxThreads = 10_000

// never is the wake time of a thread that waits without a timeout.
const never = -1

// gthread is one engine thread.
type gthread struct {
	co     *lua.LState
	real   bool   // a real-time thread (else game-time)
	src    string // where it was created (file:line)
	seq    int    // when it was created or last scheduled: equal wakes run in this order
	wake   int64  // virtual ms it is due at (never: waiting without timeout)
	msg    lua.LValue
	wakeup bool // in WaitWakeup
	args   []lua.LValue
	what   string // what it waits for, said when a run ends
}

// scheduler is the state of the engine's threads (owner goroutine only).
type scheduler struct {
	threads []*gthread
	byCo    map[*lua.LState]*gthread
	cur     *gthread // the thread running now
	paused  *gthread // the thread paused at a step (resumed first)
	rt, gt  int64    // the virtual real-time and game-time clocks (ms)
	seq     int
	start   int64 // rt when the current run began
	resumes int
	running bool // a run has begun and not ended (its steps pending)
	reg     *lua.LTable
}

func (s *scheduler) clock(g *gthread) int64 {
	if g.real {
		return s.rt
	}
	return s.gt
}

func (s *scheduler) alive() int { return len(s.threads) }

func (s *scheduler) remove(g *gthread) {
	for i, t := range s.threads {
		if t == g {
			s.threads = append(s.threads[:i], s.threads[i+1:]...)
			break
		}
	}
	delete(s.byCo, g.co)
	if s.reg != nil {
		s.reg.RawSet(g.co, lua.LNil)
	}
	if s.paused == g {
		s.paused = nil
	}
}

// next picks the thread to resume: the due one with the earliest wake time
// (then the oldest), advancing the real-time clock to the next timed wake
// when none is due and the budget allows. Game time does not advance: no
// map runs outside the game.
func (s *scheduler) next() *gthread {
	var best *gthread
	for _, g := range s.threads {
		if g.wake == never || g.wake > s.clock(g) {
			continue
		}
		if best == nil || g.wake < best.wake || (g.wake == best.wake && g.seq < best.seq) {
			best = g
		}
	}
	if best != nil {
		return best
	}
	var soonest int64 = never
	for _, g := range s.threads {
		if g.real && g.wake != never && (soonest == never || g.wake < soonest) {
			soonest = g.wake
		}
	}
	if soonest == never || soonest-s.start > ThreadsVirtualBudget {
		return nil
	}
	s.rt = soonest
	return s.next()
}

// dropThread ends g: no longer scheduled, registered or able to pause.
func (m *Shipped) dropThread(g *gthread) {
	m.sched.remove(g)
	delete(m.chain, g.co)
}

// exportThreads installs the engine's thread functions.
func (m *Shipped) exportThreads(L *lua.LState) {
	c := m.o
	s := &m.sched
	s.byCo = map[*lua.LState]*gthread{}
	def := func(name string, v lua.LValue) { c.AssignGlobalAt(name, v, "[engine]") }
	gfn := func(name string, f lua.LGFunction) { def(name, L.NewFunction(f)) }
	s.reg = L.CreateTable(0, 0)
	def("ThreadsRegister", s.reg)
	def("ThreadsMessageToThreads", L.CreateTable(0, 0))
	def("ThreadsThreadToMessage", L.CreateTable(0, 0))
	create := func(real bool) lua.LGFunction {
		return func(L *lua.LState) int {
			f := L.CheckFunction(1)
			if s.alive() >= MaxThreads {
				L.RaiseError("CreateRealTimeThread: more than %d threads alive", MaxThreads)
			}
			res, rec := c.CallIn(L, m.coFn("create"), []lua.LValue{f}, "CreateRealTimeThread")
			if rec != nil || len(res) == 0 {
				L.Push(lua.LFalse)
				return 1
			}
			co, ok := res[0].(*lua.LState)
			if !ok {
				L.Push(lua.LFalse)
				return 1
			}
			s.seq++
			g := &gthread{co: co, real: real, src: engine.WhereIn(L), seq: s.seq, what: "not started"}
			g.wake = s.clock(g)
			for i := 2; i <= L.GetTop(); i++ {
				g.args = append(g.args, L.Get(i))
			}
			s.threads = append(s.threads, g)
			s.byCo[co] = g
			s.reg.RawSet(co, lua.LString(g.src))
			m.chain[co] = true
			L.Push(co)
			return 1
		}
	}
	gfn("CreateRealTimeThread", create(true))
	gfn("CreateMapRealTimeThread", create(true))
	gfn("LaunchRealTimeThread", create(true))
	gfn("CreateGameTimeThread", create(false))
	thread := func(L *lua.LState) *gthread {
		if L.GetTop() == 0 {
			return s.cur
		}
		if co, ok := L.Get(1).(*lua.LState); ok {
			return s.byCo[co]
		}
		return nil
	}
	gfn("IsRealTimeThread", func(L *lua.LState) int {
		g := thread(L)
		L.Push(lua.LBool(g != nil && g.real))
		return 1
	})
	gfn("IsGameTimeThread", func(L *lua.LState) int {
		g := thread(L)
		L.Push(lua.LBool(g != nil && !g.real))
		return 1
	})
	gfn("IsValidThread", func(L *lua.LState) int {
		co, ok := L.Get(1).(*lua.LState)
		L.Push(lua.LBool(ok && s.byCo[co] != nil))
		return 1
	})
	current := func(L *lua.LState) int {
		if s.cur == nil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(s.cur.co)
		return 1
	}
	gfn("CurrentThread", current)
	m.e.RawSetString("current", L.NewFunction(current))
	gfn("GetThreadStatus", func(L *lua.LState) int {
		co, ok := L.Get(1).(*lua.LState)
		g := s.byCo[co]
		switch {
		case !ok || g == nil:
			L.Push(lua.LString("dead"))
		case g == s.cur:
			L.Push(lua.LString("running"))
		default:
			L.Push(lua.LString("suspended"))
		}
		return 1
	})
	gfn("CanYield", func(L *lua.LState) int {
		L.Push(lua.LBool(s.cur != nil && m.canPause(L)))
		return 1
	})
	m.e.RawSetString("check_yield", L.NewFunction(func(L *lua.LState) int {
		if s.cur == nil || !m.canPause(L) {
			L.RaiseError("%s: not in a thread that can yield (CanYield() is false)", waitName(L.OptString(1, "wait")))
		}
		return 0
	}))
	m.e.RawSetString("delete", L.NewFunction(func(L *lua.LState) int {
		if co, ok := L.Get(1).(*lua.LState); ok {
			if g := s.byCo[co]; g != nil && g != s.cur {
				m.dropThread(g)
			}
		}
		return 0
	}))
	gfn("MsgThreads", func(L *lua.LState) int {
		msg := L.Get(1)
		var rest []lua.LValue
		for i := 2; i <= L.GetTop(); i++ {
			rest = append(rest, L.Get(i))
		}
		for _, g := range s.threads {
			if g.msg != nil && g.msg == msg {
				g.msg, g.wake = nil, s.clock(g)
				s.seq++
				g.seq = s.seq
				g.args = append([]lua.LValue{lua.LTrue}, rest...)
			}
		}
		return 0
	})
	gfn("Wakeup", func(L *lua.LState) int {
		co, ok := L.Get(1).(*lua.LState)
		if !ok {
			return 0
		}
		if g := s.byCo[co]; g != nil && g.wakeup {
			g.wakeup, g.wake = false, s.clock(g)
			s.seq++
			g.seq = s.seq
			g.args = []lua.LValue{lua.LTrue}
			for i := 2; i <= L.GetTop(); i++ {
				g.args = append(g.args, L.Get(i))
			}
		}
		return 0
	})
	gfn("RealTime", func(L *lua.LState) int {
		L.Push(lua.LNumber(s.rt))
		return 1
	})
	gfn("GameTime", func(L *lua.LState) int {
		L.Push(lua.LNumber(s.gt))
		return 1
	})
	gfn("now", func(L *lua.LState) int {
		if s.cur != nil && !s.cur.real {
			L.Push(lua.LNumber(s.gt))
		} else {
			L.Push(lua.LNumber(s.rt))
		}
		return 1
	})
	gfn("InterruptAdvance", func(L *lua.LState) int { return 0 })
	for _, name := range []string{"Sleep", "WaitMsg", "WaitWakeup", "DeleteThread"} {
		def(name, m.e.RawGetString(name))
	}
}

func waitName(what string) string {
	switch what {
	case "sleep":
		return "Sleep"
	case "msg":
		return "WaitMsg"
	case "wakeup":
		return "WaitWakeup"
	case "die":
		return "DeleteThread"
	}
	return what
}

// runThreads resumes the threads until one pauses at a step (its name is
// returned: a Msg sent by a thread is a step, as the loader's are), none is
// runnable, or the run's budget is spent. Called on the owner goroutine
// outside any call (each resume is a top-level call under the watchdog).
func (m *Shipped) runThreads() (step string) {
	s := &m.sched
	if !s.running {
		s.running, s.start, s.resumes = true, s.rt, 0
	}
	for s.resumes < MaxThreadResumes {
		g := s.paused
		s.paused = nil
		if g == nil {
			g = s.next()
		}
		if g == nil {
			break
		}
		s.resumes++
		if step = m.resumeThread(g); step != "" {
			s.paused = g
			return step
		}
	}
	if s.resumes >= MaxThreadResumes {
		m.o.Print("warn", fmt.Sprintf("threads: stopped after %d resumes in one run (MaxThreadResumes); the threads wait", MaxThreadResumes))
	}
	s.running = false
	m.sayWaiting()
	return ""
}

// sayWaiting tells which threads are left waiting when a run ends, and
// for what (a thread waiting for a message nobody sends, a sleep beyond
// the run's virtual time).
func (m *Shipped) sayWaiting() {
	s := &m.sched
	if len(s.threads) == 0 {
		return
	}
	m.o.Print("info", fmt.Sprintf("threads: %d left waiting at virtual time %d ms (real time; game time %d ms: no map runs)", len(s.threads), s.rt, s.gt))
	for i, g := range s.threads {
		if i == 20 {
			m.o.Print("info", fmt.Sprintf("threads: … %d more", len(s.threads)-i))
			break
		}
		kind := "real-time"
		if !g.real {
			kind = "game-time"
		}
		m.o.Print("info", fmt.Sprintf("threads: %s thread created at %s: %s at %s", kind, g.src, g.what, engine.WhereIn(g.co)))
	}
}

// resumeThread resumes g once and handles what it yields.
func (m *Shipped) resumeThread(g *gthread) string {
	s := &m.sched
	c := m.o
	args := []lua.LValue{g.co}
	if g.msg != nil || g.wakeup {
		// its wait timed out
		g.msg, g.wakeup = nil, false
		args = append(args, lua.LFalse)
	} else {
		args = append(args, g.args...)
	}
	g.args = nil
	g.wake = never
	s.cur = g
	res, rec := c.Call(m.coFn("resume"), args, "thread created at "+g.src)
	s.cur = nil
	switch {
	case rec != nil || len(res) == 0:
		m.dropThread(g) // stopped (recorded)
		return ""
	case res[0] != lua.LTrue:
		msg := lua.LValue(lua.LString("the thread stopped"))
		if len(res) > 1 {
			msg = res[1]
		}
		c.RecordLuaError(g.co, msg, "thread created at "+g.src, "")
		m.dropThread(g)
		return ""
	case g.co.Status(g.co) == "dead":
		m.dropThread(g)
		return ""
	}
	if len(res) >= 3 && res[1] == m.mark {
		return lua.LVAsString(res[2])
	}
	s.seq++
	g.seq = s.seq // behind the others due at the same time
	now := s.clock(g)
	timeout := func(v lua.LValue) int64 {
		if n, ok := v.(lua.LNumber); ok && n >= 0 {
			return now + int64(n)
		}
		return never
	}
	if len(res) >= 3 && res[1] == m.wait {
		arg := func(i int) lua.LValue {
			if i < len(res) {
				return res[i]
			}
			return lua.LNil
		}
		g.what = waitName(lua.LVAsString(res[2])) + "(" + argString(arg(3)) + ")"
		switch lua.LVAsString(res[2]) {
		case "sleep":
			g.wake = now
			if n, ok := arg(3).(lua.LNumber); ok && n > 0 {
				g.wake = now + int64(n)
			}
		case "msg":
			g.msg, g.wake = arg(3), timeout(arg(4))
			if g.msg == lua.LNil {
				g.msg, g.wake = nil, now // WaitMsg(nil): nothing to wait for
			}
		case "wakeup":
			g.wakeup, g.wake = true, timeout(arg(3))
		case "die":
			m.dropThread(g)
		default:
			g.wake = now
		}
		return ""
	}
	// a bare coroutine.yield in a thread: it runs again at the same time
	g.wake, g.what = now, "coroutine.yield()"
	return ""
}

// msgStep names the step of a Msg: Msg("name"); a message that is an
// object (a dialog's Msg(self), WaitRealTimeThread's Msg(thread)) is named
// by its kind and class, never by its address (which changes every run).
func msgStep(message lua.LValue) string {
	switch v := message.(type) {
	case lua.LString, lua.LNumber, lua.LBool:
		return fmt.Sprintf("Msg(%q)", engine.HandlerKey(v))
	case *lua.LTable:
		if cls, ok := v.RawGetString("class").(lua.LString); ok {
			return fmt.Sprintf("Msg(<%s>)", string(cls))
		}
		if mt, ok := v.Metatable.(*lua.LTable); ok {
			if cls, ok := mt.RawGetString("class").(lua.LString); ok {
				return fmt.Sprintf("Msg(<%s>)", string(cls))
			}
		}
	}
	return fmt.Sprintf("Msg(<%s>)", message.Type().String())
}
