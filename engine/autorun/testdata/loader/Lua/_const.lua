Trace[#Trace + 1] = "Lua/_const.lua"
DefineConst{ group = "Colony", id = "Days", value = 30 }
DefineConst{ id = "Answer", value = 42 }
