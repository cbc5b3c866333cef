local orig_Dome_GetCapacity = Dome.GetCapacity
function Dome:GetCapacity()
	return orig_Dome_GetCapacity(self) * 2
end
