Trace = Trace or {}
Trace[#Trace + 1] = "CommonLua/Classes/Alpha.lua"
