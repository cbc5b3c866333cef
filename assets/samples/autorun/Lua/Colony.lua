-- Step "Game Lua": everything under Lua/ (after _const.lua, see there). This is
-- where the game's own logic lives.

-- A class whose parent (Building) was declared in CommonLua.
DefineClass.Dome = {
	__parents = { "Building" },
	capacity = 10,
	display_name = "Dome",
}

function Dome:AddColonist()
	self.colonists = (self.colonists or 0) + 1
	Colonists = Colonists + 1
end

-- OnMsg.X = f registers a handler for message X; any number of files can
-- handle the same message, and they run in registration order.
-- Msg("Autorun") builds the classes, one message a step: ClassesGenerate and
-- ClassesPreprocess (handlers get the class definitions), ClassesPostprocess,
-- ClassesBuilt, ClassesPostBuilt. Each is cleared once sent (MsgClear).
function OnMsg.ClassesBuilt()
	-- Classes are final now: Dome has Building's and Object's members.
	FirstDome = Dome:new({ colonists = 0 })
	ColonyLog("first dome built, it is a Building: %s", tostring(IsKindOf(FirstDome, "Building")))
end

function OnMsg.Autorun()
	-- Game code's own Autorun handlers still run with Loading == true.
	ColonyLog("Autorun handler of the game, Loading = %s", tostring(Loading))
end

function OnMsg.Start()
	ColonyLog("Start: FirstLoad is now %s", tostring(FirstLoad))
end

-- A cooperative thread on the virtual clock. Nothing runs by itself:
-- advance time in the window (or `advance 1000` in an event script) and
-- watch ColonyDay change. ReloadLua() runs this file again: stop the old
-- thread first, or there would be two of them.
if IsValidThread(DayThread) then
	DeleteThread(DayThread)
end
DayThread = CreateRealTimeThread(function()
	while true do
		Sleep(const.Colony.DayDuration)
		ColonyDay = ColonyDay + 1
		Msg("NewDay", ColonyDay)
	end
end)
