-- health.lua — attached to the door, the guard and the chest.
seen = seen or {}
table.insert(seen, "health")

-- How many times health.lua ran in this context: 1 when each attachment has
-- its own context, 3 under per_script or shared (one per entity).
health_copies = (health_copies or 0) + 1

-- Health per entity, keyed "e<id>" so that a context shared by several
-- entities keeps them apart. String keys on purpose: the state handed over
-- a reload goes through bevy_mod_scripting's value conversion, which turns
-- a table with integer keys into a list renumbered 1..n ({[2]=100} comes
-- back as {100}: entity 2's health would land on entity 1).
hp = hp or {}

local function key() return "e" .. entity:index() end

-- Careful: in a context shared with other scripts, this global also answers
-- on_script_loaded for a script that defines none (game_rules.lua under the
-- shared policy). `entity` is then still the last entity set: the chest.
function on_script_loaded()
  hp[key()] = hp[key()] or 100
end

-- register_callback keeps this function for this attachment (entity,
-- health.lua), even when another script in the same context defines a
-- global of the same name. Try: callback entity:1 on_damage 30
register_callback("on_damage", function(amount)
  local k = key()
  hp[k] = (hp[k] or 100) - amount
  return hp[k]
end)

-- Before a reload (an edit, or another attachment joining this context),
-- the value returned here is converted and handed to on_script_reloaded.
function on_script_unloaded()
  return hp
end

-- on_script_reloaded runs after on_script_loaded. When another attachment
-- joins a shared context, `saved` is the table from before the join, so
-- replacing hp with it (hp = saved) would throw away the entry
-- on_script_loaded just made for the joining entity: merge instead.
function on_script_reloaded(saved)
  for k, v in pairs(saved or {}) do hp[k] = v end
end
