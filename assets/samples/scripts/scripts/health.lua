-- health.lua — attached to the door, the guard and the chest.
seen = seen or {}
table.insert(seen, "health")

-- How many times health.lua ran in this context: 1 when each attachment has
-- its own context, 3 under per_script or shared (one per entity).
health_copies = (health_copies or 0) + 1

-- Keep health per entity, so that a context shared by several entities
-- still keeps them apart.
hp = hp or {}

-- Careful: in a context shared with other scripts, this global may also
-- answer on_script_loaded for a script that defines none (game_rules.lua
-- under the shared policy), whose attachment has no entity.
function on_script_loaded()
  if attachment.entity then
    hp[attachment.entity] = 100
  end
end

-- register_callback keeps this function for health.lua even when another
-- script in the same context defines a global of the same name, and keeps
-- it across reloads. Try: callback entity:1 on_damage 30
register_callback("on_damage", function(amount)
  local e = attachment.entity
  hp[e] = (hp[e] or 100) - amount
  return hp[e]
end)

-- On a reload (edit the file, or `reload scripts/health.lua`), the value
-- returned here is copied and handed to on_script_reloaded.
function on_script_unloaded()
  return hp
end

function on_script_reloaded(saved)
  hp = saved or {}
end
