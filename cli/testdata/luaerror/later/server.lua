-- luaerror fixture: the next mod still loads.
later_ran = true
