-- The message system in the shape of the engine's cthreads.lua (written for
-- modscope's tests): Msg calls the static handlers, then wakes the threads
-- waiting in WaitMsg through the engine's MsgThreads.
local handlers = {}
function Msg(message, ...)
	local list = handlers[message]
	if list then
		for i = 1, #list do
			procall(list[i], ...)
		end
	end
	MsgThreads(message, ...)
end
function MsgClear(message)
	handlers[message] = nil
end
OnMsg = setmetatable({}, { __newindex = function(_, message, func)
	local list = handlers[message] or {}
	list[#list + 1] = func
	handlers[message] = list
end })
function Halt()
	DeleteThread(CurrentThread(), true)
end
