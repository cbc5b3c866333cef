Trace = Trace or {}
Trace[#Trace + 1] = "Data/A.lua"
