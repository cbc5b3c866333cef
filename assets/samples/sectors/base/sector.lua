-- base/sector.lua — runs every time a sector LOADS, in that sector's own,
-- brand-new context.
--
-- A sector loads when the first player jumps into it: a new Lua state is
-- created and every mod's sector.lua runs in it (base's first). It unloads
-- when its last player leaves: the state is destroyed and its memory freed.
-- When a player jumps in again later, a NEW state runs this file again from
-- scratch: nothing from the previous visit survives.
--
-- Each loaded sector has its own globals. `arrivals` in sector alpha and
-- `arrivals` in sector beta are two different variables in two different
-- Lua states, and the server has no `arrivals` at all. A global you set in
-- one sector (even with eval) is simply absent from the next one.

local engine = require("engine")
local names = require("base.utils.names")   -- this context's own copy of the module
local logger = engine.create_logger("base.sector")
local events = engine.get_event_bus()

arrivals = 0           -- players that arrived since THIS context was created
current_sector = nil   -- unknown yet: sector.lua runs before the first
                       -- sector_player_added tells us the sector's id
print("base/sector.lua: a new sector context is loading")

-- sector_player_added comes after every sector.lua ran.
events:add_handler("sector_player_added", function(fields)
    current_sector = fields.sector_id
    arrivals = arrivals + 1
    logger:info(fields.player_id .. " arrived in " .. names.sector_title(fields.sector_id)
        .. " (arrival " .. arrivals .. " since it loaded)")
end)

-- sector_player_removed comes while the context still exists, even for the
-- last player, just before the sector unloads.
events:add_handler("sector_player_removed", function(fields)
    arrivals = arrivals  -- still here; gone once the sector unloads
    logger:info(fields.player_id .. " left " .. fields.sector_id)
end)

events:add_handler("galaxy_tick", function(fields)
    logger:info("tick " .. tostring(fields.tick) .. " reached " .. tostring(current_sector))
end)
