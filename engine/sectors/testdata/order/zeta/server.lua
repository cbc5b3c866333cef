order = (order or "") .. "zeta,"
