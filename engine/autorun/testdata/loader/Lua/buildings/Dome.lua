Trace = Trace or {}
Trace[#Trace + 1] = "Lua/buildings/Dome.lua"
