return PlaceObj("ModDef", {
	"id", "MsgClearer",
	"title", "6 Msg Clearer",
	"code", { "Code/Script.lua" },
})
