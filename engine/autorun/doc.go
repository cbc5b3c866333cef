// Package autorun implements the `autorun` context model: a Haemimont
// game's staged loader (docs/autorun.md, from the engine's own
// CommonLua/Core/autorun.lua, lib.lua, classes.lua, Dlc.lua and
// Classes/Mod.lua) with one context, main, that lives for the whole
// session and is reused by ReloadLua.
//
// Folders are walked as the engine's dofolder walks them (order.go): a
// folder with __load.lua runs only that file; otherwise its files, then its
// subfolders, each sorted case-insensitively (CmpLower), skipping names
// that start with "__".
//
// Steps of a first load, each one steppable (FirstLoadSteps): Lua
// environment, Engine exports, autorun.lua begins (Loading, FirstLoad,
// LuaRevision, ...), Msg, Core library, the CommonLua folders, Game Lua,
// DLC Lua, Mod Lua; then Msg("Autorun"), whose first handler builds the
// classes one message a step (ClassesGenerate, ClassesPreprocess,
// ClassesPostprocess, ClassesBuilt, ClassesPostBuilt, each followed by
// MsgClear), then the other Autorun handlers, the last of which ends
// Loading and, on the first load, FirstLoad and sends Start; then LoadData
// (DataLoading, the data folders, DataPreprocess, DataPostprocess,
// DataLoaded), the mods' items.lua, ApplyModOptions per mod with options,
// and ModsReloaded. A reload (ReloadSteps) is ReloadLua (mount,
// Msg("ReloadLua")), the steps from "autorun.lua begins" to "Autorun" with
// FirstLoad false, AutorunEnd, then Unmount; the watchdog is relaxed for
// it. ReloadLua() called from Lua runs as soon as the code that called it
// returns.
//
// The core runtime is Lua (core/*.lua, chunks named "[core]/..."), given a
// private table of Go primitives (prim) that are never globals: handler
// registration with the registering file:line, message dispatch with
// records, the virtual clock, folder walks and dofile, class errors.
// Provenance and handler positions skip "[core]" frames, so they name the
// game file that called in.
//
// Threads are coroutines on a virtual clock (real time, and game time
// that runs only while a map runs and the game is not paused). Nothing runs
// by itself: threads due now run at the end of a load and after each
// command, and `advance N` moves the clock, resuming each thread at its
// wake time. The host resumes every thread itself, each under its own
// watchdog deadline, so one runaway thread is stopped alone.
//
// Mods: Mods/<folder>/metadata.lua is read in a bare Lua state that has
// only PlaceObj and T (ReadModDef), under a short deadline and a heap
// bound. Enabled mods load in dependency order; a missing dependency or a
// cycle is an error naming the mods, and only those are skipped. Each mod's
// code runs in its own environment, which reads and writes the globals but
// has its own FirstLoad, _G, CurrentModId, CurrentModPath, CurrentModDef
// (the mod's ModDef object) and CurrentModOptions (core/mods.lua).
package autorun
