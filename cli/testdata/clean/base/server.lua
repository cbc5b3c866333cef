-- clean fixture: the server context counts players.
local engine = require("engine")
local bus = engine.get_event_bus()

answer = 42
players = {}
config = { limits = { players = 8, sectors = 2 }, name = "clean" }

bus:add_handler("player_logged_in", function(fields)
  table.insert(players, fields.player_id)
end)
