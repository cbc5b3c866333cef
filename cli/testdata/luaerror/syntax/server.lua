-- luaerror fixture: a syntax error on line 2.
broken = = 1
