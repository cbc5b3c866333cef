table.insert(log, "file b " .. tostring(entity))
function on_script_loaded() table.insert(log, "B loaded " .. tostring(entity)) end
function on_script_unloaded() table.insert(log, "B unloaded " .. tostring(entity)); return "B-state" end
function on_script_reloaded(s) table.insert(log, "B reloaded " .. tostring(entity) .. " " .. tostring(s)) end
