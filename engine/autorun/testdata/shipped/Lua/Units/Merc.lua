DefineClass("Merc", { __parents = { "Unit" }, name = "Ivan" })
DefineClass("Ghost", { __parents = { "EngineObject" } })
function OnMsg.Start()
	Started = true
end
