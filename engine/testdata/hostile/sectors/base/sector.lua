base_sector_ok = true
require("engine").get_event_bus():add_handler("sector_player_added", function(f)
  error("handler failed for " .. f.player_id)
end)
