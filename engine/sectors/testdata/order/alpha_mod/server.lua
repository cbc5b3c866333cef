order = (order or "") .. "alpha_mod,"
