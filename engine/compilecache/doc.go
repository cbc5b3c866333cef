// Package compilecache is the compile cache: every Lua file of an opened
// folder is parsed and compiled once per content.
//
// In memory (cache.go), a Cache maps sha256(path, source) to the compiled
// chunk, so a ReloadLua recompiles only what changed; Precompile fills it
// on every core at once, and a Get of a file being compiled waits for it.
// Its compile errors are cached with the content too.
//
// On disk (pack.go), for big folders, the compiled chunks are kept between
// runs in one pack file per folder under os.UserCacheDir()/modscope (or
// $MODSCOPE_CACHE; "off" disables it), together with a (path, size, mtime,
// ctime, device, inode) -> content hash memo, so that a reopen neither
// reads nor hashes unchanged files (one stat each). A save appends what is
// new to the pack, and writes it anew (to a temporary file that is renamed)
// once a quarter of it is replaced entries, so concurrent processes only
// ever see whole entries. A corrupt, truncated or foreign pack is ignored
// entry by entry: everything falls back to compiling.
//
// The codec (codec.go) is the on-disk form of a compiled chunk, which
// gopher-lua cannot serialize; it checks itself at first use and turns the
// disk cache off if gopher-lua's FunctionProto changes shape. Compact moves
// a freshly compiled chunk into one arena.
//
// The engine's Game is its user (engine/compilecache.go): it is the
// cache's Source (the folder's files, read through its os.Root, and the
// compiler with its refusal checks, engine/game.go and syntaxdepth.go) and
// gives it its Config (the folder, the source size limit, the limits that
// salt the cache's version).
package compilecache
