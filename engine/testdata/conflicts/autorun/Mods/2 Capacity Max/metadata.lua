return PlaceObj("ModDef", {
	"id", "CapacityMax",
	"title", "2 Capacity Max",
	"code", { "Code/Script.lua" },
})
