// Package sectors implements the `sectors` context model: one server
// context for the whole game and one context per loaded sector, with the
// one event bus of Temporary Escape's server (docs/sectors.md gives every
// rule with its place in the engine's C++ source).
//
// # Mods
//
// A mod is a folder, <root>/<mod> or <root>/assets/<mod>, holding
// manifest.xml and server.lua and/or sector.lua (ModFolders). Mods
// run in a stable order: base first, then by name; a folder's modscope.toml
// may order them ([sectors] mods = [...]).
//
// # Steps
//
// "Server context" creates the `server` context and runs every mod's
// server.lua in it (base's first); "Generator" calls the generator's
// callbacks (on_start(seed), on_galaxy_created, on_end; on_skipped after a
// reload); "server_started" puts server_started {seed} on the bus and runs
// the ticks that deliver it.
//
// # The bus
//
// Each context is a listener of one bus. bus:enqueue(name, data) queues an
// event (data: a flat map of nil, integers, numbers and strings); a tick
// delivers the whole queue, event by event, to every listener in creation
// order, then runs the sectors' pending work. Commands run ticks until the
// bus is quiet (at most 100); `advance MS` runs MS/50 ticks.
//
// # Players and sectors
//
//	join PLAYER [SECTOR]   log in (player_logged_in {player_id, player_name}), then jump
//	jump PLAYER SECTOR     leave the current sector (if any), then enter SECTOR
//	leave PLAYER           leave the current sector; the player stays logged in
//	logout PLAYER          leave the sector and the game
//	event TARGET NAME [FIELDS]  enqueue NAME on the bus (TARGET: who enqueues it)
//	callback NAME [ARGS]   fire the generator callbacks registered as NAME
//	advance MS             run the ticks of MS milliseconds
//
// A sector context `sector:<id>` is created when the first player enters
// the sector: base/sector.lua runs in it as the module base.sector, then
// the other mods' sector.lua. On its next update the sector spawns the
// player's entity from the "player" entity template and enqueues
// sector_player_added {player_id, sector_id}. When its last player leaves,
// the context is closed (no event); the next arrival gets a fresh one.
//
// # Lua API
//
// The libraries are those the engine opens (no io, os, coroutine);
// require("a.b") loads <assets>/a/b.lua, once per context, and every
// required file is a file of the load order. require("engine") is the
// engine module (api.go, types.go, random.go, db.go): the bus, loggers,
// scene and entity templates, server, generator, database, assets, math
// usertypes, uuid. In stub mode any other field of engine is a recording
// stand-in.
//
// # Reload
//
// `reload` restarts the server the way a dedicated server restart would:
// the sectors unload, the server context is closed, the mod folders are
// read again and the steps run again on a fresh `server` context, followed
// by "Players rejoin". The database (the game's save) is kept.
package sectors
