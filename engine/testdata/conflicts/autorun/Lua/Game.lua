-- The game: a global function, a class with a method, a constant.
function GetCapacity() return 10 end
function GetMorale() return 50 end

DefineClass.Dome = {
	__parents = {},
	capacity = 10,
}

function Dome:GetCapacity()
	return self.capacity
end

const.DomeRadius = 8

function OnMsg.ModsReloaded()
	-- the game resets the constant after the mods ran
	const.DomeRadius = 8 + 0
end
