-- Preset classes of the game (the engine's Preset is not shipped).
DefineClass.TechPreset = { __parents = { "Preset" } }
DefineClass.BuildingTemplate = { __parents = { "Preset" }, GlobalMap = "BuildingTemplates" }
BuildingTemplates = {}
DefineModItemPreset("TechPreset", { EditorName = "Tech" })
table.insert(ModItemTechPreset.properties, { id = "extra", editor = false })

-- Property defaults become class members (the engine's PropertyObject).
DefineClass.Depot = {
	__parents = { "Building" },
	properties = {
		{ id = "storable", editor = "prop table", default = { "Metals", "Food" } },
		{ id = "capacity", editor = "number", default = 30, modifiable = true },
		{ id = "label", editor = "text", default = "own" },
		{ id = "computed", editor = "number", default = function() return 5 end },
		{ id = "accessed", editor = "number", default = 1 },
	},
	label = "class value",
}
function Depot:Getaccessed() return 2 end
function Depot:Setaccessed() end

Results = false
function OnMsg.ModsReloaded()
	local store = table.icopy(Depot.storable)
	Results = {
		breakthroughs = #Presets.TechPreset.Breakthroughs,
		first = Presets.TechPreset.Breakthroughs[1].id,
		named = Presets.TechPreset.Breakthroughs.Hull.SortKey,
		default_group = #Presets.TechPreset.Default,
		groups = #Presets.TechPreset,
		mapped = BuildingTemplates.Dome and BuildingTemplates.Dome.id,
		mod_preset = Presets.TechPreset.Default.ModTech and Presets.TechPreset.Default.ModTech.id,
		storable = #store,
		capacity = Depot.capacity,
		base_capacity = Depot.base_capacity,
		label = Depot.label,
		computed = rawget(Depot, "computed"),
		accessed = rawget(Depot, "accessed"),
		language = GetLanguage(),
	}
end
