// Package inspector turns Lua state into plain data for the inspector window
// and the command line: lazily expandable, paged tree views of tables,
// snapshots and diffs of a table (typically a context's globals), search,
// the provenance record the engine fills for a page node, and text
// renderers for the CLI.
//
// Nothing in the outputs holds a lua.LValue: every result is a plain,
// JSON-serialisable struct, safe to hand to another goroutine.
//
// # Safety
//
// Functions that take a *lua.LTable (or a lua.LValue) read Lua data and must
// be called on the goroutine that owns the corresponding *lua.LState; the
// caller guarantees that. They never call into Lua code: all access is raw
// (RawGet, ForEach, the Metatable field), so metamethods such as __index,
// __pairs, __len or __tostring are never invoked and Go methods of userdata
// values are never called (only their dynamic type name is read). This makes
// them safe on hostile states. Nothing recurses further than asked, so
// cycles such as _G._G are harmless.
//
// # Paths
//
// A Path addresses a value below a root table as a list of key tokens
// written in Lua-ish syntax: identifier-like string keys as is (Foo), number
// keys in brackets ([1], [2.5]), other strings quoted ["odd key"], booleans ([true]), reference keys by their
// address ([table: 0xc000123456], only meaningful inside one process), and
// the special token <metatable> that descends into a table's or userdata's
// metatable. FormatPath joins tokens into Foo.bar[1].<metatable>.__index and
// ParsePath reads that form back; ParseDotted reads the looser CLI form
// a.b.c.
//
// # Ordering and caching
//
// Children are listed in a stable order: number keys ascending, then string
// keys case-insensitively (ties broken bytewise), then booleans (false
// first), then other keys by type and address. Page sorts lazily: the first
// page of a large table is produced by a bounded selection (O(n log k)), and
// deeper pages sort the whole key set once and keep it in a small LRU cache
// keyed by table pointer and a cheap change stamp (the raw sizes of the
// table's parts). Keys that disappear are detected when a page is served and
// trigger a re-sort; ResetCache drops everything.
package inspector
