Trace = Trace or {}
Trace[#Trace + 1] = "CommonLua/b.lua"
