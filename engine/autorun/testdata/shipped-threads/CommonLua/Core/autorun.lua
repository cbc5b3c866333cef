-- A loader in the shape of the engine's CommonLua/Core/autorun.lua (written
-- for modscope's tests) whose first-load thread loads the data, as JA3's
-- does (LoadDlcs -> LoadData): the threads run once this file has returned.
Loading = true
if FirstLoad == nil then
	FirstLoad = true
end
dofile("CommonLua/Core/msg.lua")
dofile("CommonLua/Core/lib.lua")
dofile("CommonLua/Core/data.lua")
dofolder("Lua")

-- what ran, in order, with the virtual time
Log = Log or {}
function Note(...)
	Log[#Log + 1] = table.concat({ tostring(RealTime()), ... }, " ")
end

if FirstLoad then
	Note("loader", tostring(CurrentThread()), tostring(CanYield()))
	local ok, err = pcall(Sleep, 10)
	Note("sleep outside a thread", tostring(ok))
	Storage = CreateRealTimeThread(function()
		Sleep(250)
		Note("storage loaded")
		Msg("AccountStorageLoaded", "local")
	end)
	Sleeper = CreateRealTimeThread(function()
		local ok, who = WaitWakeup()
		Note("woken", tostring(ok), tostring(who))
		local timed = WaitWakeup(40)
		Note("wakeup timed out", tostring(timed))
	end)
	GameThread = CreateGameTimeThread(function()
		Note("game-time thread starts", tostring(IsGameTimeThread()))
		Sleep(100)
		Note("game time advanced") -- never: no map runs outside the game
	end)
	CreateRealTimeThread(function(a, b)
		Note("first-load thread", a, b, tostring(IsRealTimeThread()), tostring(CurrentThread() ~= nil))
		Sleep(100)
		Msg("PlatformInitalization")
		local ok, storage = WaitMsg("AccountStorageLoaded", 1000)
		Note("storage", tostring(ok), tostring(storage))
		local late = WaitMsg("NeverSent", 30)
		Note("timeout", tostring(late))
		Wakeup(Sleeper, "first-load thread")
		LoadData()
		Note("valid", tostring(IsValidThread(Storage)), tostring(IsValidThread(GameThread)))
		DeleteThread(GameThread)
		Note("deleted", tostring(IsValidThread(GameThread)))
		Msg("EngineStarted")
		Halt()
		Note("after Halt") -- never
	end, "a", "b")
	Ticks = 0
	CreateRealTimeThread(function()
		-- a thread that sleeps for ever (cthreads.lua's ReportThreads)
		while true do
			Sleep(1000)
			Ticks = Ticks + 1
		end
	end)
	CreateRealTimeThread(function()
		WaitMsg("DataLoaded")
		Note("data seen", tostring(#DataFiles))
		procall(function()
			Sleep(5) -- a wait inside a protected call: the thread waits
			Note("slept in procall")
		end)
		while true do end -- never yields: stopped by the watchdog
	end)
end

function OnMsg.Autorun()
	MsgClear("Autorun")
	Loading = false
	if FirstLoad then
		FirstLoad = false
		Msg("Start")
	end
	MsgClear("Start")
end
