function GetCapacity()
	return 99
end

-- handlers add up: not a conflict
function OnMsg.ClassesBuilt()
	print("Capacity Max: classes built")
end
