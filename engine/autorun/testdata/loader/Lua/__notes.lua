Trace = Trace or {}
Trace[#Trace + 1] = "Lua/__notes.lua"
