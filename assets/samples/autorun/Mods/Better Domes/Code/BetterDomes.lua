-- Mod code can change the game's classes before they are built...
Dome.capacity = Dome.capacity + DomeLibrary.BonusCapacity(Dome)

-- ...and listen to messages like any game file.
function OnMsg.ClassesBuilt()
	ColonyLog("Better Domes: domes now hold %d colonists", Dome.capacity)
end

-- The mod's options arrive after its items are loaded: one ApplyModOptions
-- per mod with options (check the id), then ModsReloaded once for all mods.
-- New globals must be created while Loading is true: declare it here.
BetterDomesOptions = false
function OnMsg.ApplyModOptions(id)
	if id ~= CurrentModId then return end
	BetterDomesOptions = {
		extra_capacity = CurrentModOptions:GetProperty("ExtraCapacity"),
		bonus = CurrentModOptions:GetProperty("BonusPercent"),
	}
	ColonyLog("Better Domes options: extra capacity %s, bonus %d%%", tostring(BetterDomesOptions.extra_capacity), BetterDomesOptions.bonus)
end

function OnMsg.ModsReloaded()
	ColonyLog("mods loaded: %d, Better Domes version %s", #ModsLoaded, tostring(CurrentModDef.version))
end

if FirstLoad then
	-- The mod's own FirstLoad: true the first time this mod's code runs.
	print("Better Domes is loaded for the first time")
end
