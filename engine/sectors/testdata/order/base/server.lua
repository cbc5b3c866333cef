order = (order or "") .. "base,"
