return PlaceObj("ModDef", {
	"id", "DomeTweaks",
	"title", "5 Dome Tweaks",
	"code", { "Code/Script.lua" },
})
