Trace = Trace or {}
Trace[#Trace + 1] = "CommonLua/Classes/_first.lua"
