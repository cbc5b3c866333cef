return {
	PlaceObj("ModItemTechPreset", { id = "ModTech", group = "Default" }),
}
