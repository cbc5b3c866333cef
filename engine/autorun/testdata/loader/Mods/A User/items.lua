Trace[#Trace + 1] = "User: items.lua"
return {
	PlaceObj("ModItemOptionNumber", { "name", "Speed", "DisplayName", T(1, "Speed"), "DefaultValue", 5, "MinValue", 1, "MaxValue", 10 }),
	PlaceObj("ModItemOptionToggle", { "name", "Fast", "DisplayName", T(2, "Fast") .. " mode", "DefaultValue", true }),
	PlaceObj("ModItemCode", { "name", "Main", "FileName", "Code/main.lua" }),
}
