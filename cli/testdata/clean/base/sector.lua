-- clean fixture: every sector counts its visitors.
local engine = require("engine")
local bus = engine.get_event_bus()

visits = 0

bus:add_handler("sector_player_added", function(fields)
  visits = visits + 1
  where = fields.sector_id
end)
