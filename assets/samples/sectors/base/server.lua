-- base/server.lua — runs ONCE, in the one `server` context, before any sector.
--
-- The server context handles the universe as a whole: players logging in,
-- the galaxy, factions. It is its own Lua state: nothing defined here is
-- visible in a sector, and nothing a sector defines is visible here.
-- (In the playthrough: `eval server return current_sector` gives nil.)
--
-- Mods run in a fixed order, base first, then by folder name; so this file
-- runs before my_mod/server.lua, and both run in the SAME server context:
-- my_mod/server.lua can read the globals set here.

local engine = require("engine")            -- the engine API (built in, not a file)
local names = require("base.utils.names")   -- <mod folder>.<path>: base/utils/names.lua

local logger = engine.create_logger("base.server")
local events = engine.get_event_bus()       -- this context's event bus

-- Globals: they live in the server context only.
galaxy_name = names.galaxy()
online_players = {}

-- Handlers run in registration order, each with the event's table of fields.
events:add_handler("server_started", function(fields)
    logger:info("server started in galaxy " .. galaxy_name)
end)

events:add_handler("player_logged_in", function(fields)
    table.insert(online_players, fields.player_id)
    logger:info("player " .. fields.player_id .. " logged in; " .. #online_players .. " online")
end)

events:add_handler("galaxy_tick", function(fields)
    logger:info("galaxy tick " .. tostring(fields.tick))
end)
