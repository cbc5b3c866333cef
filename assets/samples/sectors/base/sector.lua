-- base/sector.lua — runs every time a sector LOADS, in that sector's own,
-- brand-new context (the game requires it as the module base.sector).
--
-- A sector loads when the first player jumps into it and unloads when its
-- last player leaves: the state is destroyed. A player jumping in again gets
-- a NEW state that runs this file again: nothing from the last visit survives.

local engine = require("engine")
local names = require("base.utils.names")   -- this context's own copy of the module
local logger = engine.create_logger("base.sector")
local events = engine.get_event_bus()
local scene = engine.get_scene()            -- sector contexts only

-- Entity templates: a table with new(entity, data) returning the entity's
-- script instance. The engine makes the player's ship from "player" when a
-- player arrives; scene:create_entity_template makes the others.
local Player = {}
function Player.new(entity, data)
    local transform = entity:add_component_transform()
    transform.kinematic = true
    entity:add_component_label(data.player_id)
    spawned = spawned + 1
    return setmetatable({ entity = entity, player_id = data.player_id }, { __index = Player })
end

local Asteroid = {}
function Asteroid.new(entity, data)
    entity:add_component_transform():translate(engine.Vector3.new(data.x or 0, 0, 0))
    spawned = spawned + 1
    return { entity = entity }
end

scene:add_entity_template("player", Player)
scene:add_entity_template("asteroid", Asteroid)

arrivals = 0           -- players that arrived since THIS context was created
spawned = 0            -- entities made from templates in this context
current_sector = engine.get_sector_data().id
print("base/sector.lua: a new context for sector " .. current_sector)

-- sector_player_added comes on the tick after the sector added the player.
-- The bus delivers every event to every context: check it is about us.
events:add_handler("sector_player_added", function(event)
    if event.sector_id ~= current_sector then return end
    arrivals = arrivals + 1
    logger:info(event.player_id .. " arrived in " .. names.sector_title(event.sector_id)
        .. " (arrival " .. arrivals .. " since it loaded)")
    -- To the server (and every other context): delivered on the next tick.
    events:enqueue("sector_report", { sector_id = current_sector, entities = spawned })
end)

events:add_handler("galaxy_tick", function(event)
    logger:info("tick " .. tostring(event.tick) .. " reached " .. current_sector)
end)
