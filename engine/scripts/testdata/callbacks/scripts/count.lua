count = 0
function on_update(dt) count = count + 1; return count end
function on_script_unloaded() return count end
function on_script_reloaded(saved) count = saved end
