local engine = require("engine")
local libmod = require("base.lib.mod")
local bus = engine.get_event_bus()
trace = {}
local function t(s) trace[#trace + 1] = s end
bus:add_handler("server_started", function(e) t("started:" .. e.seed) end)
bus:add_handler("player_logged_in", function(e) t("login:" .. e.player_id .. "/" .. e.player_name) end)
bus:add_handler("sector_player_added", function(e) t("added:" .. e.player_id .. "@" .. e.sector_id) end)
bus:add_handler("from_sector", function(e) t("from_sector:" .. e.sector_id .. ":" .. e.n) end)
bus:add_handler("ping", function(e)
    t("ping:" .. e.n)
    bus:enqueue("pong", { n = e.n })
end)
bus:add_handler("pong", function(e) t("pong:" .. e.n) end)
bus:add_handler("mutate", function(e) e.n = 99 end)
bus:add_handler("mutate", function(e) t("mutate:" .. e.n) end)
bus:add_handler("boom", function(e) error("first handler fails") end)
bus:add_handler("boom", function(e) t("second ran") end)
bus:add_handler("forever", function(e) bus:enqueue("forever", {}) end)
gen_calls = {}
local gen = engine.get_generator()
gen:add_on_start(function(seed) gen_calls[#gen_calls + 1] = "start:" .. seed end)
gen:add_on_end(function(galaxy) gen_calls[#gen_calls + 1] = "end:" .. galaxy.name end)
gen:add_on_skipped(function(galaxy) gen_calls[#gen_calls + 1] = "skipped" end)
gen:add_sector_type("field", function(h) return 1.0 end, function(h, seed)
    local s = engine.SectorData.new()
    s.id = "field-" .. seed
    s.entity = "rock"
    s.pos = h:find_empty_pos(engine.MT19937.new(seed))
    return s
end)
