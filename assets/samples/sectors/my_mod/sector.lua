-- my_mod/sector.lua — runs in every newly loaded sector, after base/sector.lua.
-- (The game's engine itself requires only base.sector; the modding docs say
-- every mod's entry points run, and modscope runs them after base's.)
-- Same sector context as base/sector.lua: base's globals (arrivals,
-- current_sector) are visible here, the server's (galaxy_name) are not.

local engine = require("engine")
local greetings = require("my_mod.utils.greetings")  -- this mod's module
local logger = engine.create_logger("my_mod.sector")
local events = engine.get_event_bus()
local scene = engine.get_scene()

populated = false

events:add_handler("sector_player_added", function(event)
    if event.sector_id ~= current_sector then return end
    if not populated then
        populated = true
        for i = 1, 3 do
            scene:create_entity_template("asteroid", { x = i * 100 })
        end
    end
    -- enqueue: a follow-up event on the bus, delivered on the next tick,
    -- to every context (the others ignore it: it names this sector).
    events:enqueue("my_mod_greet", { player_id = event.player_id, sector_id = current_sector })
end)

events:add_handler("my_mod_greet", function(event)
    if event.sector_id ~= current_sector then return end
    logger:info(greetings.hello(event.player_id, current_sector))
end)
