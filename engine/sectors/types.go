package sectors

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The usertypes the engine's bindings register (src/Engine/Server/Bindings/
// *.cpp) as Lua classes: engine.<Name> with .new, instances that accept only
// their declared properties (a sol usertype has no free fields).

// class describes one usertype.
type class struct {
	name    string
	props   []string                  // declared properties (read/write)
	methods map[string]lua.LGFunction // called as obj:method(...)
	init    func(L *lua.LState, obj *lua.LTable, args []lua.LValue)
}

// classes holds the built classes of one state: name -> methods table and
// instance metatable.
type classes struct {
	L     *lua.LState
	defs  map[string]*class
	metas map[string]*lua.LTable
	// Most of the engine module is built on first use (engineGroups):
	// build builds group g, built marks the groups built. A sector context
	// uses a few classes; building them all would cost it ~250 KB.
	build func(g int)
	built []bool
}

func newClasses(L *lua.LState, build func(g int)) *classes {
	return &classes{L: L, defs: map[string]*class{}, metas: map[string]*lua.LTable{}, build: build, built: make([]bool, len(engineGroups))}
}

// lazy reports whether the engine field name is still to be built.
func (cs *classes) lazy(name string) bool {
	g, ok := groupOf[name]
	return ok && !cs.built[g]
}

// need builds the group of an engine field, if it is not built yet.
func (cs *classes) need(name string) {
	if g, ok := groupOf[name]; ok && !cs.built[g] {
		cs.built[g] = true
		cs.build(g)
	}
}

// needAll builds every group not built yet (iteration, the inspector).
func (cs *classes) needAll() {
	for g := range engineGroups {
		if !cs.built[g] {
			cs.built[g] = true
			cs.build(g)
		}
	}
}

// define registers a class and returns its engine.<Name> table.
func (cs *classes) define(cl *class) *lua.LTable {
	L := cs.L
	cs.defs[cl.name] = cl
	methods := L.CreateTable(0, len(cl.methods))
	names := make([]string, 0, len(cl.methods))
	for n := range cl.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		methods.RawSetString(n, L.NewFunction(cl.methods[n]))
	}
	meta := L.CreateTable(0, 4)
	meta.RawSetString("__name", lua.LString(cl.name))
	meta.RawSetString("__index", methods)
	clName := cl.name
	meta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		k := L.Get(2)
		if ks, ok := k.(lua.LString); ok && slices.Contains(cl.props, string(ks)) {
			L.CheckTable(1).RawSet(k, L.Get(3))
			return 0
		}
		L.RaiseError("%s has no property %q (the engine's usertype declares: %s)", clName, k.String(), strings.Join(orNone(cl.props), ", "))
		return 0
	}))
	meta.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("%s: %p", clName, L.CheckTable(1))))
		return 1
	}))
	cs.metas[cl.name] = meta
	tbl := L.CreateTable(0, 1)
	tbl.RawSetString("new", L.NewFunction(func(L *lua.LState) int {
		args := make([]lua.LValue, 0, L.GetTop())
		for i := 1; i <= L.GetTop(); i++ {
			args = append(args, L.Get(i))
		}
		L.Push(cs.newObject(clName, args))
		return 1
	}))
	return tbl
}

// newObject makes an instance of a defined class.
func (cs *classes) newObject(name string, args []lua.LValue) *lua.LTable {
	cs.need(name)
	cl := cs.defs[name]
	obj := cs.L.CreateTable(0, len(cl.props))
	if cl.init != nil {
		cl.init(cs.L, obj, args)
	}
	obj.Metatable = cs.metas[name]
	return obj
}

// isA reports whether v is an instance of class name.
func (cs *classes) isA(v lua.LValue, name string) bool {
	t, ok := v.(*lua.LTable)
	return ok && t.Metatable == cs.metas[name] && cs.metas[name] != nil
}

// noop is a method that does nothing and returns nothing (a stand-in for
// what needs the renderer, the physics or the network).
func noop(*lua.LState) int { return 0 }

func noops(names ...string) map[string]lua.LGFunction {
	out := map[string]lua.LGFunction{}
	for _, n := range names {
		out[n] = noop
	}
	return out
}

// ---- vectors ----

var vecFields = map[string][]string{
	"Vector2": {"x", "y"}, "Vector3": {"x", "y", "z"}, "Vector4": {"x", "y", "z", "w"},
	"Color4": {"x", "y", "z", "w"}, "Quaternion": {"x", "y", "z", "w"},
}

func num(v lua.LValue) float64 {
	if n, ok := v.(lua.LNumber); ok {
		return float64(n)
	}
	return 0
}

// vectorNames are the vector-like classes (defineVector).
var vectorNames = []string{"Vector2", "Vector3", "Vector4", "Color4", "Quaternion"}

// defineVector adds Vector2/3/4, Color4 or Quaternion with the arithmetic
// the bindings give them (LuaMath.cpp, Bindings.hpp metaArithemtic).
func (cs *classes) defineVector(mod *lua.LTable, name string) {
	L := cs.L
	fields := vecFields[name]
	cl := &class{name: name, props: fields, methods: map[string]lua.LGFunction{}}
	cl.init = func(L *lua.LState, obj *lua.LTable, args []lua.LValue) {
		if len(args) != 0 && len(args) != len(fields) {
			L.RaiseError("%s.new: expected no arguments or %d numbers, got %d arguments", name, len(fields), len(args))
		}
		for i, f := range fields {
			v := 0.0
			if name == "Quaternion" && f == "w" && len(args) == 0 {
				v = 1
			}
			if i < len(args) {
				n, ok := args[i].(lua.LNumber)
				if !ok {
					L.RaiseError("%s.new: argument %d must be a number, not a %s", name, i+1, args[i].Type())
				}
				v = float64(n)
			}
			obj.RawSetString(f, lua.LNumber(v))
		}
	}
	if name != "Quaternion" {
		cl.methods["distance"] = func(L *lua.LState) int {
			a, b := L.CheckTable(1), L.CheckTable(2)
			s := 0.0
			for _, f := range fields {
				d := num(a.RawGetString(f)) - num(b.RawGetString(f))
				s += d * d
			}
			L.Push(lua.LNumber(math.Sqrt(s)))
			return 1
		}
	}
	if name == "Vector2" {
		cl.methods["rotate"] = func(L *lua.LState) int {
			a := L.CheckTable(1)
			ang := float64(L.CheckNumber(2))
			x, y := num(a.RawGetString("x")), num(a.RawGetString("y"))
			L.Push(cs.vec("Vector2", x*math.Cos(ang)-y*math.Sin(ang), x*math.Sin(ang)+y*math.Cos(ang)))
			return 1
		}
	}
	mod.RawSetString(name, cs.define(cl))
	meta := cs.metas[name]
	get := func(v lua.LValue) ([]float64, bool) {
		if n, ok := v.(lua.LNumber); ok {
			out := make([]float64, len(fields))
			for i := range out {
				out[i] = float64(n)
			}
			return out, true
		}
		if !cs.isA(v, name) {
			return nil, false
		}
		t := v.(*lua.LTable)
		out := make([]float64, len(fields))
		for i, f := range fields {
			out[i] = num(t.RawGetString(f))
		}
		return out, true
	}
	arith := func(op string, f func(a, b float64) float64) {
		meta.RawSetString(op, L.NewFunction(func(L *lua.LState) int {
			a, ok1 := get(L.Get(1))
			b, ok2 := get(L.Get(2))
			if !ok1 || !ok2 {
				L.RaiseError("%s: %s with a %s and a %s", name, op, L.Get(1).Type(), L.Get(2).Type())
			}
			out := make([]float64, len(fields))
			for i := range out {
				out[i] = f(a[i], b[i])
			}
			L.Push(cs.vec(name, out...))
			return 1
		}))
	}
	if name == "Quaternion" {
		meta.RawSetString("__mul", L.NewFunction(func(L *lua.LState) int {
			a, ok1 := get(L.Get(1))
			b, ok2 := get(L.Get(2))
			if !ok1 || !ok2 {
				L.RaiseError("Quaternion: multiplication needs two quaternions")
			}
			// Hamilton product; fields are x, y, z, w.
			ax, ay, az, aw := a[0], a[1], a[2], a[3]
			bx, by, bz, bw := b[0], b[1], b[2], b[3]
			L.Push(cs.vec(name,
				aw*bx+ax*bw+ay*bz-az*by,
				aw*by-ax*bz+ay*bw+az*bx,
				aw*bz+ax*by-ay*bx+az*bw,
				aw*bw-ax*bx-ay*by-az*bz))
			return 1
		}))
	} else {
		arith("__add", func(a, b float64) float64 { return a + b })
		arith("__sub", func(a, b float64) float64 { return a - b })
		arith("__mul", func(a, b float64) float64 { return a * b })
		arith("__div", func(a, b float64) float64 { return a / b })
		meta.RawSetString("__unm", L.NewFunction(func(L *lua.LState) int {
			a, _ := get(L.Get(1))
			out := make([]float64, len(fields))
			for i := range out {
				out[i] = -a[i]
			}
			L.Push(cs.vec(name, out...))
			return 1
		}))
	}
	meta.RawSetString("__eq", L.NewFunction(func(L *lua.LState) int {
		a, ok1 := get(L.Get(1))
		b, ok2 := get(L.Get(2))
		eq := ok1 && ok2
		for i := range a {
			if eq && a[i] != b[i] {
				eq = false
			}
		}
		L.Push(lua.LBool(eq))
		return 1
	}))
	meta.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		a, _ := get(L.Get(1))
		parts := make([]string, len(a))
		for i, v := range a {
			parts[i] = lua.LNumber(v).String()
		}
		L.Push(lua.LString("[" + strings.Join(parts, ", ") + "]"))
		return 1
	}))
}

// vec makes a vector-like instance from its components.
func (cs *classes) vec(name string, vals ...float64) *lua.LTable {
	cs.need(name)
	obj := cs.L.CreateTable(0, len(vals))
	for i, f := range vecFields[name] {
		v := 0.0
		if i < len(vals) {
			v = vals[i]
		}
		obj.RawSetString(f, lua.LNumber(v))
	}
	obj.Metatable = cs.metas[name]
	return obj
}

// ---- schemas (LuaSchemas.cpp) ----

var schemaProps = map[string][]string{
	"GalaxyData":           {"id", "pos", "seed", "name"},
	"RegionData":           {"id", "pos", "name"},
	"FactionData":          {"id", "name", "color", "home_galaxy_id", "home_system_id"},
	"SystemData":           {"id", "name", "galaxy_id", "region_id", "faction_id", "seed", "pos", "connections"},
	"SectorData":           {"id", "name", "galaxy_id", "system_id", "seed", "pos", "icon", "entity"},
	"PlanetData":           {"id", "name", "galaxy_id", "system_id", "seed", "pos", "parent_id", "type", "radius"},
	"PlayerData":           {"name", "id", "admin"},
	"PlayerLocationData":   {"galaxy_id", "system_id", "sector_id"},
	"StartingLocationData": {"galaxy_id", "system_id", "sector_id"},
}

// schemaNames lists the schema classes in a stable order.
func schemaNames() []string {
	out := make([]string, 0, len(schemaProps))
	for n := range schemaProps {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// defineSchema adds the schema class name (engine.GalaxyData, ...).
func (cs *classes) defineSchema(mod *lua.LTable, name string) {
	props := schemaProps[name]
	mod.RawSetString(name, cs.define(&class{name: name, props: props, init: func(L *lua.LState, obj *lua.LTable, _ []lua.LValue) {
		for _, p := range props {
			obj.RawSetString(p, schemaDefault(L, cs, p))
		}
	}}))
}

// schemaDefault is a new schema field's value: "" for ids and names, 0 for
// numbers, a zero Vector2 for pos, {} for connections.
func schemaDefault(L *lua.LState, cs *classes, prop string) lua.LValue {
	switch prop {
	case "pos":
		return cs.vec("Vector2")
	case "seed", "color", "radius":
		return lua.LNumber(0)
	case "admin":
		return lua.LFalse
	case "connections":
		return L.CreateTable(0, 0)
	case "icon", "faction_id", "parent_id":
		return lua.LNil
	}
	return lua.LString("")
}

// toPlainObject copies an instance (schema, vector, table) out of a state,
// so that the database can hand it to another state.
func (cs *classes) toPlainObject(v lua.LValue, depth int) any {
	if depth <= 0 {
		return nil
	}
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x)
	case lua.LString:
		return string(x)
	case lua.LBool:
		return bool(x)
	case *lua.LTable:
		out := map[string]any{}
		if mt, ok := x.Metatable.(*lua.LTable); ok {
			if n, ok := mt.RawGetString("__name").(lua.LString); ok {
				out["__class"] = string(n)
			}
		}
		x.ForEach(func(k, e lua.LValue) {
			if ks, ok := k.(lua.LString); ok {
				out[string(ks)] = cs.toPlainObject(e, depth-1)
			} else if kn, ok := k.(lua.LNumber); ok {
				out[fmt.Sprintf("#%g", float64(kn))] = cs.toPlainObject(e, depth-1)
			}
		})
		return out
	}
	return nil
}

// fromPlainObject rebuilds what toPlainObject copied out, in this state.
func (cs *classes) fromPlainObject(v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case bool:
		return lua.LBool(x)
	case map[string]any:
		t := cs.L.CreateTable(0, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "__class" {
				continue
			}
			val := cs.fromPlainObject(x[k])
			var n float64
			if _, err := fmt.Sscanf(k, "#%g", &n); err == nil && strings.HasPrefix(k, "#") {
				t.RawSet(lua.LNumber(n), val)
				continue
			}
			t.RawSetString(k, val)
		}
		if name, ok := x["__class"].(string); ok {
			cs.need(name) // a class this state has not used yet
			if cs.metas[name] != nil {
				t.Metatable = cs.metas[name]
			}
		}
		return t
	}
	return lua.LNil
}
