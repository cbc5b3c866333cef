Trace = Trace or {}
Trace[#Trace + 1] = "CommonLua/Classes/__Dev/dev.lua"
