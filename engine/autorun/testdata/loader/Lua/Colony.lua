Trace = Trace or {}
Trace[#Trace + 1] = "Lua/Colony.lua"
