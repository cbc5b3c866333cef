return PlaceObj("ModDef", { "id", "Sponsor", "title", "Sponsor", "code", { "Code/Script.lua" } })
