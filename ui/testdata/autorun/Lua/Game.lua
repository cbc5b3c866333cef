-- a tiny autorun game for the window's tests
OnMsg = OnMsg or {}
GameTitle = "Test colony"
Buildings = { "Dome", "Farm", "Mine" }
-- globals set by handlers later are declared while Loading (autorun's rule)
MapName, MapSize, Started = false, 0, false
function OnMsg.NewMap(name, size)
	MapName = name
	MapSize = size
	print("new map", name, size)
end
function OnMsg.Autorun()
	Started = true
end
Big = {}
for i = 1, 450 do Big[i] = i * i end
