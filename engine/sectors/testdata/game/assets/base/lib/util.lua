util_loads = (util_loads or 0) + 1
return { name = "base.lib.util" }
