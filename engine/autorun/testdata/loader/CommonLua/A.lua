Trace = {}
Trace[#Trace + 1] = "CommonLua/A.lua"
