local util = require("base.lib.util")
return { util = util, name = "my_mod.sub.helper" }
