base_ok = true
require("engine").get_event_bus():add_handler("sector_player_added", function(f)
  if f.sector_id == "doom" then while true do end end
  added = f.player_id
end)
