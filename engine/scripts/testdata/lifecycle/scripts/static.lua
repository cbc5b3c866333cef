table.insert(log, "file static " .. tostring(entity))
function on_script_loaded() table.insert(log, "S loaded " .. tostring(entity)) end
function on_ping() table.insert(log, "S ping sees entity " .. tostring(entity)); return tostring(entity) end
