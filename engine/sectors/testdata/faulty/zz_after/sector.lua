after_ok = true
