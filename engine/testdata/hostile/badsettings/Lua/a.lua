never_run = true
