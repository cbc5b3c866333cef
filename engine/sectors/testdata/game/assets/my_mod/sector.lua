log[#log+1] = "my_mod/sector.lua"
local helper = require("my_mod.sub.helper")
same_util = helper.util == require("base.lib.util")
helper_name = helper.name
