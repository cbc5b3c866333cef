-- A data class: Data/Buildings.lua places its objects with PlaceObj.
DefineClass.BuildingTemplate = {
	__parents = { "Object" },
	capacity = 0,
}

BuildingTemplates = {}

function BuildingTemplate:Init()
	BuildingTemplates[self.id] = self
end
