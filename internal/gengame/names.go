package gengame

import (
	"fmt"
	"strings"
)

// Words that real colony-sim code is made of; names are built from them.
var (
	adjectives = []string{"Basic", "Advanced", "Large", "Small", "Mega", "Micro", "Orbital", "Underground",
		"Automated", "Smart", "Hybrid", "Fusion", "Solar", "Wind", "Water", "Oxygen", "Polymer", "Metal",
		"Concrete", "Food", "Medical", "Research", "Security", "Service", "Storage", "Transport", "Rare",
		"Deep", "Mobile", "Heavy", "Light", "Arctic", "Desert", "Elite", "Rogue", "Ancient", "Modular"}
	nouns = []string{"Dome", "Colonist", "Drone", "Rover", "Building", "Resource", "Deposit", "Sector",
		"Mission", "Research", "Tech", "Route", "Sponsor", "Commander", "Story", "Effect", "Upgrade",
		"Shuttle", "Grid", "Cable", "Pipe", "Depot", "Tower", "Hub", "Station", "Lab", "Panel", "Farm",
		"Factory", "Extractor", "Generator", "Battery", "Rocket", "Anomaly", "Trait", "Workplace",
		"Residence", "Spire", "Terraformer", "Crop", "Animal", "Vehicle", "Unit", "Squad", "Weapon",
		"Perk", "Quest", "Dialog", "Merc", "Outpost", "Convoy", "Cargo", "Signal", "Beacon", "Sensor"}
	verbs = []string{"Get", "Set", "Update", "Calc", "Find", "Apply", "Spawn", "Refresh", "Init", "Can",
		"Is", "Has", "Build", "Gather", "Count", "Compute", "Resolve", "Register", "Notify", "Sync",
		"Recalc", "Validate", "Collect", "Format", "Select", "Toggle", "Reset", "Queue", "Estimate"}
	suffixes = []string{"Count", "Cost", "Info", "State", "Ids", "Text", "Range", "Limits", "List",
		"Modifier", "Bonus", "Penalty", "Rollover", "Status", "Amount", "Priority", "Targets", "Ratio",
		"Time", "Progress", "Capacity", "Consumption", "Production", "Display", "Icon", "Template"}
	messages = []string{"Autorun", "ClassesBuilt", "Start", "DataLoaded", "ReloadLua", "NewMap",
		"NewMapLoaded", "ChangeMap", "DoneMap", "PreNewMap", "PostNewMapLoaded", "GameTimeStart",
		"NewDay", "NewHour", "NewMinute", "LoadGame", "SaveGame", "PostLoadGame", "ConstructionComplete",
		"BuildingPlaced", "ColonistBorn", "ColonistDie", "SelectionChange", "UIReady", "OptionsApply",
		"ApplyAccountOptions", "GatherFXActions", "ModsReloaded", "EntitiesLoaded", "TechResearched",
		"SectorScanned", "ResourceDepleted"}
	// Messages a load sends: handlers for them run during the load and
	// therefore must not create globals after Loading ends.
	sentMessages = []string{"Autorun", "ClassesBuilt", "Start", "DataLoaded"}
	// Engine functions and tables that only the game binary has.
	folderWords = []string{"Buildings", "Colonists", "Drones", "Rovers", "Research", "Mission", "Sponsors",
		"Terrain", "Resources", "Story", "Achievements", "Editor", "Camera", "Sound", "FX", "AI",
		"Combat", "Quests", "Economy", "Logistics", "Effects", "Debug", "Map", "Weather", "Traits"}
	presetClasses = []string{"BuildingTemplate", "TechPreset", "TraitPreset", "MissionSponsorPreset",
		"CommanderProfilePreset", "StoryBit", "ResourceDescription", "AnomalyPreset", "OnScreenHint",
		"SoundPreset", "FXPreset", "Achievement", "ColonistClass", "RocketPreset", "WeaponPreset",
		"QuestPreset"}
	textSnippets = []string{"Increases the output of nearby buildings", "Not enough power",
		"A new colonist was born", "Research complete", "The rocket has landed", "Requires maintenance",
		"Cannot build here", "Dust storm incoming", "Supply pod arrived", "Sector scanned",
		"<count> colonists need a home", "Upgrade available", "Production halted", "Low morale",
		"The anomaly revealed a breakthrough", "Mission goal reached", "<name> joined the team"}
	modWords = []string{"Better", "More", "Extra", "Tweaks", "Domes", "Drones", "Balance", "Rovers",
		"Storage", "Research", "Fixes", "UI", "Expanded", "Quality Of Life", "Realistic", "Cheaper",
		"Faster", "Smarter", "Colonists", "Logistics", "Terraforming", "Events", "Sponsors", "Weapons"}
	authors = []string{"ChoGGi", "SkiRich", "Silva", "akarnokd", "Lukeh", "BoehserOnkel", "Ann", "Tremualin", "Saf", "Zoe"}
)

// namer hands out unique identifiers built from the word lists.
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

// unique returns base, or base with a number when base was already used.
func (n *namer) unique(base string) string {
	name := base
	for i := 2; n.used[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	n.used[name] = true
	return name
}

func (n *namer) class(r *rng) string {
	parts := []string{pick(r, adjectives), pick(r, nouns)}
	if r.chance(30) {
		parts = append(parts, pick(r, nouns))
	}
	return n.unique(strings.Join(parts, ""))
}

func (n *namer) function(r *rng) string {
	return n.unique(pick(r, verbs) + pick(r, nouns) + pick(r, suffixes))
}

func method(r *rng) string { return pick(r, verbs) + pick(r, suffixes) }

func field(r *rng) string {
	return strings.ToLower(pick(r, nouns)) + "_" + strings.ToLower(pick(r, suffixes))
}

func text(r *rng) string { return pick(r, textSnippets) }

// words make up sentences: texts in data files are mostly unique, as the
// real ones (descriptions, story texts) are.
var words = strings.Fields(`the a of to and in for with on colony dome drones colonists power water oxygen
	research sponsor rocket supply storm dust meteor anomaly sector base crew commander mission
	will can must should may not never always soon now later each every all some many few
	build repair scan explore produce consume store deliver upgrade reduce increase unlock
	fast slow old new cold warm dark bright broken stable rare common strange ancient hidden
	power grid cable pipe tower lab farm factory extractor battery shuttle rover cargo signal
	it they we you our their its this that these those when while after before until since
	sols hours days years percent amount cost output capacity morale health comfort sanity
	<count> <name> <amount> <resource> <sol> <DisplayName> <em> </em> <newline>`)

// sentence is a text of 4 to 16 words.
func sentence(r *rng) string {
	n := r.quant(quant{3, 8, 16, 30, 40})
	parts := make([]string, n)
	for i := range parts {
		parts[i] = pick(r, words)
	}
	s := strings.Join(parts, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func tid(r *rng) int { return 100000 + r.intn(900000) }
