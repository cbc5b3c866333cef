last_ran = true
last_runs = (last_runs or 0) + 1
