-- my_mod/utils/greetings.lua — my_mod's own module, which itself uses a
-- module of another mod (base). Within one context both requires of
-- base.utils.names (here and in base/sector.lua) return the same table.

local names = require("base.utils.names")

local M = {}

function M.hello(player_id, sector_id)
    return "Welcome to " .. names.sector_title(sector_id) .. ", " .. player_id .. "!"
end

return M
