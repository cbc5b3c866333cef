-- my_mod/sector.lua — runs in every newly loaded sector, after base/sector.lua.
-- Same sector context as base/sector.lua: base's globals (arrivals,
-- current_sector) are visible here, the server's (galaxy_name) are not.

local engine = require("engine")
local greetings = require("my_mod.utils.greetings")  -- this mod's module
local logger = engine.create_logger("my_mod.sector")
local events = engine.get_event_bus()

populated = false

events:add_handler("sector_player_added", function(fields)
    if not populated then
        populated = true
        -- The real game's engine has functions modscope does not know. In
        -- stub mode (the default) they are recording stand-ins: the report's
        -- "stubs" lists engine.spawn_entity, how often and from where.
        engine.spawn_entity("asteroid_field", fields.sector_id)
    end
    -- enqueue: a follow-up event for this same context, delivered after
    -- sector_player_added has gone through every handler.
    events:enqueue("my_mod_greet", { player_id = fields.player_id })
end)

events:add_handler("my_mod_greet", function(fields)
    logger:info(greetings.hello(fields.player_id, current_sector))
end)
