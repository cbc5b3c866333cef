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

// engineGlobal reports whether name is an engine global by those rules.
func (c *Context) engineGlobal(name string) bool {
	if !c.game.Stubs() {
		return false
	}
	if r := c.stubs[name]; r != nil && r.Kind == StubGlobal {
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
