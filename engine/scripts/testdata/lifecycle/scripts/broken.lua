table.insert(log, "file broken " .. tostring(entity))
function on_script_loaded() table.insert(log, "broken loaded") end
error("broken.lua fails while loading")
