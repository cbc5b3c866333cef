-- [core]/msg.lua: the message system (step "Msg").
-- Msg(name, ...) runs every handler registered for name, in registration
-- order, then resumes every thread waiting on name (WaitMsg). Handlers are
-- registered by assigning into OnMsg: `function OnMsg.Start() ... end`.
local core, prim = ...

core.waiters = core.waiters or {}   -- name -> list of threads waiting in WaitMsg

OnMsg = setmetatable({}, {
	__newindex = function(_, name, handler)
		prim.register(name, handler)
	end,
	__index = function() return nil end,
	__metatable = "OnMsg",
})

function Msg(name, ...)
	if name == nil then
		error("Msg: the message name is nil", 2)
	end
	prim.dispatch(name, ...)
	local list = core.waiters[name]
	if list then
		core.waiters[name] = nil
		for _, th in ipairs(list) do
			core.wake_waiter(th, name, ...)
		end
	end
end

function MsgClear(name)
	if name == nil then
		error("MsgClear: the message name is nil", 2)
	end
	prim.clear(name)
end

-- WaitMsg(name, timeout) suspends the calling thread until name is sent.
-- It returns the time left (or true without a timeout) and the message's
-- arguments, or nothing when the timeout passed first.
function WaitMsg(name, timeout)
	if name == nil then
		error("WaitMsg: the message name is nil", 2)
	end
	local th = core.current_checked("WaitMsg")
	local list = core.waiters[name]
	if not list then
		list = {}
		core.waiters[name] = list
	end
	list[#list + 1] = th
	return core.suspend(th, "msg", timeout, name)
end

core.Msg = Msg
