-- stubs fixture: calls an engine function modscope does not know.
local engine = require("engine")
engine.spawn_fleet("red", 3)
engine.spawn_fleet("blue", 1)
fleets_spawned = true
