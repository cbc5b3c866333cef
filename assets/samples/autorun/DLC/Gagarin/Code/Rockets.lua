-- Step "DLC Lua": each DLC's Code/ folder, DLCs in name order. In the shipped game a
-- DLC is a packed archive holding a Code folder; a plain folder stands in for it here.
DefineClass.Rocket = {
	__parents = { "Building" },
	cargo = 30,
	display_name = "Rocket",
}

function OnMsg.ClassesBuilt()
	ColonyLog("the Gagarin DLC adds %s (cargo %d)", Rocket:GetName(), Rocket.cargo)
end
