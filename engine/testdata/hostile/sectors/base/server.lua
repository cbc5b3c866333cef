server_ok = true
