-- [core]/threads.lua: cooperative threads on a virtual clock.
-- Threads are coroutines. Real-time threads follow RealTime(); game-time
-- threads follow GameTime(), which only runs while a map is running and the
-- game is not paused. Nothing runs by itself: the person advances the clock
-- (`advance 1000`), and threads that are due run at the end of every step.
local core, prim = ...

core.threads = core.threads or {}   -- thread -> record
core.thread_seq = core.thread_seq or 0

function RealTime() return prim.real_time() end
function GameTime() return prim.game_time() end

local function clock(domain)
	if domain == "game" then return prim.game_time() end
	return prim.real_time()
end

function core.current()
	local co = coroutine.running()
	if co and core.threads[co] then return co, core.threads[co] end
	return nil
end

function core.current_checked(what)
	if prim.in_handler() then
		error(what .. ": message handlers cannot sleep or wait (start a thread from the handler instead)", 3)
	end
	local co = core.current()
	if not co then
		error(what .. ": not called from a thread (start one with CreateRealTimeThread)", 3)
	end
	return co
end

local function create(domain, f, ...)
	if type(f) ~= "function" then
		error("Create" .. (domain == "game" and "GameTime" or "RealTime") .. "Thread: a function is expected, got " .. type(f), 3)
	end
	core.thread_seq = core.thread_seq + 1
	local co = coroutine.create(f)
	core.threads[co] = {
		seq = core.thread_seq, domain = domain, status = "ready", wake = clock(domain),
		args = { n = select("#", ...), ... }, created = prim.where(),
	}
	return co
end

function CreateRealTimeThread(f, ...) return create("real", f, ...) end
function CreateGameTimeThread(f, ...) return create("game", f, ...) end

function CurrentThread() return (core.current()) end
function IsValidThread(th) return th ~= nil and core.threads[th] ~= nil end

function GetThreadStatus(th)
	local rec = core.threads[th]
	return rec and rec.status or "dead"
end

function now()
	local _, rec = core.current()
	return clock(rec and rec.domain or "real")
end

-- core.suspend parks the running thread until the scheduler or a wake-up
-- resumes it; the values it is resumed with are returned.
function core.suspend(th, kind, timeout, msg)
	local rec = core.threads[th]
	rec.status = kind
	rec.msg = msg
	rec.wake = timeout and (clock(rec.domain) + math.max(0, timeout)) or nil
	return coroutine.yield()
end

function Sleep(ms)
	local th = core.current_checked("Sleep")
	core.suspend(th, "sleeping", tonumber(ms) or 0)
end

function WaitWakeup(timeout)
	local th = core.current_checked("WaitWakeup")
	return core.suspend(th, "waiting", timeout)
end

function Wakeup(th, ...)
	local rec = core.threads[th]
	if not rec or rec.status ~= "waiting" then return false end
	rec.status, rec.wake = "ready", clock(rec.domain)
	rec.args = { n = select("#", ...) + 1, true, ... }
	return true
end

local function forget(th)
	core.threads[th] = nil
	for name, list in pairs(core.waiters) do
		for i = #list, 1, -1 do
			if list[i] == th then table.remove(list, i) end
		end
		if #list == 0 then core.waiters[name] = nil end
	end
end

function DeleteThread(th)
	if th == nil then return end
	if th == core.current() then
		Halt()
	end
	forget(th)
end

function Halt()
	local th = core.current()
	if not th then
		error("Halt: not called from a thread", 2)
	end
	core.threads[th].status = "dead"
	forget(th)
	coroutine.yield()
end

-- core.resume runs th until it sleeps, waits, ends or fails.
function core.resume(th, ...)
	local rec = core.threads[th]
	if not rec then return end
	rec.status = "running"
	local saved = prim.enter_thread()
	local ok, err = coroutine.resume(th, ...)
	prim.leave_thread(saved)
	if not ok then
		forget(th)
		prim.thread_error(err, rec.created, th)
	elseif coroutine.status(th) == "dead" then
		forget(th)
	elseif rec.status == "running" then
		-- a plain coroutine.yield(): run again at the next pass
		rec.status, rec.wake = "ready", clock(rec.domain)
	end
end

function core.wake_waiter(th, name, ...)
	local rec = core.threads[th]
	if not rec or rec.status ~= "msg" or rec.msg ~= name then return end
	local left = true
	if rec.wake then left = math.max(0, rec.wake - clock(rec.domain)) end
	core.resume(th, left, ...)
end

-- core.next_wake returns the earliest wake time of each domain, or nil.
function core.next_wake()
	local real, game
	for _, rec in pairs(core.threads) do
		if rec.wake and rec.status ~= "running" then
			if rec.domain == "game" then
				if not game or rec.wake < game then game = rec.wake end
			elseif not real or rec.wake < real then
				real = rec.wake
			end
		end
	end
	return real, game
end

-- core.pop_due returns the thread to run next at the current time: the
-- earliest wake, then the oldest thread; pass keeps a thread from running
-- twice at one instant.
function core.pop_due(pass, game_runs)
	local best, brec
	for th, rec in pairs(core.threads) do
		if rec.wake and rec.status ~= "running" and rec.pass ~= pass
			and (rec.domain == "real" or game_runs)
			and rec.wake <= clock(rec.domain)
			and (not brec or rec.wake < brec.wake or (rec.wake == brec.wake and rec.seq < brec.seq)) then
			best, brec = th, rec
		end
	end
	if best then brec.pass = pass end
	return best
end

-- core.prepare readies a due thread to be resumed by the host: it returns
-- true and what the thread is owed (nil when the thread is gone).
function core.prepare(th)
	local rec = core.threads[th]
	if not rec then return nil end
	local args = rec.args
	rec.args = nil
	local status = rec.status
	rec.status = "running"
	if status == "msg" then
		-- WaitMsg timed out: no longer waiting
		local list = core.waiters[rec.msg]
		if list then
			for i = #list, 1, -1 do
				if list[i] == th then table.remove(list, i) end
			end
		end
		return true
	elseif status == "waiting" then
		return true, false
	end
	if args then
		return true, unpack(args, 1, args.n)
	end
	return true
end

-- core.after does the bookkeeping once the host resumed th.
function core.after(th, ok)
	local rec = core.threads[th]
	if not rec then return end
	if not ok or coroutine.status(th) == "dead" then
		forget(th)
	elseif rec.status == "running" then
		rec.status, rec.wake = "ready", clock(rec.domain)
	end
end

function core.thread_rows()
	local rows = {}
	for th, rec in pairs(core.threads) do
		rows[#rows + 1] = { id = tostring(th), seq = rec.seq, domain = rec.domain, status = rec.status,
			wake = rec.wake or -1, msg = rec.msg ~= nil and tostring(rec.msg) or "", created = rec.created or "" }
	end
	table.sort(rows, function(a, b) return a.seq < b.seq end)
	return rows
end
