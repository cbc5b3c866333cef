LastRan = true
