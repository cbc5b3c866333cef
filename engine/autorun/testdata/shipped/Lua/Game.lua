DefineClass("Unit", { hp = 10 })
function OnMsg.ClassesBuilt()
	UnitHP = g_Classes.Merc.hp
end
