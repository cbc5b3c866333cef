PlaceObj('TechPreset', { SortKey = 1, group = "Breakthroughs", id = "Nanites" })
PlaceObj('TechPreset', { SortKey = 2, group = "Breakthroughs", id = "Hull" })
PlaceObj('TechPreset', { id = "Plain" })
PlaceObj('BuildingTemplate', { id = "Dome" })
