-- f:read(-5) reads the rest (as Lua 5.1 does), _printregs is not there
local f = io.open("Lua/07_leftovers.lua")
ReadNegative = f:read(-5)
PrintRegs = type(_printregs) == "function"
