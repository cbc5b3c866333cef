-- This mod depends on "DomeLibrary": modscope loads that one first. A missing
-- dependency or a cycle is an error naming the mods, and only they are skipped.
return PlaceObj("ModDef", {
	"id", "BetterDomes",
	"title", "Better Domes",
	"version", 1,
	"has_options", true,
	"code", { "Code/BetterDomes.lua" },
	"dependencies", {
		PlaceObj("ModDependency", { "id", "DomeLibrary", "title", "Dome Library" }),
	},
	"loctables", { "Localization/English.csv" },
})
