Trace = Trace or {}
Trace[#Trace + 1] = "Lua/Zeta/z.lua"
