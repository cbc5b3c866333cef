-- luaerror fixture: the third line fails.
before = "ran"
local n = nil + 1
after = "never"
