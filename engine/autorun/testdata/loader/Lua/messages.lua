Trace[#Trace + 1] = "Lua/messages.lua"
-- Every message of a load, with its arguments.
local function log(name)
	OnMsg[name] = function(arg)
		local extra = ""
		if type(arg) == "table" then
			extra = "(classdefs: Colony " .. tostring(arg.Colony ~= nil) .. ")"
		elseif arg ~= nil then
			extra = "(" .. tostring(arg) .. ")"
		end
		Trace[#Trace + 1] = "msg " .. name .. extra
	end
end
for _, name in ipairs({ "Autorun", "ClassesGenerate", "ClassesPreprocess", "ClassesPostprocess", "ClassesBuilt",
	"ClassesPostBuilt", "Start", "DataLoading", "DataPreprocess", "DataPostprocess", "DataLoaded",
	"ApplyModOptions", "ModsReloaded" }) do
	log(name)
end
DefineClass.Colony = { __parents = { "Base" } }
DefineClass("Base", { size = 3 })
DefineClass("Dome", "Colony", "Base")
Placed = PlaceObj("Colony", { "name", "early" })
Trace[#Trace + 1] = "const " .. tostring(const.Colony.Days) .. " " .. tostring(const.Answer) .. ", T concat is a table: " .. type(T(1, "a") .. "b") .. ", LuaRevision " .. tostring(LuaRevision)
