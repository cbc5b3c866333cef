-- Registers a callback per attachment; the closure remembers the entity
-- that was current when the file ran.
local me = tostring(entity)
table.insert(log, "file reg " .. me)
register_callback("on_hit", function(n) return "hit " .. me .. " x" .. tostring(n) end)
