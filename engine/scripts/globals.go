package scripts

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"modscope/engine"
)

// The globals a BMS Lua script sees, as bevy_mod_scripting_lua's
// LuaScriptingPlugin::default sets them (crates/languages/
// bevy_mod_scripting_lua/src/lib.rs):
//
//   - context initializers, on every load, reload and join: `world` (a
//     reference to the World type), `register_callback`, and the static
//     globals of the AppScriptGlobalsRegistry: `types` and one global per
//     reflected type (bindings/src/globals/core.rs);
//   - pre-handling initializers, before the file runs and before every
//     callback: `entity` (only for an entity attachment, so in a shared
//     context a static script's callback still sees the last entity set)
//     and `script_asset`.
//
// Outside Bevy there is no World: `world` and `types` are modscope's
// recording stand-ins (stub:world, stub:types), and the reflected types are
// whatever stub mode makes of an unknown global. `entity` and
// `script_asset` are small references of our own: entity:index() gives the
// entity's id, tostring(entity) is "<id>v1" as Bevy prints an Entity, and
// tostring(script_asset) is the script's path.

// entityRef and assetRef are the Go values inside the reference userdata.
type (
	entityRef struct{ id int64 }
	assetRef  struct{ path string }
)

const (
	entityMetaKey = "modscope.scripts.entity"
	assetMetaKey  = "modscope.scripts.script_asset"
)

// isReference says whether ud is one of the references BMS's script-value
// conversion lets through.
func isReference(ud *lua.LUserData) bool {
	switch ud.Value.(type) {
	case entityRef, assetRef:
		return true
	}
	return false
}

// newEntity makes the `entity` reference for id.
func newEntity(L *lua.LState, id int64) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = entityRef{id}
	ud.Metatable = entityMeta(L)
	return ud
}

func entityMeta(L *lua.LState) *lua.LTable {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if m, ok := reg.RawGetString(entityMetaKey).(*lua.LTable); ok {
		return m
	}
	idOf := func(L *lua.LState, i int) int64 {
		if ud, ok := L.Get(i).(*lua.LUserData); ok {
			if e, ok := ud.Value.(entityRef); ok {
				return e.id
			}
		}
		L.ArgError(i, "an entity expected")
		return 0
	}
	methods := L.SetFuncs(L.CreateTable(0, 3), map[string]lua.LGFunction{
		"index":      func(L *lua.LState) int { L.Push(lua.LNumber(idOf(L, 1))); return 1 },
		"generation": func(L *lua.LState) int { idOf(L, 1); L.Push(lua.LNumber(1)); return 1 },
		"to_bits":    func(L *lua.LState) int { L.Push(lua.LNumber(float64(idOf(L, 1)) + 1<<32)); return 1 },
	})
	m := L.CreateTable(0, 4)
	m.RawSetString("__index", methods)
	m.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("%dv1", idOf(L, 1))))
		return 1
	}))
	m.RawSetString("__eq", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(idOf(L, 1) == idOf(L, 2)))
		return 1
	}))
	m.RawSetString("__name", lua.LString("Entity"))
	reg.RawSetString(entityMetaKey, m)
	return m
}

// newScriptAsset makes the `script_asset` reference for path.
func newScriptAsset(L *lua.LState, path string) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = assetRef{path}
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	m, ok := reg.RawGetString(assetMetaKey).(*lua.LTable)
	if !ok {
		m = L.CreateTable(0, 2)
		m.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
			if ud, ok := L.Get(1).(*lua.LUserData); ok {
				if a, ok := ud.Value.(assetRef); ok {
					L.Push(lua.LString(a.path))
					return 1
				}
			}
			L.Push(lua.LString("script_asset"))
			return 1
		}))
		m.RawSetString("__name", lua.LString("Handle<ScriptAsset>"))
		reg.RawSetString(assetMetaKey, m)
	}
	ud.Metatable = m
	return ud
}

// contextGlobals is BMS's built-in context initializers (owner goroutine).
func (m *Model) contextGlobals(x *sctx) {
	c := x.o
	c.DefineGlobal("world", c.Stub("world"))
	c.DefineGlobal("register_callback", x.registerFn)
	c.DefineGlobal("types", c.Stub("types"))
}

// preHandlingGlobals is BMS's built-in pre-handling initializer for a.
func (m *Model) preHandlingGlobals(x *sctx, a Key) {
	L := x.o.L
	if a.HasEntity {
		x.o.DefineGlobal("entity", newEntity(L, a.Entity))
	}
	x.o.DefineGlobal("script_asset", newScriptAsset(L, a.Script))
}

// attachmentArg is what the scene's initializer snippets receive as `...`:
// {entity = <id or nil>, script = <path>}, the attachment being handled.
func attachmentArg(L *lua.LState, a Key) *lua.LTable {
	t := L.CreateTable(0, 2)
	if a.HasEntity {
		t.RawSetString("entity", lua.LNumber(a.Entity))
	}
	t.RawSetString("script", lua.LString(a.Script))
	return t
}

// runSnippet runs an initializer snippet from scene.toml with the
// attachment as its argument; false when it failed (the error is recorded).
func (m *Model) runSnippet(x *sctx, chunk, src string, a Key) (bool, string) {
	fn, err := x.o.LoadString(chunk, src, nil)
	if err != nil {
		rec := engine.ErrorRecord{Context: x.c.Name, Step: x.o.Step(), File: chunk, Message: err.Error()}
		x.o.AddError(rec)
		return false, err.Error()
	}
	if _, rec := x.o.Call(fn, []lua.LValue{attachmentArg(x.o.L, a)}, chunk); rec != nil {
		return false, rec.Message
	}
	return true, ""
}
