return PlaceObj("ModDef", {
	"id", "CycleA",
	"code", {"Code/a.lua"},
	"dependencies", { PlaceObj("ModDependency", {"id", "CycleB"}) },
})
