-- base/utils/names.lua — a module, loaded with require("base.utils.names").
--
-- Module names are absolute and dotted: the first part is the mod's folder
-- (base), the rest is the path inside it (utils/names.lua). Any mod can
-- require any other mod's modules this way.
--
-- require runs this file once per CONTEXT and keeps the table it returns in
-- that context's own package.loaded. A second require in the same context
-- returns the same table; the server and every sector each run the file
-- once for themselves and get their own copy. So `M.uses` below counts the
-- uses within one context only.

local M = { uses = 0 }

function M.galaxy()
    M.uses = M.uses + 1
    return "Andromeda Minor"
end

function M.sector_title(sector_id)
    M.uses = M.uses + 1
    return "Sector " .. string.upper(sector_id)
end

return M
