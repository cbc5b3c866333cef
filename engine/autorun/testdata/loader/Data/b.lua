Trace = Trace or {}
Trace[#Trace + 1] = "Data/b.lua"
