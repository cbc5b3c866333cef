return PlaceObj("ModDef", {"id", "Good", "title", "Still loads", "code", {"Code/good.lua"}})
