package autorun

import (
	"fmt"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// exportEngine is step 2: the engine's own functions become globals, and
// the core runtime gets its private primitives (prim), which are never
// globals. Owner goroutine.
func (m *Model) exportEngine(L *lua.LState) {
	c := m.o
	m.core = L.CreateTable(0, 16)
	m.prim = L.CreateTable(0, 24)
	fn := func(name string, f lua.LGFunction) { m.prim.RawSetString(name, L.NewFunction(f)) }
	where := func(L *lua.LState) string {
		if w := engine.WhereIn(L, coreSource); w != "" {
			return w
		}
		return engine.WhereIn(L)
	}

	fn("register", func(L *lua.LState) int {
		name, handler := L.Get(1), L.Get(2)
		if name == lua.LNil {
			L.RaiseError("OnMsg: the message name is nil")
		}
		if handler == lua.LNil {
			return 0 // OnMsg.X = nil adds nothing (the engine appends nil to its list)
		}
		f, ok := handler.(*lua.LFunction)
		if _, isStub := engine.IsStub(handler); isStub && !ok {
			return 0 // stub mode: an engine function as handler (OnMsg.X = FlushLogFile) does nothing here
		}
		if !ok {
			L.RaiseError("OnMsg.%s: a handler must be a function, got %s", engine.HandlerKey(name), handler.Type())
		}
		c.AddHandler(engine.HandlerKey(name), f, where(L))
		return 0
	})
	fn("dispatch", func(L *lua.LState) int {
		name := L.Get(1)
		key := engine.HandlerKey(name)
		n := L.GetTop()
		args := make([]lua.LValue, 0, n-1)
		shown := make([]string, 0, n-1)
		for i := 2; i <= n; i++ {
			args = append(args, L.Get(i))
			shown = append(shown, argString(L.Get(i)))
		}
		rec := &engine.MessageRecord{Name: key, Context: c.Name, Args: shown, Step: c.Step()}
		m.pendingMsgs = append(m.pendingMsgs, rec)
		m.msgNest++
		start := time.Now()
		hs := c.HandlersOf(key)
		m.handlerDepth++
		for _, h := range hs {
			c.CallHandler(L, h.Fn, args, h.Where)
		}
		m.handlerDepth--
		rec.Handlers = len(hs)
		rec.Ms = float64(time.Since(start).Microseconds()) / 1000
		m.msgNest--
		if m.msgNest == 0 {
			// Report in the order they were sent, nested ones after their sender.
			pending := m.pendingMsgs
			m.pendingMsgs = nil
			for _, r := range pending {
				m.h.Emit(engine.Event{Kind: engine.EventMessage, Context: c.Name, Step: c.Step(), Message: r})
			}
		}
		return 0
	})
	fn("clear", func(L *lua.LState) int {
		c.ClearHandlers(engine.HandlerKey(L.Get(1)))
		return 0
	})
	fn("where", func(L *lua.LState) int {
		L.Push(lua.LString(where(L)))
		return 1
	})
	fn("define_global", func(L *lua.LState) int {
		c.AssignGlobalAt(L.CheckString(1), L.Get(2), where(L))
		return 0
	})
	fn("classes_built", func(L *lua.LState) int {
		m.mu.Lock()
		m.classCount = L.CheckInt(1)
		m.mu.Unlock()
		return 0
	})
	fn("class_error", func(L *lua.LState) int {
		file, line := engine.SplitWhere(L.OptString(1, ""))
		c.AddError(engine.ErrorRecord{File: file, Line: line, Message: L.CheckString(2)})
		return 0
	})
	fn("missing_parent", func(L *lua.LState) int {
		// stub mode: an undefined parent is an engine class (engine/rootcause.go)
		L.Push(lua.LBool(c.MissingParent(L.CheckString(1), L.CheckString(2), L.OptString(3, ""))))
		return 1
	})
	fn("inherit", func(L *lua.LState) int {
		// the class build's member copy: every member of parent (in pairs
		// order) that class lacks and skip does not name (classes.lua)
		class, parent, skip := L.CheckTable(1), L.CheckTable(2), L.CheckTable(3)
		for k, v := parent.Next(lua.LNil); k != lua.LNil; k, v = parent.Next(k) {
			if class.RawGet(k) == lua.LNil && skip.RawGet(k) == lua.LNil {
				class.RawSet(k, v)
			}
		}
		return 0
	})
	// The member sources of the class build's complex path (classes.lua,
	// after the engine's ResolveComplexInheritance): member -> the name of
	// the class whose definition holds the value.
	fn("own_sources", func(L *lua.LState) int {
		// own_sources(class, name, skip, hint): each member of class (in
		// pairs order) that skip does not name, with name as its source; the
		// table is sized for class's members and those of hint (a parent's
		// sources, merged in next)
		class, name, skip := L.CheckTable(1), L.Get(2), L.CheckTable(3)
		n := 0
		for _, t := range []*lua.LTable{class, L.OptTable(4, nil)} {
			if t != nil {
				for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
					n++
				}
			}
		}
		t := L.CreateTable(0, n)
		for k, _ := class.Next(lua.LNil); k != lua.LNil; k, _ = class.Next(k) {
			if skip.RawGet(k) == lua.LNil {
				t.RawSet(k, name)
			}
		}
		L.Push(t)
		return 1
	})
	fn("merge_sources", func(L *lua.LState) int {
		// merge_sources(sources, parent_sources, parent_ancestors, name): a
		// member of the parent is taken when the class does not define it
		// and it is unset or set by one of the parent's ancestors; two
		// unrelated sources keep the first (the engine asserts)
		sources, parent, ancestors, name := L.CheckTable(1), L.CheckTable(2), L.CheckTable(3), L.Get(4)
		for k, v := parent.Next(lua.LNil); k != lua.LNil; k, v = parent.Next(k) {
			src := sources.RawGet(k)
			if src == name || src == v {
				continue
			}
			if src == lua.LNil || ancestors.RawGet(src) != lua.LNil {
				sources.RawSet(k, v)
			}
		}
		return 0
	})
	fn("copy_resolved", func(L *lua.LState) int {
		// copy_resolved(class, sources, defs, name, cache, cache_ancestors):
		// the value of each member whose source is another class, except
		// __hierarchy_cache and those supplied by cache (the cached class
		// the class reads through) or one of cache_ancestors
		class, sources, defs, name := L.CheckTable(1), L.CheckTable(2), L.CheckTable(3), L.Get(4)
		cache := L.Get(5)
		cacheAnc, _ := L.Get(6).(*lua.LTable)
		for k, s := sources.Next(lua.LNil); k != lua.LNil; k, s = sources.Next(k) {
			if s == name || k == lua.LString("__hierarchy_cache") {
				continue
			}
			if cache != lua.LNil && (s == cache || (cacheAnc != nil && cacheAnc.RawGet(s) != lua.LNil)) {
				continue
			}
			if src, ok := defs.RawGet(s).(*lua.LTable); ok {
				class.RawSet(k, src.RawGet(k))
			}
		}
		return 0
	})
	fn("engine_table", func(L *lua.LState) int {
		// stub mode: missing fields of t are stand-ins (engine/stubfields.go)
		c.EngineTable(L.CheckTable(1), L.CheckString(2), L.OptString(3, ""))
		L.Push(L.Get(1))
		return 1
	})
	fn("stub_class_meta", func(L *lua.LState) int {
		parent := L.CheckString(1)
		meta := L.CreateTable(0, 1)
		meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			L.Push(c.StubMember(L, parent, L.Get(2)))
			return 1
		}))
		L.Push(meta)
		return 1
	})
	fn("thread_error", func(L *lua.LState) int {
		created := L.OptString(2, "")
		what := "thread"
		if th, ok := L.Get(3).(*lua.LState); ok {
			// where the thread was when it failed (a watchdog stop names no line)
			if w := engine.WhereIn(th, coreSource); w != "" {
				what = w
			}
		}
		v := L.Get(1)
		if msg, ok := v.(lua.LString); ok && strings.HasPrefix(string(msg), coreSource) && what != "thread" {
			// the position is the scheduler's resume: drop it for the thread's own
			if i := strings.Index(string(msg), ": "); i >= 0 {
				v = lua.LString(what + ": " + string(msg)[i+2:])
			}
		}
		c.RecordLuaError(L, v, what, "thread created at "+created)
		return 0
	})
	fn("in_handler", func(L *lua.LState) int {
		L.Push(lua.LBool(m.handlerDepth > 0))
		return 1
	})
	fn("enter_thread", func(L *lua.LState) int {
		L.Push(lua.LNumber(m.handlerDepth))
		m.handlerDepth = 0
		return 1
	})
	fn("leave_thread", func(L *lua.LState) int {
		m.handlerDepth = L.OptInt(1, 0)
		return 0
	})
	fn("real_time", func(L *lua.LState) int {
		L.Push(lua.LNumber(m.realTime))
		return 1
	})
	fn("game_time", func(L *lua.LState) int {
		L.Push(lua.LNumber(m.gameTime))
		return 1
	})
	fn("map_running", func(L *lua.LState) int {
		m.mapRunning = L.ToBool(1)
		if m.mapRunning {
			m.gameTime = 0
		}
		return 0
	})
	fn("paused", func(L *lua.LState) int {
		m.paused = L.ToBool(1)
		return 0
	})
	fn("rand", func(L *lua.LState) int {
		n := L.CheckInt(1)
		if n <= 0 {
			L.Push(lua.LNumber(0))
			return 1
		}
		L.Push(lua.LNumber(m.rng.Intn(n)))
		return 1
	})
	fn("dofile", func(L *lua.LState) int {
		run, res, ok := m.luaDofile(L, where)
		if !ok || !run.OK {
			return 0
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	})
	fn("pdofile", func(L *lua.LState) int {
		run, res, ok := m.luaDofile(L, nil) // pdofile is silent: it returns the error
		if !ok {
			L.Push(lua.LFalse)
			L.Push(lua.LString("cannot read " + L.CheckString(1)))
			return 2
		}
		return pushOutcome(L, run.OK, run.Error, res)
	})
	fn("folder_order", func(L *lua.LState) int {
		folder := strings.TrimSuffix(strings.ReplaceAll(L.CheckString(1), "\\", "/"), "/")
		var files []loadFile
		if _, err := engine.CleanPath(folder); err == nil {
			switch L.OptString(2, "all") {
			case "files":
				files = dofolderFilesOrder(m.g, folder)
			case "folders":
				files = dofolderFoldersOrder(m.g, folder)
			default:
				files = dofolderOrder(m.g, folder)
			}
		}
		t := L.CreateTable(len(files), 0)
		for _, f := range files {
			e := L.CreateTable(2, 0)
			e.Append(lua.LString(f.Path))
			if f.Arg != "" {
				e.Append(lua.LString(f.Arg))
			}
			t.Append(e)
		}
		L.Push(t)
		return 1
	})
	fn("list_lua", func(L *lua.LState) int {
		folder := strings.TrimSuffix(L.CheckString(1), "/")
		files := m.g.ListLua(folder)
		if !L.ToBool(2) {
			files = direct(files, folder)
		}
		t := L.CreateTable(len(files), 0)
		for _, f := range files {
			t.Append(lua.LString(f))
		}
		L.Push(t)
		return 1
	})

	// The engine's exports proper: these are globals.
	c.AssignGlobalAt("ReloadLua", L.NewFunction(func(L *lua.LState) int {
		m.reloadPending = true
		m.reloadWhere = engine.WhereIn(L, "[core]/")
		c.Print("info", "ReloadLua(): the reload runs when the current code returns")
		return 0
	}), "[engine]")
	c.AssignGlobalAt("GetEngineVersion", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("modscope"))
		return 1
	}), "[engine]")
}

// luaDofile runs dofile(name, fenv, ...) for the core's dofile/pdofile:
// protected (an error is recorded and the caller goes on), in fenv or else
// the environment of the game code that called (a mod's dofile runs in the
// mod's environment), recorded as a file run. ok is false when the file
// cannot be read (recorded too, naming the caller's file:line, unless
// where is nil: pdofile only returns the error).
func (m *Model) luaDofile(L *lua.LState, where func(*lua.LState) string) (engine.FileRun, []lua.LValue, bool) {
	name := strings.ReplaceAll(L.CheckString(1), "\\", "/")
	env, _ := L.Get(2).(*lua.LTable)
	if env == nil {
		env = callerEnv(L, coreSource)
	}
	var args []lua.LValue
	for i := 3; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	rel, err := engine.CleanPath(name)
	if err == nil && !m.g.Exists(rel) {
		err = fmt.Errorf("cannot read %s: no such file in the game folder", rel)
	}
	if err != nil {
		if where != nil {
			file, line := engine.SplitWhere(where(L))
			m.o.AddError(engine.ErrorRecord{File: file, Line: line, Message: "dofile: " + err.Error()})
		}
		return engine.FileRun{}, nil, false
	}
	run, res := m.o.ExecFileArgs(rel, env, args)
	return run, res, true
}

// callerEnv is the environment of the innermost game function on L's
// stack (frames of modscope's own chunks, whose source names start with
// skip, passed over), or nil for the globals.
func callerEnv(L *lua.LState, skip string) *lua.LTable {
	for lv := 0; lv < 32; lv++ {
		dbg, ok := L.GetStack(lv)
		if !ok {
			return nil
		}
		v, err := L.GetInfo("f", dbg, lua.LNil)
		if err != nil {
			continue
		}
		f, ok := v.(*lua.LFunction)
		if !ok || f.IsG || f.Proto == nil || strings.HasPrefix(f.Proto.SourceName, skip) {
			continue
		}
		return f.Env
	}
	return nil
}

// argString renders a message argument for the report.
func argString(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		s := string(x)
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		return fmt.Sprintf("%q", s)
	case lua.LNumber, lua.LBool, *lua.LNilType:
		return v.String()
	default:
		return v.Type().String()
	}
}

// coreFn returns a function of the core runtime, or nil before it ran.
func (m *Model) coreFn(name string) *lua.LFunction {
	if m.core == nil {
		return nil
	}
	f, _ := m.core.RawGetString(name).(*lua.LFunction)
	return f
}

func (m *Model) gameRuns() bool { return m.mapRunning && !m.paused }

// runDue runs every thread due at the current time, oldest wake first;
// each resumption has its own watchdog deadline. It returns how many ran.
func (m *Model) runDue(L *lua.LState, budget int) int {
	pop := m.coreFn("pop_due")
	if pop == nil {
		return 0
	}
	m.pass++
	n := 0
	for n < budget {
		res, rec := m.o.Call(pop, []lua.LValue{lua.LNumber(m.pass), lua.LBool(m.gameRuns())}, "[core] scheduler")
		if rec != nil || len(res) == 0 || res[0] == lua.LNil {
			break
		}
		m.resumeThread(res[0])
		n++
	}
	return n
}

// resumeThread resumes one due thread from the host, so that a thread that
// runs away is stopped on its own (its own watchdog deadline) and its error
// names the thread's own line.
func (m *Model) resumeThread(th lua.LValue) {
	c := m.o
	prep, after := m.coreFn("prepare"), m.coreFn("after")
	co, _ := c.GetGlobal("coroutine").(*lua.LTable)
	var resume lua.LValue = lua.LNil
	if co != nil {
		resume = co.RawGetString("resume")
	}
	if prep == nil || after == nil || resume == lua.LNil {
		return
	}
	args, rec := c.Call(prep, []lua.LValue{th}, "[core] scheduler")
	if rec != nil || len(args) == 0 || args[0] == lua.LNil {
		return
	}
	saved := m.handlerDepth
	m.handlerDepth = 0
	res, rec := c.Call(resume, append([]lua.LValue{th}, args[1:]...), "thread")
	m.handlerDepth = saved
	ok := rec == nil && len(res) > 0 && res[0] == lua.LTrue
	if rec == nil && !ok && len(res) > 1 {
		what := "thread"
		if t, isThread := th.(*lua.LState); isThread {
			if w := engine.WhereIn(t, coreSource); w != "" {
				what = w
			}
		}
		v := res[1]
		if msg, isStr := v.(lua.LString); isStr {
			if pos, _, ok := strings.Cut(string(msg), ": "); ok && strings.Contains(pos, ":") && !strings.HasPrefix(pos, coreSource) {
				what = pos // the message names the thread's own line
			}
			text := stripPos(string(msg))
			if strings.Contains(text, "context deadline exceeded") {
				text = fmt.Sprintf("stopped after %s: this looks like an infinite loop (context %s, thread at %s)", m.g.Timeout, c.Name, what)
			}
			v = lua.LString(what + ": " + text)
		}
		c.RecordLuaError(c.L, v, what, "")
	}
	c.Call(after, []lua.LValue{th, lua.LBool(ok)}, "[core] scheduler")
}

// stripPos drops a leading "file:line: " from an error message.
func stripPos(msg string) string {
	if i := strings.Index(msg, ": "); i > 0 && strings.Contains(msg[:i], ":") {
		return msg[i+2:]
	}
	return msg
}

// runThreads runs the threads due now (after a load or a command), each
// once: a thread that sleeps 0 runs again at the next tick of the clock.
func (m *Model) runThreads(L *lua.LState, _ bool) {
	m.runDue(L, maxResumes)
}

// nextWake returns the real time at which the next thread wakes.
func (m *Model) nextWake() (int64, bool) {
	nw := m.coreFn("next_wake")
	if nw == nil {
		return 0, false
	}
	res, rec := m.o.Call(nw, nil, "[core] scheduler")
	if rec != nil || len(res) < 2 {
		return 0, false
	}
	best, ok := int64(0), false
	if r, isNum := res[0].(lua.LNumber); isNum {
		best, ok = int64(r), true
	}
	if g, isNum := res[1].(lua.LNumber); isNum && m.gameRuns() {
		at := m.realTime + (int64(g) - m.gameTime)
		if !ok || at < best {
			best, ok = at, true
		}
	}
	return best, ok
}

// tick moves both clocks forward by d ms.
func (m *Model) tick(d int64) {
	if d <= 0 {
		return
	}
	m.realTime += d
	if m.gameRuns() {
		m.gameTime += d
	}
}

// advance moves the virtual clock forward by ms, running every thread at
// its wake time on the way.
func (m *Model) advance(L *lua.LState, ms int64) engine.Result {
	target := m.realTime + ms
	total := 0
	for {
		total += m.runDue(L, maxResumes-total)
		if total >= maxResumes {
			return m.tooManyWakes()
		}
		at, ok := m.nextWake()
		if !ok || at > target {
			break
		}
		if at <= m.realTime {
			at = m.realTime + 1 // due again at once (Sleep(0)): the next tick
		}
		m.tick(at - m.realTime)
	}
	m.tick(target - m.realTime)
	total += m.runDue(L, maxResumes-total)
	if total >= maxResumes {
		return m.tooManyWakes()
	}
	return engine.Result{OK: true, Result: fmt.Sprintf("real time %d ms, game time %d ms, %d thread runs", m.realTime, m.gameTime, total)}
}

// advanceNext moves the clock to the next wake-up and runs what is due.
func (m *Model) advanceNext(L *lua.LState) engine.Result {
	at, ok := m.nextWake()
	if !ok {
		return engine.Result{OK: true, Result: "no thread is waiting for a time"}
	}
	return m.advance(L, max(0, at-m.realTime))
}

func (m *Model) tooManyWakes() engine.Result {
	msg := fmt.Sprintf("advance: threads were resumed %d times at or before %d ms (a thread that never sleeps, or Sleep(0) in a loop?); the clock stopped there", maxResumes, m.realTime)
	m.o.AddError(engine.ErrorRecord{File: "[threads]", Message: msg})
	return engine.Failed("%s", msg)
}

// Registries implements engine.RegistryProvider: classes, threads, mods
// and the clock.
func (m *Model) Registries() map[string][]map[string]any {
	out := map[string][]map[string]any{"classes": {}, "threads": {}, "mods": {}, "clock": {}}
	for i, d := range m.modList() {
		deps := make([]string, len(d.Dependencies))
		for j, dep := range d.Dependencies {
			deps[j] = dep.ID
		}
		out["mods"] = append(out["mods"], map[string]any{"order": i + 1, "id": d.ID, "title": d.Title,
			"folder": d.Folder, "dependencies": strings.Join(deps, ", "), "code": len(d.Code)})
	}
	m.mu.Lock()
	for _, p := range m.problems {
		out["mods"] = append(out["mods"], map[string]any{"folder": p.File, "skipped": p.Msg})
	}
	m.mu.Unlock()
	c := m.context()
	if c == nil {
		return out
	}
	err := c.Do(func(o *engine.Lua) {
		rows := func(name string) []map[string]any {
			f := m.coreFn(name)
			if f == nil {
				return []map[string]any{}
			}
			res, rec := o.Call(f, nil, "[core] registry")
			if rec != nil || len(res) == 0 {
				return []map[string]any{}
			}
			list, _ := engine.ToPlain(res[0], 3).([]any)
			out := make([]map[string]any, 0, len(list))
			for _, r := range list {
				if row, ok := r.(map[string]any); ok {
					out = append(out, row)
				}
			}
			return out
		}
		out["classes"] = rows("class_rows")
		out["threads"] = rows("thread_rows")
		// each mod's items and option values (once its items.lua ran)
		for _, row := range out["mods"] {
			id, _ := row["id"].(string)
			mod, ok := m.modDefs[id].(*lua.LTable)
			if id == "" || !ok {
				continue
			}
			if items, ok := mod.RawGetString("items").(*lua.LTable); ok {
				row["items"] = items.Len()
			}
			if opts, ok := mod.RawGetString("options").(*lua.LTable); ok {
				var kv []string
				opts.ForEach(func(k, v lua.LValue) {
					if ks, isStr := k.(lua.LString); isStr && !strings.HasPrefix(string(ks), "__") && string(ks) != "properties" {
						kv = append(kv, string(ks)+" = "+o.DisplayString(v))
					}
				})
				sort.Strings(kv)
				row["options"] = strings.Join(kv, ", ")
			}
		}
		out["clock"] = []map[string]any{{"real_time": m.realTime, "game_time": m.gameTime,
			"map_running": m.mapRunning, "paused": m.paused}}
	})
	if err != nil { // unloaded meanwhile: the rows say why they are empty
		out["clock"] = []map[string]any{registryError(c, err)}
	}
	return out
}

// pushOutcome returns a protected call's outcome to Lua as pcall does:
// false and the message, or true and the results.
func pushOutcome(L *lua.LState, ok bool, msg string, res []lua.LValue) int {
	if !ok {
		L.Push(lua.LFalse)
		L.Push(lua.LString(msg))
		return 2
	}
	L.Push(lua.LTrue)
	for _, v := range res {
		L.Push(v)
	}
	return len(res) + 1
}
