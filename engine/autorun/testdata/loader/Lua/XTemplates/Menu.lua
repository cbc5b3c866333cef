Trace = Trace or {}
Trace[#Trace + 1] = "Lua/XTemplates/Menu.lua"
