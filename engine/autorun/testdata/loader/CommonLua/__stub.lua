Trace = Trace or {}
Trace[#Trace + 1] = "CommonLua/__stub.lua"
