return { name = "lib.mod" }
