Trace[#Trace + 1] = "User: Code/main.lua, Lib loaded " .. tostring(LibLoaded) .. ", options now " .. tostring(CurrentModOptions:GetProperty("Speed"))
UserSeen = false
function OnMsg.ApplyModOptions(id)
	Trace[#Trace + 1] = "ApplyModOptions(" .. id .. "): Speed " .. tostring(CurrentModOptions:GetProperty("Speed")) .. ", Fast " .. tostring(CurrentModOptions.Fast)
end
function OnMsg.ModsReloaded()
	Trace[#Trace + 1] = "ModsReloaded: " .. #CurrentModDef.items .. " items, " .. CurrentModDef.title .. " v" .. CurrentModDef.version .. ", env ok " .. tostring(CurrentModDef.env == _G)
end
