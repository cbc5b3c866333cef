-- shown to the person, converted under the watchdog (eval, watches)
Loopy = setmetatable({}, {__tostring = function() while true do end end})
Named = setmetatable({}, {__tostring = function() return "named table" end})
