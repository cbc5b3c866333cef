after_ran = true
