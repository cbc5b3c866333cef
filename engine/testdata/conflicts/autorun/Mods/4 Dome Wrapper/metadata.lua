return PlaceObj("ModDef", {
	"id", "DomeWrapper",
	"title", "4 Dome Wrapper",
	"code", { "Code/Script.lua" },
})
