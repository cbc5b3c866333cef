-- patrol.lua — attached to the guard (entity 2).
seen = seen or {}
table.insert(seen, "patrol")

-- Also a global on_update. Where patrol.lua shares a context with door.lua
-- (policy shared), this definition runs later and replaces door's: the door
-- stops ticking. register_callback (see health.lua) avoids that.
function on_update(dt)
  steps_walked = (steps_walked or 0) + 1
end
