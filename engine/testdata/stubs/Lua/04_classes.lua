-- Classes whose parents are engine classes (written in C, not shipped).
DefineClass.Building = { __parents = { "CObject", "ComponentAttach" }, hp = 5 }
DefineClass.House = { __parents = { "Building" } }

function OnMsg.ClassesBuilt()
	local h = House:new()
	HouseIsCObject = IsKindOf(h, "CObject")
	h:SetPos(1, 2)
	HouseHp = h.hp
	if h.IsEditorObject then error("a tested engine member must be nil") end
end
