-- Step "Mod Lua": each mod folder has a metadata.lua returning its definition, in the
-- game's own format: PlaceObj("ModDef", { key, value, key, value, ... }).
-- "code" lists the files to run, in this order.
return PlaceObj("ModDef", {
	"id", "DomeLibrary",
	"title", "Dome Library",
	"version", 3,
	"code", { "Code/Library.lua" },
})
