good_mod_ran = true
