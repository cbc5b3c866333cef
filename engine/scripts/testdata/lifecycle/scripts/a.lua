table.insert(log, "file a " .. tostring(entity))
first_entity = entity
function on_script_loaded() table.insert(log, "A loaded " .. tostring(entity)) end
function on_script_unloaded() table.insert(log, "A unloaded " .. tostring(entity)); return "A-state" end
function on_script_reloaded(s) table.insert(log, "A reloaded " .. tostring(entity) .. " " .. tostring(s)) end
