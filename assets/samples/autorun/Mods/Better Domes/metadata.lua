-- This mod depends on "DomeLibrary": modscope loads that one first. A missing
-- dependency or a cycle is an error naming the mods, and only they are skipped.
-- Its items (options, a localization table) are in items.lua.
return PlaceObj("ModDef", {
	"id", "BetterDomes",
	"title", "Better Domes",
	"version", 1,
	"has_options", true,
	"code", { "Code/BetterDomes.lua" },
	"dependencies", {
		PlaceObj("ModDependency", { "id", "DomeLibrary", "title", "Dome Library" }),
	},
})
