cycle_ran = true
