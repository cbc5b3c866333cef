local engine = require("engine")
local libmod = require("base.lib.mod")
local bus = engine.get_event_bus()
local scene = engine.get_scene()
strace = {}
me = engine.get_sector_data().id
scene:add_entity_template("player", { new = function(entity, data)
    entity:add_component_label(data.player_id)
    strace[#strace + 1] = "spawn:" .. data.player_id
    return {}
end })
scene:add_entity_template("rock", { new = function(entity, data)
    strace[#strace + 1] = "rock"
    return { size = data.size }
end })
scene:add_entity_template("rock", { new = function() error("the second one is ignored") end })
scene:add_entity_template("bad", { new = function() return 1 end })
bus:add_handler("sector_player_added", function(e)
    strace[#strace + 1] = "added:" .. e.player_id .. "@" .. e.sector_id
    if e.sector_id == me then bus:enqueue("from_sector", { sector_id = me, n = #strace }) end
end)
