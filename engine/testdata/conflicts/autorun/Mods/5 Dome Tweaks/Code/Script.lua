function Dome:GetCapacity()
	return 50
end

const.DomeRadius = 12

-- its own global: no one else assigns it
DomeTweaksLoaded = true
