-- Step "CommonLua/UI": the user interface systems.
HudLines = {}

-- UIL is an engine library that only the game binary has. In stub mode modscope
-- hands back a recording stand-in: the report's "stubs" lists UIL.GetScreenSize
-- and this line, so you can see which engine API the code depends on.
local screen = UIL.GetScreenSize()

function OnMsg.Start()
	table.insert(HudLines, "Welcome to Mars, day " .. ColonyDay)
end
