Trace = Trace or {}
Trace[#Trace + 1] = "Data/MapData/m.lua"
