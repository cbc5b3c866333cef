-- a game that redefines tostring: what the person is shown keeps the
-- builtin meaning
tostring = function() while true do end end
