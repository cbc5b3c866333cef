function GetCapacity()
	return 20
end

function OnMsg.NewDay()
	print("Capacity Plus: a new day")
end

function OnMsg.ClassesBuilt()
	print("Capacity Plus: classes built")
end
