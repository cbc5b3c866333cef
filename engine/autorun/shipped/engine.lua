-- modscope's side of the engine for a game that ships its own loader
-- (CommonLua/Core/autorun.lua): the pieces of the C side that must be Lua so
-- that the loader can pause at its stages (docs/shipped-loader.md). It gets
-- E, a private table of Go primitives (never a global), and MARK, the value
-- a step pause yields. Chunk "=[modscope]/shipped.lua": positions skip it.
local E, MARK, WAIT = ...
local create, resume, status, yield = coroutine.create, coroutine.resume, coroutine.status, coroutine.yield
local select, type = select, type
local function pack(...) return { n = select("#", ...), ... } end
local unpack = table.unpack or unpack

-- finish drives a protected call that runs as a coroutine: a step pause
-- inside it is passed up (the loader's coroutine pauses as a whole); any
-- other yield fails (the loader runs on no thread); an error is recorded.
local function finish(co, r)
	while true do
		if not r[1] then
			if not r[3] then E.failed(co, r[2]) end
			return false, r[2]
		end
		if status(co) == "dead" then
			return unpack(r, 1, r.n)
		end
		if r[2] == WAIT then
			-- a thread's Sleep/WaitMsg/... inside a protected call: the
			-- thread waits as a whole, as the engine's procall lets it
			r = pack(E.resume(co, yield(unpack(r, 2, r.n))))
		elseif r[2] ~= MARK then
			-- the loader is not a thread: a yield here fails as in the engine
			local err = "attempt to yield from outside a coroutine (a protected call made while loading)"
			E.failed(co, err)
			return false, err
		else
			r = pack(E.resume(co, yield(MARK, r[3])))
		end
	end
end

-- E.co_pcall(f, ...) is a protected call that a step pause can cross.
function E.co_pcall(f, ...)
	local co = create(f)
	E.track(co)
	local r = pack(finish(co, pack(E.resume(co, ...))))
	E.untrack(co) -- ended: the chain keeps no dead coroutine
	return unpack(r, 1, r.n)
end

-- procall(f, ...): the engine's protected call (errors are printed, the
-- caller goes on); a file chunk from loadfile is recorded as a file run.
local LOADER = "CommonLua/Core/autorun.lua"

function E.procall(f, ...)
	local file = E.isfile(f)
	if file == LOADER and E.can_pause() then
		-- the loader itself (ReloadLua's dofile): its stages are steps too
		E.file_begin(LOADER)
		local r = pack(E.co_pcall(f, ...))
		E.file_end(LOADER, r[1], r[2])
		return unpack(r, 1, r.n)
	end
	if file then
		return E.runfile(f, ...)
	end
	if type(f) ~= "function" or not E.can_pause() then
		return E.pcall(f, ...)
	end
	return E.co_pcall(f, ...)
end

-- The loader's stages: dofile/dofolder called by autorun.lua, and Msg.
function E.wrap_loader(kind, orig)
	return function(name, ...)
		local step = E.boundary(kind, name)
		if step then yield(MARK, step) end
		return orig(name, ...)
	end
end

function E.wrap_msg(orig)
	return function(message, ...)
		local step = E.boundary("Msg", message)
		if step then yield(MARK, step) end
		E.sent(message, ...)
		return orig(message, ...)
	end
end

function E.wrap_clear(orig)
	return function(message, ...)
		E.clear(message)
		return orig(message, ...)
	end
end

function E.wrap_onmsg(orig)
	return function(t, message, func)
		E.register(message, func)
		return orig(t, message, func)
	end
end

-- What the engine's C side does at start-up: run autorun.lua, then send
-- Autorun and AutorunEnd (the sequence lib.lua's ReloadLua repeats).
function E.main()
	local f, err = loadfile(LOADER)
	if f then
		E.file_begin(LOADER)
		local ok, e = E.co_pcall(f)
		E.file_end(LOADER, ok, e)
	else
		E.syntax(err)
	end
	Msg("Autorun")
	Msg("AutorunEnd")
	MsgClear("AutorunEnd")
end

-- ReloadLua as the engine does it: the game's own ReloadLua (lib.lua),
-- else the start-up sequence.
function E.reload()
	local rl = rawget(_G, "ReloadLua")
	if type(rl) == "function" then
		return rl()
	end
	return E.main()
end

-- The engine's threads (docs/shipped-loader.md, "Threads"): a thread is a
-- coroutine that modscope's scheduler (Go, shipped_threads.go) resumes on
-- a virtual clock once autorun.lua has returned. A waiting function yields
-- WAIT and what it waits for; the scheduler resumes it with the result.
function E.wait(what, ...)
	E.check_yield(what)
	return yield(WAIT, what, ...)
end


function E.Sleep(ms) return E.wait("sleep", ms) end
function E.WaitMsg(message, timeout) return E.wait("msg", message, timeout) end
function E.WaitWakeup(timeout) return E.wait("wakeup", timeout) end

-- DeleteThread(thread, allow_if_current): the running thread ends only when
-- allowed (Halt()); another one is removed by the scheduler.
function E.DeleteThread(thread, allow_if_current)
	if thread ~= nil and thread == E.current() then
		if allow_if_current then E.wait("die") end
		return
	end
	return E.delete(thread)
end

-- ripairs(t): the engine's reverse ipairs, from #t down to 1 (a C global,
-- used by CommonLua/Dlc.lua's LoadDlcs); nil iterates nothing, as pairs does.
local function rnext(t, i)
	i = i - 1
	if i > 0 then return i, t[i] end
end
function E.ripairs(t)
	return rnext, t, (t and #t or 0) + 1
end

-- IsKindOf(object, class): the engine's class test (LuaExportedDocs'
-- LuaSharedLib.lua), on what the game's classes.lua builds: the object's
-- class, or one of its __ancestors. Anything but a table is of no class.
local rawget, getmetatable = rawget, getmetatable
function E.IsKindOf(object, class)
	if type(object) ~= "table" or class == nil then return false end
	if object.class == class then return true end
	local ancestors = object.__ancestors
	return type(ancestors) == "table" and rawget(ancestors, class) and true or false
end

function E.FindFirstIsKindOf(objects, class)
	if type(objects) ~= "table" then return end
	for i = 1, #objects do
		if E.IsKindOf(objects[i], class) then return objects[i] end
	end
end
