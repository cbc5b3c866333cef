-- Steps "DataLoading" .. "DataLoaded": presets. These run once, on the first load
-- only; a ReloadLua() skips them. PlaceObj makes an object of a built class
-- (BuildingTemplate, in CommonLua/Classes): its Init registers it.
PlaceObj("BuildingTemplate", { "id", "Dome", "display_name", T(2001, "Dome"), "capacity", 10 })
PlaceObj("BuildingTemplate", { "id", "MegaDome", "display_name", T(2002, "Mega Dome"), "capacity", 60 })

function OnMsg.DataLoaded()
	ColonyLog("%d building templates loaded", table.count(BuildingTemplates))
end
