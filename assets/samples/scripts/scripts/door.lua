-- door.lua — attached to the door (entity 1).
--
-- Every script of this sample adds its name to the global list `seen` when
-- its file runs. A context's globals are its own, so `seen` shows exactly
-- which scripts ran in that context:
--   one context per pair  -> seen = {"door"}
--   one per entity        -> seen = {"door", "health"}
--   one shared context    -> every script, health three times (once per entity)
seen = seen or {}
table.insert(seen, "door")

is_open = false

-- A plain global callback. If another script in the same context also
-- defines on_update, the one that ran last replaces this one (see patrol.lua).
function on_update(dt)
  door_ticks = (door_ticks or 0) + 1
end

function on_script_loaded()
  -- `entity` is the entity this call is for (bevy_mod_scripting sets it
  -- before every callback); tostring gives "1v1", entity:index() gives 1.
  print("door.lua loaded for entity " .. tostring(entity) .. " (" .. loaded_for .. ")")
end
