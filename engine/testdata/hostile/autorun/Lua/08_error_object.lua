local o = setmetatable({}, {__tostring = function() error("no") end})
print(o)
error(o)
