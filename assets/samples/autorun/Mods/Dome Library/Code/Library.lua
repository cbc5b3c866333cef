-- A library mod: other mods depend on it, so it always loads before them,
-- although "Better Domes" comes first by folder name.

-- Each mod runs in its own environment: it reads through to the globals, and
-- writes into them, but FirstLoad, CurrentModId and CurrentModPath are the mod's own.
print(CurrentModId, "loads from", CurrentModPath, "FirstLoad =", FirstLoad)

DomeLibrary = {
	BonusCapacity = function(dome) return math.floor(dome.capacity / 2) end,
}
