return PlaceObj("ModDef", {
	"id", "CycleB",
	"code", {"Code/b.lua"},
	"dependencies", { PlaceObj("ModDependency", {"id", "CycleA"}) },
})
