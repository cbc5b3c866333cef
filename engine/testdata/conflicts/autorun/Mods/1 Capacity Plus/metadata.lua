return PlaceObj("ModDef", {
	"id", "CapacityPlus",
	"title", "1 Capacity Plus",
	"code", { "Code/Script.lua" },
})
