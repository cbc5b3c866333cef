-- scripts/lua51/sector.lua: the C Lua 5.1 reference for one live sector
-- context of the `sectors` model (BENCHMARKS.md, "Sector contexts").
--
--   lua5.1 scripts/lua51/sector.lua DIR [MOD...]     (default mods: base my_mod)
--
-- One process is one Lua state, so the state's size is what
-- collectgarbage("count") says after a full collection: every string,
-- table, closure, prototype and stack its allocator holds. The script makes
-- its state what a sector's state is in the game (temporary-escape
-- src/Engine/Server/Lua.cpp): the libraries the engine opens (base,
-- package, string, debug, math, table: io and os are dropped), a `globals`
-- table and an `engine` module (require("engine"), sector_engine.lua).
-- Then it does what modscope's sample does when a player jumps into a new
-- sector: require("base.sector"), every other mod's sector.lua, the
-- player's entity from the "player" template, and the ticks that deliver
-- sector_player_added and the events its handlers enqueue.
--
-- The engine module is written in Lua here; the game binds it in C++ with
-- sol2 and keeps every class of the engine (not only these) in every
-- state, so this is a lower bound of the game's own state.
--
-- What this driver's own code holds is left out: a fresh `lua5.1 -e ''`
-- state is measured too, and the driver's growth is added to it.

local root = assert((...), "usage: lua5.1 scripts/lua51/sector.lua DIR [MOD...]")
local mods = { select(2, ...) }
if #mods == 0 then mods = { "base", "my_mod" } end
local here = (arg and arg[0] or ""):match("^(.*)/") or "."

local function kb()
	collectgarbage("collect")
	collectgarbage("collect")
	return collectgarbage("count")
end

-- A fresh state with the standard libraries, in its own process.
local p = assert(io.popen(string.format("%q -e 'collectgarbage() collectgarbage() io.write(collectgarbage(\"count\"))'", arg[-1] or "lua5.1")))
local fresh = tonumber(p:read("*a"))
p:close()

local start = kb()
-- The game's libraries: no io, no os (Lua.cpp open_libraries).
io, os = nil, nil
package.loaded.io, package.loaded.os = nil, nil
globals = {}
package.path = root .. "/?.lua"
local host = dofile(here .. "/sector_engine.lua")("s1")
package.preload.engine = function() return host.engine end
local with_engine = kb()

-- Sector.cpp load: require("base.sector"), then (modscope) the other mods.
for i, mod in ipairs(mods) do
	if i == 1 then
		require(mod .. ".sector")
	else
		assert(loadfile(root .. "/" .. mod .. "/sector.lua"))()
	end
end
-- The player arrives: its entity from the template, then the ticks.
host.spawn("player", { player_id = "p1" })
host.engine.get_event_bus():enqueue("sector_player_added", { player_id = "p1", sector_id = "s1" })
host.tick()
assert(host.logged > 0, "the sector logged nothing: did its files run?")
local live = kb()

print(string.format("fresh state, standard libraries:   %6.1f KB", fresh))
print(string.format("with the engine module (no io, os): %6.1f KB", fresh + with_engine - start))
print(string.format("live sector (%s):      %6.1f KB", table.concat(mods, ", "), fresh + live - start))
