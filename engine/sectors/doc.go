// Package sectors implements the `sectors` context model (see ENGINE.md §3):
// one server context for the whole game and one context per loaded sector,
// the way Temporary Escape runs its mods' Lua.
//
// # Mods
//
// A mod is a folder, <root>/<mod> or <root>/assets/<mod>, holding
// manifest.xml and server.lua and/or sector.lua (engine.SectorMods). Mods
// run in a stable order: base first, then by name; a folder's modscope.toml
// may order them ([sectors] mods = [...]): the listed mods come first in that
// order, the others after them in the default order. A listed mod that does
// not exist is a warning in the server's output.
//
// # Steps
//
// A load has two steps: "Server context" creates the one `server` context
// and runs every mod's server.lua in it, in mod order; "server_started"
// sends the event server_started to it. No player can join and no sector
// can load before both ran.
//
// # Players and sectors
//
// The person drives players with commands (event-script lines):
//
//	join PLAYER [SECTOR]  player_logged_in {player_id} to the server; with SECTOR, then jump
//	jump PLAYER SECTOR    leave the current sector (if any), then enter SECTOR
//	leave PLAYER          leave the current sector (if any) and the game
//	event TARGET NAME [FIELDS]   fire NAME with a fields table into server,
//	                      sector:<id> (or a bare id) or all
//
// A sector context `sector:<id>` is created when the first player enters
// the sector: every mod's sector.lua runs in it (state loading, then
// active), then sector_player_added {player_id, sector_id} is sent. When a
// player leaves a sector, sector_player_removed {player_id, sector_id} is
// sent to it; when that was the last player, the context goes to unloading
// and is closed: its Lua state and everything in it are freed. The next
// arrival creates a fresh context that runs sector.lua again, so nothing set
// in the previous incarnation survives.
//
// # Lua API
//
// Every context has its own package.loaded, so a module required in two
// contexts is loaded (and its top level run) once in each. require takes
// absolute dotted names that start with a mod folder:
// require("my_mod.utils.foo") loads <my_mod dir>/utils/foo.lua (or
// utils/foo/init.lua). require("engine") returns the engine module:
//
//	engine.get_event_bus()            the context's event bus
//	bus:add_handler(name, fn)         fn(fields) runs for every event name, in registration order
//	bus:remove_handler(name, fn)      returns true when fn was registered
//	bus:enqueue(name, fields)         queue an event into the same context; it is
//	                                  dispatched after the current event (or file
//	                                  load) finishes, in queue order
//	engine.create_logger(name)        logger with :info, :warn, :error (the context's output)
//
// In stub mode every other field of engine is a recording stand-in.
//
// Queued events are delivered when the host operation that is running in the
// context finishes (loading the entry files, or dispatching an event). An
// event enqueued from an `eval` waits for the next event sent to that context.
// More than 10,000 queued events in a row (a handler that enqueues itself) is
// an error and the rest of the queue is dropped.
//
// # Reload
//
// The game runs server.lua exactly once per server, so `reload` restarts the
// server the way a dedicated server restart would: every player leaves their
// sector (sector_player_removed, the sector unloads), the server context is
// closed, the mod folders are read again (edited files are picked up), and
// the steps run again on a fresh `server` context, followed by a third step,
// "Players rejoin", where every player logs in again (player_logged_in) and
// jumps back into the sector they were in.
package sectors
