package ui

import "strings"

// What each loading step does in the game and why, for people learning
// the load order: shown under the stepper when a step is selected. Keyed by
// step name (the models' step names); a step not listed gets a description
// from its name's shape (a folder, a message, an entity), so new steps of a
// model are never left blank.
var stepDocs = map[string]string{
	// autorun (Haemimont: CommonLua/Core/autorun.lua and friends)
	"Lua environment":     "The game's executable sets up Lua: the Platform table (pc, desktop, console flags…) that later files test to pick their code. Nothing of the game runs yet.",
	"Engine exports":      "The C++ engine registers its functions and constants as globals (the built-ins: tick Built-ins in Globals to see them). In stub mode the ones the game calls are stand-ins.",
	"autorun.lua begins":  "CommonLua/Core/autorun.lua starts: Loading = true and FirstLoad = true (false on a reload), so files can tell a first load from ReloadLua.",
	"Msg":                 "The message system comes up: Msg, OnMsg, MsgClear, WaitMsg. Every handler of a previous load is dropped; from here on `function OnMsg.X()` registers handlers that later messages call.",
	"Core library":        "The core library (lib.lua, classes.lua…): DefineClass, table and string helpers that every later file relies on. Classes are only declared here; they are built at Autorun.",
	"CommonLua":           "The top files of CommonLua/ run in name order: engine-side glue shared by all Haemimont games. Globals defined here are visible to the game and mods.",
	"CommonLua/Classes":   "CommonLua/Classes/** declares the shared classes (DefineClass). Parents may be declared later: the classes are resolved and built at ClassesGenerate/ClassesBuilt.",
	"CommonLua/UI":        "CommonLua/UI/** declares the shared UI classes and templates.",
	"CommonLua/X":         "CommonLua/X/** (the X UI framework) loads.",
	"CommonLua/Ged":       "CommonLua/Ged/** (the game editor's Lua side) loads.",
	"CommonLua/Platforms": "CommonLua/Platforms/<platform>/** loads for each platform the Platform table enables (pc and desktop by default); other platforms' files never run.",
	"Game Lua":            "The game's own Lua/** runs, folder by folder: its classes, OnMsg handlers and globals. Most of a game's globals are defined here.",
	"DLC Lua":             "Each installed DLC's Lua runs after the game's, so DLCs can override the game's functions and add handlers.",
	"Mod Lua":             "Enabled mods' code runs in dependency order, each in its own environment (its own FirstLoad, CurrentModId, CurrentModPath) that reads and writes the shared globals. Mods override what the game defined.",
	"ClassesGenerate":     "Msg(\"ClassesGenerate\"): handlers may still add or change class definitions before they are resolved — the last chance to change a class's parents.",
	"ClassesPreprocess":   "Msg(\"ClassesPreprocess\"): class definitions are complete; handlers adjust their members before the classes are built.",
	"ClassesPostprocess":  "Msg(\"ClassesPostprocess\"): the classes are being built; handlers fix up what inheritance produced.",
	"ClassesBuilt":        "Msg(\"ClassesBuilt\"): every class exists as a table; code that needs a built class (g_Classes.X) can run from here on.",
	"ClassesPostBuilt":    "Msg(\"ClassesPostBuilt\"): after every class is built; caches over the class hierarchy are filled here.",
	"Autorun":             "Msg(\"Autorun\"): the game's and mods' Autorun handlers run; the very last one ends Loading and, on a first load, FirstLoad, and sends Start.",
	"AutorunEnd":          "The end of a reload's Autorun: Loading ends; FirstLoad stays false.",
	"Post load":           "Msg(\"Autorun\"): the core builds the classes (ClassesGenerate … ClassesBuilt), then the game's and mods' handlers run; the last one ends Loading and sends Start.",
	"DataLoading":         "Msg(\"DataLoading\"): before the data files; handlers prepare the preset tables.",
	"Data":                "The data files (Data/**, DLC and mod presets) run: PlaceObj calls that create presets. Errors here usually name a preset class that is missing or misspelled.",
	"DataPreprocess":      "Msg(\"DataPreprocess\"): every preset exists; handlers cross-link them before they are used.",
	"DataPostprocess":     "Msg(\"DataPostprocess\"): presets are final; derived tables are built from them.",
	"DataLoaded":          "Msg(\"DataLoaded\"): the data is loaded; the game reads account storage and the mods' localization tables.",
	"Mod items":           "The mods' items (presets, code, options defined in the mod editor) are loaded (ContinueModsReloadItems).",
	"ApplyModOptions":     "Msg(\"ApplyModOptions\"): each mod gets its options (CurrentModOptions).",
	"ModsReloaded":        "Msg(\"ModsReloaded\"): every mod is loaded; mods that patch others do it here.",
	"ReloadLua":           "ReloadLua: the Lua folders are mounted again and Msg(\"ReloadLua\") tells handlers a reload starts; then the load steps run again in the same state with FirstLoad = false.",
	"Unmount Lua folders": "The end of ReloadLua: the Lua folders are unmounted; globals not redefined keep their old values.",
	// sectors (temporary-escape)
	"Server context": "The server context starts and runs the base mod's server.lua and every mod's: the game's server state, shared by all sectors.",
	"server_started": "The server_started event fires in the server context: handlers registered by the mods set up the universe. Sectors get their own contexts when players enter them.",
	// scripts (bevy_mod_scripting)
	"Static scripts": "The static scripts run (not attached to an entity): under the shared policy they see every entity script's globals; under per-script or per-entity policies they run alone.",
}

// stepDoc describes a step: the table above, else from its name's shape.
func stepDoc(name string) string {
	if d, ok := stepDocs[name]; ok {
		return d
	}
	switch {
	case strings.HasPrefix(name, "Entity "):
		return "An entity's scripts run in the context the policy gives it (one per entity, per script, or shared): what they define is visible only in that context."
	case strings.HasPrefix(name, "CommonLua/"):
		return "The files of " + name + "/** run in name order: shared engine-side Lua of every Haemimont game."
	case strings.HasPrefix(name, "Lua/") || strings.Contains(name, "/"):
		return "The files of " + name + "/** run in name order."
	case strings.HasPrefix(name, "Msg ") || strings.HasPrefix(name, "msg "):
		return "The message " + strings.TrimSpace(name[4:]) + " is sent: every handler registered for it runs, in registration order."
	case strings.HasPrefix(name, "sector ") || strings.HasPrefix(name, "Sector "):
		return "A sector context starts and runs the sector scripts of every mod."
	case name != "" && name == strings.ToUpper(name[:1])+name[1:] && !strings.Contains(name, " "):
		return "Msg(\"" + name + "\"): the handlers registered with OnMsg." + name + " run, in registration order."
	case strings.Contains(name, "_"):
		return "The event " + name + " fires: the handlers registered for it run."
	}
	return "A loading step of this model: the files and handlers it runs show in the Timeline (Ctrl+4) and its changes in Globals."
}
