package sectors

import (
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The engine's database (LuaSchemas.cpp) as an in-memory store shared by
// every context: repositories of schema values by key. A value is copied
// out of the state that puts it and rebuilt in the state that reads it, as
// the engine's database serializes it. It lives as long as the server.

var repoClass = map[string]string{
	"galaxies": "GalaxyData", "regions": "RegionData", "factions": "FactionData",
	"systems": "SystemData", "sectors": "SectorData", "planets": "PlanetData",
	"players": "PlayerData", "player_locations": "PlayerLocationData",
	"metadata": "", "starting_locations": "StartingLocationData",
}

// dbStore is guarded by Model.mu.
type dbStore map[string]map[string]any

func (m *Model) dbGet(repo, key string) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.db[repo][key]
	return v, ok
}

func (m *Model) dbPut(repo, key string, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.db[repo] == nil {
		m.db[repo] = map[string]any{}
	}
	m.db[repo][key] = v
}

func (m *Model) dbKeys(repo, prefix string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.db[repo] {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (m *Model) installDatabase(x *lctx, mod *lua.LTable) {
	L, cs := x.o.L, x.cls
	db := L.CreateTable(0, len(repoClass))
	for _, repo := range sortedKeys(repoClass) {
		repo, clsName := repo, repoClass[repo]
		repoName := clsName
		if repoName == "" {
			repoName = "MetaData"
		}
		check := func(L *lua.LState, v lua.LValue, method string) any {
			if clsName == "" {
				switch v.(type) {
				case lua.LNumber, lua.LString, lua.LBool:
				default:
					L.RaiseError("db.%s:%s: a metadata value is a number, string or boolean, not a %s", repo, method, v.Type())
				}
			} else if !cs.isA(v, clsName) {
				L.RaiseError("db.%s:%s: the value must be an engine.%s (engine.%s.new()), not a %s", repo, method, clsName, clsName, v.Type())
			}
			return cs.toPlainObject(v, 8)
		}
		methods := map[string]lua.LGFunction{
			"find": func(L *lua.LState) int {
				v, ok := m.dbGet(repo, L.CheckString(2))
				if !ok {
					L.Push(lua.LNil)
					return 1
				}
				L.Push(cs.fromPlainObject(v))
				return 1
			},
			"get": func(L *lua.LState) int {
				key := L.CheckString(2)
				v, ok := m.dbGet(repo, key)
				if !ok {
					L.RaiseError("db.%s:get(%q): no such key (modscope's database holds what this run put, and the players that joined)", repo, key)
				}
				L.Push(cs.fromPlainObject(v))
				return 1
			},
			"put": func(L *lua.LState) int {
				key := L.CheckString(2)
				m.dbPut(repo, key, check(L, L.Get(3), "put"))
				return 0
			},
			"update": func(L *lua.LState) int {
				key := L.CheckString(2)
				fn := L.CheckFunction(3)
				var cur lua.LValue = lua.LNil
				if v, ok := m.dbGet(repo, key); ok {
					cur = cs.fromPlainObject(v)
				}
				L.Push(fn)
				L.Push(cur)
				L.Call(1, 1)
				res := L.Get(-1)
				L.Pop(1)
				m.dbPut(repo, key, check(L, res, "update"))
				L.Push(res)
				return 1
			},
			"remove": func(L *lua.LState) int {
				key := L.CheckString(2)
				m.mu.Lock()
				delete(m.db[repo], key)
				m.mu.Unlock()
				return 0
			},
			"remove_by_prefix": func(L *lua.LState) int {
				for _, k := range m.dbKeys(repo, L.CheckString(2)) {
					m.mu.Lock()
					delete(m.db[repo], k)
					m.mu.Unlock()
				}
				return 0
			},
			"multi_get": func(L *lua.LState) int {
				keys := L.CheckTable(2)
				out := L.CreateTable(keys.Len(), 0)
				for i := 1; i <= keys.Len(); i++ {
					if v, ok := m.dbGet(repo, lua.LVAsString(keys.RawGetInt(i))); ok {
						out.Append(cs.fromPlainObject(v))
					}
				}
				L.Push(out)
				return 1
			},
			"seek_all": func(L *lua.LState) int {
				prefix := L.CheckString(2)
				max := int(L.OptNumber(3, 0))
				out := L.CreateTable(0, 0)
				for i, k := range m.dbKeys(repo, prefix) {
					if max > 0 && i >= max {
						break
					}
					v, _ := m.dbGet(repo, k)
					out.Append(cs.fromPlainObject(v))
				}
				L.Push(out)
				return 1
			},
			"seek": noop, // the iterator needs the real database: stand-in
			"transaction": func(L *lua.LState) int {
				fn := L.CheckFunction(2)
				L.Push(fn)
				L.Push(db)
				L.Call(1, 0)
				return 0
			},
		}
		r := cs.newObjectOf(&class{name: repoName + "Repository", methods: methods}, mod)
		db.RawSetString(repo, r)
	}
	meta := L.CreateTable(0, 2)
	meta.RawSetString("__name", lua.LString("Database"))
	meta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Database has no property %q", L.Get(2).String())
		return 0
	}))
	db.Metatable = meta
	mod.RawSetString("Database", L.CreateTable(0, 0))
	mod.RawSetString("get_database", L.NewFunction(func(L *lua.LState) int {
		L.Push(db)
		return 1
	}))
}

// sectorData is engine.get_sector_data(): the database's SectorData for
// the sector if something put one, else one modscope makes up (id and
// name the sector id, a seed from the id, no entity).
func (m *Model) sectorData(x *lctx) lua.LValue {
	cs := x.cls
	if v, ok := m.dbGet("sectors", x.id); ok {
		return cs.fromPlainObject(v)
	}
	obj := cs.newObject("SectorData", nil)
	obj.RawSetString("id", lua.LString(x.id))
	obj.RawSetString("name", lua.LString(x.id))
	obj.RawSetString("galaxy_id", lua.LString("galaxy"))
	obj.RawSetString("system_id", lua.LString("system"))
	obj.RawSetString("seed", lua.LNumber(hashSeed(x.id)))
	return obj
}

// schemaArg builds a schema instance from command arguments (a JSON object
// of its fields) for a generator callback.
func schemaArg(L *lua.LState, cs *classes, cls string, v any) (lua.LValue, error) {
	if cls == "seed" {
		switch s := v.(type) {
		case nil:
			return lua.LNumber(defaultSeed), nil
		case float64:
			return lua.LNumber(s), nil
		}
		return nil, fmt.Errorf("the seed must be a number, not %v", v)
	}
	obj := cs.newObject(cls, nil)
	if v == nil {
		if cls == "FactionData" {
			return lua.LNil, nil // optional in on_system_created / on_sector_created
		}
		return obj, nil
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a %s argument is a JSON object of its fields, not %v", cls, v)
	}
	declared := map[string]bool{}
	for _, p := range schemaProps[cls] {
		declared[p] = true
	}
	for _, k := range sortedKeys(fields) {
		if !declared[k] {
			return nil, fmt.Errorf("%s has no field %q (fields: %s)", cls, k, strings.Join(schemaProps[cls], ", "))
		}
		val := fields[k]
		if arr, ok := val.([]any); ok && k == "pos" && len(arr) == 2 {
			obj.RawSetString(k, cs.vec("Vector2", num(lua.LNumber(toF(arr[0]))), num(lua.LNumber(toF(arr[1])))))
			continue
		}
		obj.RawSetString(k, luaPlain(L, val))
	}
	return obj, nil
}

func toF(v any) float64 {
	f, _ := v.(float64)
	return f
}

func luaPlain(L *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case bool:
		return lua.LBool(x)
	case []any:
		t := L.CreateTable(len(x), 0)
		for _, e := range x {
			t.Append(luaPlain(L, e))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(x))
		for _, k := range sortedKeys(x) {
			t.RawSetString(k, luaPlain(L, x[k]))
		}
		return t
	}
	return lua.LNil
}
