-- fails on line 3
local t = nil
local x = t.field
