return { name = "init" }
