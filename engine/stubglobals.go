package engine

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Engine globals (stub mode). The engine declares globals of its own (in C)
// that the game's Lua reads but never defines — g_MouseConnected, say — and
// a mod may assign them after loading ended without creating a new global.
// A name is taken for one when the game reads it as a stand-in, or when the
// game's own files (everything but Mods/) read it as a free name and define
// it nowhere.

//
// The game's own files are the reference: a global that the main chunk of
// one of them (not a mod's) assigns — a data file run after loading ended,
// `PrefabFeatures = {...}` after the engine's ClearPrefabFeatures() — is
// one the engine declared, since the game loads its own data without this
// error.

// engineGlobal reports whether name is an engine global by those rules.
func (c *Lua) engineGlobal(L *lua.LState, name string) bool {
	if !c.game.Stubs() {
		return false
	}
	if r := c.stubs[name]; r != nil && r.Kind == StubGlobal {
		return true
	}
	if gameMainChunk(c, L) {
		return true
	}
	st := c.ss()
	if st.engineNames == nil {
		st.engineNames = c.game.engineNames()
	}
	return st.engineNames[name]
}

// engineNames scans the game's own Lua files (not Mods/): the free names
// they read, less those any of them defines (staticDefs) or assigns
// anywhere.
func (g *Game) engineNames() map[string]bool {
	read := map[string]bool{}
	defined := map[string]bool{}
	for _, rel := range g.ListLua(".") {
		if strings.HasPrefix(rel, "Mods/") {
			continue
		}
		src, err := g.ReadFile(rel)
		if err != nil {
			continue
		}
		for name := range staticDefs(src) {
			defined[name] = true
		}
		if proto, err := g.Compile(rel); err == nil {
			freeNames(proto, read, defined)
		}
	}
	for name := range defined {
		delete(read, name)
	}
	return read
}

// freeNames adds the globals proto (and the functions in it) reads to
// read, and those it assigns to assigned: the compiled code tells free
// names from locals and upvalues.
func freeNames(proto *lua.FunctionProto, read, assigned map[string]bool) {
	for _, inst := range proto.Code {
		op := int(inst >> 26)
		if op != lua.OP_GETGLOBAL && op != lua.OP_SETGLOBAL {
			continue
		}
		bx := int(inst & 0x3ffff)
		if bx >= len(proto.Constants) {
			continue
		}
		name, ok := proto.Constants[bx].(lua.LString)
		if !ok {
			continue
		}
		if op == lua.OP_GETGLOBAL {
			read[string(name)] = true
		} else {
			assigned[string(name)] = true
		}
	}
	for _, p := range proto.FunctionPrototypes {
		freeNames(p, read, assigned)
	}
}

// gameMainChunk reports whether the innermost Lua function running is the
// main chunk of a file of the game itself (not of a mod, not modscope's).
func gameMainChunk(c *Lua, L *lua.LState) bool {
	for lv := 1; lv < 6; lv++ {
		dbg, ok := L.GetStack(lv)
		if !ok {
			return false
		}
		if _, err := L.GetInfo("S", dbg, lua.LNil); err != nil {
			return false
		}
		if dbg.Source == "" || dbg.Source == "[G]" {
			continue // the Go function doing the store
		}
		// a main chunk is defined at line 0 (gopher-lua's What "main" only
		// says the frame is a thread's first)
		if dbg.LineDefined != 0 || strings.HasPrefix(dbg.Source, "Mods/") || strings.HasPrefix(dbg.Source, "[") || strings.HasPrefix(dbg.Source, "=") {
			return false
		}
		return c.game.Exists(dbg.Source)
	}
	return false
}
