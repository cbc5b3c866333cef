-- The game calls LoadAllMapData() here; m.lua is not run by the walk.
Trace[#Trace + 1] = "Data/MapData/__load.lua"
