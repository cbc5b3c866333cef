table.insert(trace, "file health")
health_loads = (health_loads or 0) + 1
hp = 100
function on_script_loaded() table.insert(trace, "loaded health") end
function on_script_unloaded()
  table.insert(trace, "unloaded health")
  return { hp = hp, note = "saved", fn = print }
end
function on_script_reloaded(v)
  table.insert(trace, "reloaded health")
  restored = v
end
