-- starts with a UTF-8 byte order mark
bom_ok = true
