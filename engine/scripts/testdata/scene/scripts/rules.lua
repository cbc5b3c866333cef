table.insert(trace, "file rules")
rules_loads = (rules_loads or 0) + 1
