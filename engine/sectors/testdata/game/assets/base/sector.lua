local engine = require("engine")
local bus = engine.get_event_bus()
log = {"base/sector.lua"}
local util = require("base.lib.util")
bus:add_handler("sector_player_added", function(f)
  log[#log+1] = "added:" .. f.player_id .. "@" .. f.sector_id
  print("added " .. f.player_id .. " to " .. f.sector_id)
end)
bus:add_handler("sector_player_removed", function(f)
  log[#log+1] = "removed:" .. f.player_id
  print("removed " .. f.player_id .. " from " .. f.sector_id)
end)
