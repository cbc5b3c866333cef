local handlers = {}
function Msg(message, ...)
	local list = handlers[message]
	if list then
		for i = 1, #list do
			procall(list[i], ...)
		end
	end
end
function MsgClear(message)
	handlers[message] = nil
end
OnMsg = setmetatable({}, { __newindex = function(_, message, func)
	local list = handlers[message] or {}
	list[#list + 1] = func
	handlers[message] = list
end })
