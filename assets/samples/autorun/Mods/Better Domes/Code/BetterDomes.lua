-- Mod code can change the game's classes before they are built...
Dome.capacity = Dome.capacity + DomeLibrary.BonusCapacity(Dome)

-- ...and listen to messages like any game file.
function OnMsg.ClassesBuilt()
	ColonyLog("Better Domes: domes now hold %d colonists", Dome.capacity)
end

if FirstLoad then
	-- The mod's own FirstLoad: true the first time this mod's code runs.
	print("Better Domes is loaded for the first time")
end
