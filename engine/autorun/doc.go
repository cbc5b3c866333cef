// Package autorun implements the `autorun` context model (ENGINE.md §2):
// a Haemimont-style staged loader with one context, main, that lives for
// the whole session and is reused by ReloadLua.
//
// Steps of a first load, each one steppable (FirstLoadSteps): Lua
// environment (the Platform table), Engine exports, autorun.lua begins
// (Loading = true, FirstLoad = true), Msg (every handler dropped; Msg,
// OnMsg, MsgClear, WaitMsg), Core library, the four CommonLua steps, Game
// Lua, DLC Lua, Mod Lua, Post load (Msg("Autorun"): the core builds the
// classes and sends ClassesBuilt, then the game's and mods' handlers run,
// then the very last handler ends Loading and, on the first load, FirstLoad
// and sends Start) and Data (first load only: data files, DataLoaded,
// account storage, the mods' localization tables). A reload
// (ReloadSteps) is ReloadLua (mount, Msg("ReloadLua")), steps 3 to 10
// with FirstLoad false, then Unmount; the watchdog is relaxed for it.
// ReloadLua() called from Lua runs as soon as the code that called it
// returns.
//
// The core runtime is Lua (core/*.lua, chunks named "[core]/..."), given a
// private table of Go primitives (prim) that are never globals: handler
// registration with the registering file:line, message dispatch with
// records, the virtual clock, class errors. Provenance and handler
// positions skip "[core]" frames, so they name the game file that called
// in.
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
// has its own FirstLoad, CurrentModId, CurrentModPath and CurrentModDef.
package autorun
