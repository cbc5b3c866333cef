local orig_GetCapacity = GetCapacity
function GetCapacity(...)
	return orig_GetCapacity(...) + 1
end

local orig = {}
orig.GetMorale = GetMorale
GetMorale = function()
	local ok, m = pcall(orig.GetMorale)
	return ok and m + 5 or 0
end
