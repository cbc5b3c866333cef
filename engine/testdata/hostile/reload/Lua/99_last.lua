LastRan = (LastRan or 0) + 1
