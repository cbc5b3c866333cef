Trace = Trace or {}
Trace[#Trace + 1] = "CommonLua/UI/ui.lua"
