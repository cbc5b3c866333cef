-- A folder with __load.lua runs only this file; its ... is the folder.
-- (Menu.lua here is loaded later, by LoadXTemplates at ClassesBuilt.)
Trace[#Trace + 1] = "Lua/XTemplates/__load.lua(" .. tostring(...) .. ")"
