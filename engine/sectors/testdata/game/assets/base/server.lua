local engine = require("engine")
local bus = engine.get_event_bus()
local util = require("base.lib.util")
slog = {"base/server.lua"}
server_only = "server"
bus:add_handler("server_started", function(f) slog[#slog+1] = "started" end)
bus:add_handler("player_logged_in", function(f) slog[#slog+1] = "login:" .. f.player_id end)
bus:add_handler("ping", function(f)
  slog[#slog+1] = "ping:" .. tostring(f.n)
  bus:enqueue("pong", {n = f.n})
  bus:enqueue("pong", {n = f.n + 1})
  slog[#slog+1] = "ping-end"
end)
bus:add_handler("pong", function(f) slog[#slog+1] = "pong:" .. tostring(f.n) end)
bus:add_handler("boom", function(f) error("first handler fails") end)
bus:add_handler("boom", function(f) slog[#slog+1] = "second handler ran" end)
bus:add_handler("forever", function(f) bus:enqueue("forever", f) end)
