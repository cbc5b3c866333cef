return PlaceObj("ModDef", {
	"id", "NeedsGhost",
	"code", {},
	"dependencies", { PlaceObj("ModDependency", {"id", "Ghost"}) },
})
