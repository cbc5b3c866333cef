return PlaceObj("ModDef", {
	"id", "User",
	"title", "A User",
	"version", 7,
	"code", { "Code/main.lua", "Generated.lua" },
	"dependencies", { PlaceObj("ModDependency", { "id", "Lib", "title", "Lib Mod" }) },
})
