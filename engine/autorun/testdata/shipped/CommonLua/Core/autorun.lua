-- A small loader in the shape of the engine's CommonLua/Core/autorun.lua
-- (written for modscope's tests): the engine's dofile loads the message
-- system and the library, which replaces dofile and defines dofolder.
Loading = true
os.setlocale("C")
collectgarbage("stop")
if FirstLoad == nil then
	FirstLoad = true
	setmetatable(_G, {
		__index = function(_, key) error("Attempt to use an undefined global '" .. tostring(key) .. "'", 1) end,
		__newindex = function(t, key, value)
			if not Loading then error("Attempt to create a new global '" .. tostring(key) .. "'", 1) end
			rawset(t, key, value)
		end,
	})
end
Loads = (rawget(_G, "Loads") or 0) + 1
if not Platform.cmdline then
	Platform.developer = io.exists("developer.lua") or nil
end
dofile("CommonLua/Core/msg.lua")
dofile("CommonLua/Core/lib.lua")
dofile("CommonLua/Core/classes.lua")
SetBuildRevision(123)
CmdLine = GetAppCmdLine()
dofolder("Lua")

function OnMsg.Autorun()
	MsgClear("Autorun")
	collectgarbage("restart")
	Loading = false
	if FirstLoad then
		FirstLoad = false
		Msg("Start")
	end
	MsgClear("Start")
end
