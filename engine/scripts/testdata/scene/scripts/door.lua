table.insert(trace, "file door")
door_loads = (door_loads or 0) + 1
door_version = 1
function on_script_loaded() table.insert(trace, "loaded door") end
function on_update(dt) table.insert(trace, "update door"); door_dt = dt; return "door " .. dt end
