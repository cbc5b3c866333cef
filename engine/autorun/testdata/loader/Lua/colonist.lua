Trace = Trace or {}
Trace[#Trace + 1] = "Lua/colonist.lua"
