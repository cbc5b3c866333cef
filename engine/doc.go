// Package engine runs a game folder's Lua the way the game would, in isolated
// contexts (one gopher-lua state each, owned by one goroutine), and records
// what happens for the inspector and for reports.
//
// The core here is shared by the three context models (autorun, sectors and
// scripts, in subpackages): the sandboxed Lua state, the watchdog, engine
// stubs, global provenance, records, the event-script parser and the report
// (whose records engine/record builds from the event stream).
// A Session is the one narrow interface the window and the CLI drive: plain
// Commands in, plain Results, Events and snapshots out.
package engine
