return PlaceObj("ModDef", {
	"id", "Lib",
	"title", "Lib Mod",
	"version", 3,
	"version_major", 1,
	"version_minor", 2,
	"lua_revision", 1007000,
	"code", { "Code/lib.lua" },
})
