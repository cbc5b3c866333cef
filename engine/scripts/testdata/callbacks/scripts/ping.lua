version = "v1"
function on_script_loaded()
  register_callback("on_ping", function() return "registered " .. version end)
end
function on_ping() return "global " .. version end
function on_update(dt) updates = (updates or 0) + 1 end
