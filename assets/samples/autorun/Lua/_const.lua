-- Step "Game Lua" runs Lua/ as the engine's dofolder does: a folder's files
-- sorted case-insensitively, then its subfolders. "_const.lua" therefore
-- runs before "Colony.lua" ('_' sorts before letters once lower-cased), so
-- the constants exist when the rest of the game reads them. Names starting
-- with "__" are skipped, and a folder with a __load.lua runs only that file.
DefineConst{ group = "Colony", id = "DayDuration", value = 1000 }   -- const.Colony.DayDuration
DefineConst{ id = "MaxColonists", value = 120 }                     -- group "Default": const.MaxColonists
