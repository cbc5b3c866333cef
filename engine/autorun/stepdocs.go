package autorun

import "modscope/engine"

// stepDocs say what each loading step does in the game and why, for
// people learning the load order (the window shows them under the
// stepper: engine.WindowSpec.StepDocs). Exact names first: the staged
// loader's steps (CommonLua/Core/autorun.lua and friends), then the
// shipped loader's (its stages are the dofile/dofolder calls and messages
// of the game's own autorun.lua), then shapes for names no entry lists.
var stepDocs = []engine.StepDoc{
	{Step: StepEnv, Text: "The game's executable sets up Lua: the Platform table (pc, desktop, console flags…) that later files test to pick their code. Nothing of the game runs yet."},
	{Step: StepExports, Text: "The C++ engine registers its functions and constants as globals (the built-ins: tick Built-ins in Globals to see them). In stub mode the ones the game calls are stand-ins."},
	{Step: StepBegin, Text: "CommonLua/Core/autorun.lua starts: Loading = true and FirstLoad = true (false on a reload), so files can tell a first load from ReloadLua."},
	{Step: StepMsg, Text: "The message system comes up: Msg, OnMsg, MsgClear, WaitMsg. Every handler of a previous load is dropped; from here on `function OnMsg.X()` registers handlers that later messages call."},
	{Step: StepCore, Text: "The core library (lib.lua, classes.lua…): DefineClass, table and string helpers that every later file relies on. Classes are only declared here; they are built at Autorun."},
	{Step: StepCommon, Text: "The top files of CommonLua/ run in name order: engine-side glue shared by all Haemimont games. Globals defined here are visible to the game and mods."},
	{Step: StepClasses, Text: "CommonLua/Classes/** declares the shared classes (DefineClass). Parents may be declared later: the classes are resolved and built at ClassesGenerate/ClassesBuilt."},
	{Step: StepUI, Text: "CommonLua/UI/** declares the shared UI classes and templates."},
	{Step: StepX, Text: "CommonLua/X/** (the X UI framework) loads."},
	{Step: StepGed, Text: "CommonLua/Ged/** (the game editor's Lua side) loads."},
	{Step: StepPlatforms, Text: "CommonLua/Platforms/<platform>/** loads for each platform the Platform table enables (pc and desktop by default); other platforms' files never run."},
	{Step: StepGame, Text: "The game's own Lua/** runs, folder by folder: its classes, OnMsg handlers and globals. Most of a game's globals are defined here."},
	{Step: StepDLC, Text: "Each installed DLC's Lua runs after the game's, so DLCs can override the game's functions and add handlers."},
	{Step: StepMods, Text: "Enabled mods' code runs in dependency order, each in its own environment (its own FirstLoad, CurrentModId, CurrentModPath) that reads and writes the shared globals. Mods override what the game defined."},
	{Step: StepClassesGenerate, Text: "Msg(\"ClassesGenerate\"): handlers may still add or change class definitions before they are resolved — the last chance to change a class's parents."},
	{Step: StepClassesPreprocess, Text: "Msg(\"ClassesPreprocess\"): class definitions are complete; handlers adjust their members before the classes are built."},
	{Step: StepClassesPostprocess, Text: "Msg(\"ClassesPostprocess\"): the classes are being built; handlers fix up what inheritance produced."},
	{Step: StepClassesBuilt, Text: "Msg(\"ClassesBuilt\"): every class exists as a table; code that needs a built class (g_Classes.X) can run from here on."},
	{Step: StepClassesPostBuilt, Text: "Msg(\"ClassesPostBuilt\"): after every class is built; caches over the class hierarchy are filled here."},
	{Step: StepAutorun, Text: "Msg(\"Autorun\"): the game's and mods' Autorun handlers run; the very last one ends Loading and, on a first load, FirstLoad, and sends Start."},
	{Step: StepAutorunEnd, Text: "The end of a reload's Autorun: Loading ends; FirstLoad stays false."},
	{Step: "Post load", Text: "Msg(\"Autorun\"): the core builds the classes (ClassesGenerate … ClassesBuilt), then the game's and mods' handlers run; the last one ends Loading and sends Start."},
	{Step: StepDataLoading, Text: "Msg(\"DataLoading\"): before the data files; handlers prepare the preset tables."},
	{Step: StepData, Text: "The data files (Data/**, DLC and mod presets) run: PlaceObj calls that create presets. Errors here usually name a preset class that is missing or misspelled."},
	{Step: StepDataPreprocess, Text: "Msg(\"DataPreprocess\"): every preset exists; handlers cross-link them before they are used."},
	{Step: StepDataPostprocess, Text: "Msg(\"DataPostprocess\"): presets are final; derived tables are built from them."},
	{Step: StepDataLoaded, Text: "Msg(\"DataLoaded\"): the data is loaded; the game reads account storage and the mods' localization tables."},
	{Step: StepModItems, Text: "The mods' items (presets, code, options defined in the mod editor) are loaded (ContinueModsReloadItems)."},
	{Step: StepApplyModOptions, Text: "Msg(\"ApplyModOptions\"): each mod gets its options (CurrentModOptions)."},
	{Step: StepModsReloaded, Text: "Msg(\"ModsReloaded\"): every mod is loaded; mods that patch others do it here."},
	{Step: StepReload, Text: "ReloadLua: the Lua folders are mounted again and Msg(\"ReloadLua\") tells handlers a reload starts; then the load steps run again in the same state with FirstLoad = false."},
	{Step: StepUnmount, Text: "The end of ReloadLua: the Lua folders are unmounted; globals not redefined keep their old values."},

	// The shipped loader (docs/shipped-loader.md).
	{Step: StepShippedStart, Text: "The engine runs the game's own CommonLua/Core/autorun.lua, as its executable does: from here on that file decides what loads. Each file or folder it loads and each message it sends is a step."},
	{Step: StepShippedReload, Text: "ReloadLua(), as the game calls it (lib.lua): the Lua folders are mounted again, Msg(\"ReloadLua\") is sent and autorun.lua runs again in the same state with FirstLoad = false."},
	{Step: StepThreads, Text: "autorun.lua has returned: the threads the load created run as the engine's main loop runs them (Sleep advances virtual time, WaitMsg resumes on its message); the messages they send are the next steps."},
	{Match: `pdofile\("(.*)"\)`, Text: "autorun.lua runs ${1} protected (pdofile): an error there is reported and the load goes on."},
	{Match: `dofile\("(.*)"\)`, As: "${1}", Text: "autorun.lua runs ${1}: what it defines at the top level is global, visible to every later file, the game and mods."},
	{Match: `dofolder\("(.*)"\)`, As: "${1}", Text: "The files of ${1}/** run: its own files in name order, then each subfolder the same way (a folder's __load.lua, if any, runs instead)."},
	{Match: `dofolder_files\("(.*)"\)`, Text: "The files directly in ${1}/ run in name order (not its subfolders; names starting with __ are skipped)."},
	{Match: `dofolder_folders\("(.*)"\)`, Text: "Each subfolder of ${1}/ loads in name order, as dofolder does (names starting with __ are skipped)."},
	{Step: `Msg("AutorunEnd")`, Text: "Msg(\"AutorunEnd\"): after the Autorun handlers, on a first load and at the end of every ReloadLua (lib.lua); its handlers run once, then MsgClear removes them."},
	{Match: `Msg\("(.*)"\)`, As: "${1}", Text: "Msg(\"${1}\"): the handlers registered with OnMsg.${1} run, in registration order."},
	{Match: `Msg\(<(.*)>\)`, Text: "Msg with an object (${1}) as the message, not a name: the handlers registered for that object run."},

	// Names no entry lists, by their shape.
	{Match: `CommonLua/.*`, Text: "The files of ${0}/** run in name order: shared engine-side Lua of every Haemimont game."},
	{Match: `.*/.*`, Text: "The files of ${0}/** run in name order."},
	{Match: `[Mm]sg \s*(.*?)\s*`, Text: "The message ${1} is sent: every handler registered for it runs, in registration order."},
	{Match: `[\x00-\x1f\x21-\x60\x7b-\x7f][^ ]*`, Text: "Msg(\"${0}\"): the handlers registered with OnMsg.${0} run, in registration order."},
}
