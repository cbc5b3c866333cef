-- Rewriting a stand-in's metatable reaches nothing.
getmetatable(UIL).__index = function() return 42 end
UILField = tostring(UIL.x)
