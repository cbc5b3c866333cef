-- my_mod/server.lua — runs once in the server context, AFTER base/server.lua
-- (mod order: base first, then by name). Same context as base/server.lua,
-- so base's globals are right here:

local engine = require("engine")
local logger = engine.create_logger("my_mod.server")

logger:info("my_mod sees the galaxy " .. galaxy_name .. " that base/server.lua named")

engine.get_event_bus():add_handler("player_logged_in", function(event)
    -- Runs after base's handler for the same event (registration order).
    logger:info("my_mod knows " .. #online_players .. " player(s)")
end)
