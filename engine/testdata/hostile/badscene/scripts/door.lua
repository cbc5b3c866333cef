door = true
