return PlaceObj("ModDef", {
	"id", "CapacityWrap",
	"title", "3 Capacity Wrap",
	"code", { "Code/Script.lua" },
})
