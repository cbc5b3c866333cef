-- Step "CommonLua": the files directly inside CommonLua/ run first, sorted by name.
-- The message system (Msg, OnMsg) and the core library (table.find, DefineClass,
-- CreateRealTimeThread, ...) already exist: they were set up by steps "Msg" and "Core library".

-- While Loading is true, creating a new global is allowed. Once loading ends
-- (the last Autorun handler sets Loading = false), a new global is an error.
print("CommonLua/Core.lua runs with Loading =", Loading, "and FirstLoad =", FirstLoad)

-- A helper for everyone who loads after us.
function ColonyLog(fmt, ...)
	print("[colony] " .. string.format(fmt, ...))
end

-- Guard state that must survive ReloadLua(): on a reload this file runs again,
-- but FirstLoad is false, so the colony keeps its numbers.
if FirstLoad then
	ColonyDay = 1
	Colonists = 0
end
