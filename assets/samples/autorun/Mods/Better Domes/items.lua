-- Step "Mod items": after the data, each mod's items.lua runs in the mod's
-- environment and returns its mod items. Option items become the mod's
-- options: CurrentModOptions holds their values (the defaults here, or what
-- the player chose), and Msg("ApplyModOptions", mod_id) tells the mod.
return {
	PlaceObj("ModItemOptionToggle", {
		"name", "ExtraCapacity",
		"DisplayName", T(900001, "Extra dome capacity"),
		"DefaultValue", true,
	}),
	PlaceObj("ModItemOptionNumber", {
		"name", "BonusPercent",
		"DisplayName", T(900002, "Bonus (%)"),
		"DefaultValue", 50,
		"MinValue", 0,
		"MaxValue", 100,
	}),
	PlaceObj("ModItemLocTable", {
		"language", "English",
		"filename", "Localization/English.csv",
	}),
}
