-- base/server.lua — runs ONCE, in the one `server` context, before any sector.
-- (The game runs base/server.lua as a script: Server.cpp importModule.)
--
-- The server context handles the universe as a whole: players logging in,
-- the galaxy, factions. It is its own Lua state: nothing defined here is
-- visible in a sector, and nothing a sector defines is visible here.
-- (In the playthrough: `eval server return current_sector` gives nil.)

local engine = require("engine")            -- the engine API (built in, not a file)
local names = require("base.utils.names")   -- <assets>/base/utils/names.lua

local logger = engine.create_logger("base.server")
local events = engine.get_event_bus()       -- this context's listener of the ONE bus
local generator = engine.get_generator()

-- Globals: they live in the server context only.
galaxy_name = names.galaxy()
online_players = {}
sector_reports = 0

-- The generator calls these while it builds the universe (step "Generator").
generator:add_on_start(function(seed)
    logger:info(string.format("generating the universe, seed %d", seed))
end)
generator:add_on_end(function(galaxy)
    logger:debug("generated galaxy " .. galaxy.name)
end)

-- Events come from one bus, on the server's tick; each handler gets its own
-- table of fields (nil, integers, numbers and strings only).
events:add_handler("server_started", function(event)
    logger:info("server started in galaxy " .. galaxy_name .. " (seed " .. event.seed .. ")")
end)

events:add_handler("player_logged_in", function(event)
    table.insert(online_players, event.player_id)
    logger:info("player " .. event.player_name .. " logged in; " .. #online_players .. " online")
end)

-- A SECTOR enqueues this one (base/sector.lua): the bus brings it here.
events:add_handler("sector_report", function(event)
    sector_reports = sector_reports + 1
    logger:info("report from " .. event.sector_id .. ": " .. event.entities .. " entities")
end)

events:add_handler("galaxy_tick", function(event)
    logger:info("galaxy tick " .. tostring(event.tick))
end)
