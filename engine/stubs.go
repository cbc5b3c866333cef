package engine

import (
	"reflect"
	"strconv"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Stand-ins (stub mode). A value the folder reads but never defines — an
// engine function written in C, a field of const — is a stand-in: a sealed
// userdata that records what code does with it and gives neutral answers
// (docs/stubs.md has the rules a modder sees).

// Kinds of stand-in, by where the name was read.
const (
	StubGlobal  = "global"  // an undefined global
	StubLibrary = "library" // a missing field of table, string, math, coroutine
	StubConst   = "const"   // a missing field of const
	StubConfig  = "config"  // a missing field of config
	StubClass   = "class"   // an undefined parent class
	StubModule  = "module"  // a missing field of a model's module table
	StubPreset  = "preset"  // a missing field of Presets
)

// maxStubNames bounds the distinct stand-in names a context records
// (`for i = 1, 1e6 do x = Obj[i] end` must not grow the report for ever).
const maxStubNames = 5000

// Stub returns the recording stand-in for an engine function or value the
// folder does not define. It is the same value for the same name, so that
// two reads compare equal and it can be a table key.
func (c *Lua) Stub(name string) *lua.LUserData {
	return c.stubOf(name, "")
}

func (c *Lua) stubOf(name, kind string) *lua.LUserData {
	if ud, ok := c.ss().cache[name]; ok {
		return ud
	}
	ud := c.L.NewUserData()
	ud.Value = stubValue(name)
	ud.Metatable = c.stubMeta()
	if len(c.ss().cache) < maxStubNames {
		c.ss().cache[name] = ud
	}
	if kind != "" {
		c.stubRecord(name, kind)
	}
	return ud
}

// stubValue is the Go value inside a stand-in userdata: its name.
type stubValue string

func (c *Lua) stubName(v lua.LValue) (string, bool) {
	return stubNameOf(v)
}

func stubNameOf(v lua.LValue) (string, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return "", false
	}
	n, ok := ud.Value.(stubValue)
	return string(n), ok
}

// IsStub reports whether v is a stand-in, and its name.
func IsStub(v lua.LValue) (string, bool) { return stubNameOf(v) }

// stubRecord returns the record of name, creating it (with the kind of its
// root name and where it was first met).
func (c *Lua) stubRecord(name, kind string) *StubRecord {
	r := c.stubs[name]
	if r != nil {
		return r
	}
	if len(c.stubs) >= maxStubNames {
		return &StubRecord{} // counted nowhere: the report says enough already
	}
	if kind == "" {
		kind = c.stubKindOf(name)
	}
	r = &StubRecord{Name: name, Kind: kind, First: c.where(1)}
	if r.First == "" {
		r.First = c.where(0)
	}
	c.stubs[name] = r
	c.ss().lastStub = name
	return r
}

// stubKindOf is the kind of the nearest recorded name name derives from
// ("CObject" for "CObject.SetPos().x"), global if none.
func (c *Lua) stubKindOf(name string) string {
	for i := len(name) - 1; i > 0; i-- {
		switch name[i] {
		case '.', '[', '(':
			if p := c.stubs[name[:i]]; p != nil {
				return p.Kind
			}
		}
	}
	return StubGlobal
}

// touch counts a read (call false) or a call (call true) of a stand-in.
func (c *Lua) touch(name string, call bool) {
	r := c.stubRecord(name, "")
	c.ss().lastStub = name
	if call {
		r.Calls++
	} else {
		r.Reads++
	}
}

// stubRoot is the name a derived stand-in's name starts from: "A.B" for
// "A.B().c" (a call result belongs to its function), name itself otherwise.
func stubRoot(name string) string {
	for i := 0; i+1 < len(name); i++ {
		if name[i] == '(' && name[i+1] == ')' {
			return name[:i]
		}
	}
	return name
}

// stubKey renders an index key for a stand-in's name.
func stubKey(base string, k lua.LValue) string {
	switch x := k.(type) {
	case lua.LString:
		if len(x) > 64 {
			return base + ".?"
		}
		return base + "." + string(x)
	case lua.LNumber:
		return base + "[" + strconv.FormatFloat(float64(x), 'g', -1, 64) + "]"
	default:
		return base + "[?]"
	}
}

const stubMetaKey = "modscope.stubmeta"

// stubSeal is the metatable of what getmetatable returns for a stand-in
// (an empty decoy): the real metatable can be neither read nor replaced
// from Lua.
const stubSeal = "modscope stand-in"

func (c *Lua) stubMeta() *lua.LTable {
	if c.ss().mt != nil {
		return c.ss().mt
	}
	L := c.L
	m := L.CreateTable(0, 20)
	name := func(L *lua.LState, i int) string {
		n, _ := c.stubName(L.Get(i))
		return n
	}
	// sealed: getmetatable gives an empty table that writes do not reach
	// (`getmetatable(x).__index = f` changes nothing; pairs over it is empty)
	decoy := L.CreateTable(0, 0)
	dm := L.CreateTable(0, 2)
	dm.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int { return 0 }))
	dm.RawSetString("__metatable", lua.LString(stubSeal))
	decoy.Metatable = dm
	m.RawSetString("__metatable", decoy)
	m.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		// a field that is only tested is nil (`if Platform.console then`)
		L.Push(c.stubFor(L, stubKey(name(L, 1), L.Get(2)), ""))
		return 1
	}))
	m.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		base := name(L, 1)
		c.touch(base, true)
		c.stubRecord(base, "").addArity(L.GetTop() - 1)
		if resultCompared(L) {
			// `if GetHeight(p) > 5`: a result that is only compared is 0.
			L.Push(lua.LNumber(0))
			return 1
		}
		if readIsTested(L) {
			// `if IsValidEntity(e) then`: an unknown answer is no
			L.Push(lua.LNil)
		} else {
			L.Push(c.stubOf(base+"()", ""))
		}
		// `local x, y = GetMapSize()`: as many results as the code takes,
		// each the same stand-in (or nil where it is only tested)
		fn, pc, a, n := callSite(L)
		for k := 1; k < n; k++ {
			if regTested(fn, pc, a+k) {
				L.Push(lua.LNil)
			} else {
				L.Push(c.stubOf(base+"()", ""))
			}
		}
		return max(n, 1)
	}))
	// Arithmetic and concatenation give a stand-in of the same name: the
	// engine's number or string is unknown, and so is what it makes.
	arith := L.NewFunction(func(L *lua.LState) int {
		n := name(L, 1)
		if n == "" {
			n = name(L, 2)
		}
		L.Push(c.stubOf(n, ""))
		return 1
	})
	for _, ev := range []string{"__add", "__sub", "__mul", "__div", "__mod", "__pow", "__unm", "__concat", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr", "__bnot"} {
		m.RawSetString(ev, arith)
	}
	m.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("stub:" + name(L, 1)))
		return 1
	}))
	m.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		c.stubRecord(name(L, 1), "").Writes++
		return 0
	}))
	m.RawSetString("__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(0))
		return 1
	}))
	lt, le := c.stubCompare()
	m.RawSetString("__lt", lt)
	m.RawSetString("__le", le)
	c.ss().mt = m
	// the for-loop hook (init below) finds the context of a state here;
	// Lua code cannot reach the registry
	ctx := L.NewUserData()
	ctx.Value = c
	L.G.Registry.RawSetString(stubCtxKey, ctx)
	return m
}

// stubCtxKey is the registry key of the context that owns a state's
// stand-ins.
const stubCtxKey = "modscope.stubctx"

// stubContextOf is the context that made the stand-ins of L's state.
func stubContextOf(L *lua.LState) *Lua {
	if ud, ok := L.G.Registry.RawGetString(stubCtxKey).(*lua.LUserData); ok {
		c, _ := ud.Value.(*Lua)
		return c
	}
	return nil
}

// stubForLoop is stub mode's answer to a numeric for whose init, limit or
// step is a stand-in (`for i = 1, const.MaxColorizationMaterials`): the
// engine's number is unknown, so the loop runs zero times, as over an
// empty list, and the stand-in's read is recorded. Any other non-number
// (nil, a table) keeps Lua's error.
func stubForLoop(L *lua.LState, init, limit, step lua.LValue) (lua.LNumber, lua.LNumber, lua.LNumber, bool) {
	var names []string
	for _, v := range []lua.LValue{init, limit, step} {
		if _, isNum := v.(lua.LNumber); isNum {
			continue
		}
		n, isStub := stubNameOf(v)
		if !isStub {
			return 0, 0, 0, false
		}
		names = append(names, n)
	}
	if c := stubContextOf(L); c != nil {
		for _, n := range names {
			c.touch(n, false)
		}
	}
	return 1, 0, 1, true
}

// stubFor is the answer of stub mode to a read of a missing name (a global,
// or a field of const, config or a library table): a stand-in, unless the
// code reading it only tests it — `if X then`, `X == nil`, `X or default`,
// `not X` see nil, as they see what the game would for a name nobody
// defines. kind says where the name was read.
func (c *Lua) stubFor(L *lua.LState, name, kind string) lua.LValue {
	if readIsTested(L) {
		return lua.LNil
	}
	ud := c.stubOf(name, kind)
	c.touch(name, false)
	return ud
}

// readIsTested looks at the Lua code that is reading a missing global or
// field: it reports whether the value read is next used only as a truth
// value or compared with ==/~= (`if X then`, `X or {}`, `X == nil`,
// `not X`). Every other use — calling it, indexing it, storing it in a
// local, an upvalue, a table or a global, passing it, returning it — wants
// the value, and gets a stand-in.
func readIsTested(L *lua.LState) bool {
	fn, pc, prev, ok := callerInstr(L)
	if !ok {
		return false
	}
	op, reg, _, _ := instFields(prev)
	switch op {
	case lua.OP_GETGLOBAL, lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_CALL:
		return regTested(fn, pc, reg)
	default: // OP_SELF (a method call) and the rest
		return false
	}
}

// regTested is readIsTested's look-ahead: whether register reg, set by the
// instruction before pc, is next used only as a truth value.
func regTested(fn *lua.LFunction, pc, reg int) bool {
	code := fn.Proto.Code
	isReg := func(x int) bool { return x&0x100 == 0 && x == reg }
	// compared: the value was compared with a string or number constant,
	// which nil and a stand-in answer alike; only a later use of the value
	// makes it a stand-in, anything else leaves it tested
	compared := false
	unused := func() bool { return compared }
	for i := pc; i < len(code) && i < pc+64; i++ {
		op, a, b, cc := instFields(code[i])
		switch op {
		case lua.OP_TEST:
			if a == reg {
				return true
			}
		case lua.OP_TESTSET:
			if b == reg {
				return true
			}
			if a == reg {
				return false
			}
		case lua.OP_NOT:
			if b == reg {
				return true
			}
			if a == reg {
				return false
			}
		case lua.OP_EQ:
			if isReg(b) || isReg(cc) {
				other := cc
				if !isReg(b) {
					other = b
				}
				// compared with a string or number constant (`name ==
				// "[C](-1)"`): nil and a stand-in give the same answer, and
				// what the code does next with the value decides
				if other&0x100 != 0 {
					if k := other & 0xff; k < len(fn.Proto.Constants) {
						switch fn.Proto.Constants[k].(type) {
						case lua.LString, lua.LNumber:
							compared = true
							continue
						}
					}
				}
				return true
			}
		case lua.OP_JMP, lua.OP_LT, lua.OP_LE:
			if op != lua.OP_JMP && (isReg(b) || isReg(cc)) {
				return false
			}
		case lua.OP_LOADK, lua.OP_LOADBOOL, lua.OP_GETUPVAL, lua.OP_GETGLOBAL, lua.OP_NEWTABLE, lua.OP_CLOSURE:
			if a == reg {
				return unused() // overwritten unused
			}
		case lua.OP_LOADNIL:
			if reg >= a && reg <= b {
				return unused()
			}
		case lua.OP_MOVE:
			if b == reg {
				return false // copied to another local: a value
			}
			if a == reg {
				return unused()
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			if b == reg || (op == lua.OP_GETTABLE && isReg(cc)) {
				return false
			}
			if a == reg {
				return unused()
			}
		case lua.OP_SETUPVAL, lua.OP_SETGLOBAL:
			if a == reg {
				return false
			}
		case lua.OP_FORPREP:
			// a numeric for's init, limit or step is a value (B and C
			// hold the jump: nothing after it is looked at)
			return false
		default:
			// Any other instruction that mentions the register uses the
			// value (call, arithmetic, store, return, ...); one that does
			// not is skipped.
			if a == reg || isReg(b) || isReg(cc) {
				return false
			}
			if op == lua.OP_RETURN && reg >= a && (fn.Proto.SourceName == "eval" || fn.Proto.SourceName == "watch") {
				return true // the console shows an undefined name as nil
			}
			if op == lua.OP_CALL || op == lua.OP_TAILCALL || op == lua.OP_RETURN || op == lua.OP_CONCAT {
				if reg >= a {
					return false // an argument, a returned value, a part
				}
			}
		}
	}
	return unused()
}

// callerFrame finds the Lua function and program counter of the frame that
// called the running Go function. gopher-lua keeps both unexported; they
// are read (never written) through reflection.
func callerFrame(L *lua.LState) (*lua.LFunction, int, bool) {
	dbg, ok := L.GetStack(1)
	if !ok {
		return nil, 0, false
	}
	fv := reflect.ValueOf(dbg).Elem().FieldByName("frame")
	if !fv.IsValid() || fv.IsNil() {
		return nil, 0, false
	}
	f := fv.Elem()
	fnField := f.FieldByName("Fn")
	pcField := f.FieldByName("Pc")
	if !fnField.IsValid() || !pcField.IsValid() || fnField.IsNil() {
		return nil, 0, false
	}
	fn := (*lua.LFunction)(unsafe.Pointer(fnField.Pointer()))
	if fn.IsG || fn.Proto == nil {
		return nil, 0, false
	}
	return fn, int(pcField.Int()), true
}

// callerInstr is the instruction the calling Lua frame is executing (the
// one before its saved pc: the read or call that reached Go), with the
// frame's function and pc; ok is false when there is none.
func callerInstr(L *lua.LState) (fn *lua.LFunction, pc int, inst uint32, ok bool) {
	fn, pc, ok = callerFrame(L)
	if !ok || pc <= 0 || pc > len(fn.Proto.Code) {
		return nil, 0, 0, false
	}
	return fn, pc, fn.Proto.Code[pc-1], true
}

// instFields decodes an instruction: its opcode and its A, B and C fields
// (B and C with their constant bit, 0x100).
func instFields(inst uint32) (op, a, b, c int) {
	return int(inst >> 26), int(inst>>18) & 0xff, int(inst & 0x1ff), int(inst>>9) & 0x1ff
}

// maxStubResults bounds the results a stand-in call gives.
const maxStubResults = 16

// callSite finds the CALL instruction of the calling Lua frame that is
// calling a stand-in: its function, pc, result register and the number of
// results it takes (1 when it takes all of them, or when unknown).
func callSite(L *lua.LState) (*lua.LFunction, int, int, int) {
	fn, pc, inst, ok := callerInstr(L)
	op, a, _, c := instFields(inst)
	if !ok || op != lua.OP_CALL {
		return nil, 0, 0, 1
	}
	n := c - 1 // C-1 results; C == 0: all of them
	if n < 1 || n > maxStubResults {
		n = 1
	}
	return fn, pc, a, n
}

// resultCompared reports whether the first result of the call being made
// (the CALL instruction of the calling Lua frame) is next used in an order
// comparison (<, <=, >, >=).
func resultCompared(L *lua.LState) bool {
	fn, pc, prev, ok := callerInstr(L)
	if !ok {
		return false
	}
	code := fn.Proto.Code
	op, reg, _, _ := instFields(prev)
	if op != lua.OP_CALL {
		return false
	}
	isReg := func(x int) bool { return x&0x100 == 0 && x == reg }
	for i := pc; i < len(code) && i < pc+32; i++ {
		op, a, b, cc := instFields(code[i])
		switch op {
		case lua.OP_LT, lua.OP_LE:
			return isReg(b) || isReg(cc)
		case lua.OP_LOADK, lua.OP_GETGLOBAL, lua.OP_GETUPVAL, lua.OP_LOADBOOL, lua.OP_NEWTABLE:
			if a == reg {
				return false
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_MOVE:
			if a == reg || b == reg {
				return false
			}
		default:
			return false
		}
	}
	return false
}

// A stand-in compares with a number as 0 and with anything else as not
// less (stub mode: comparisons with stand-ins never raise); a numeric for
// bounded by a stand-in runs zero times (stubForLoop).
func init() {
	lua.ForNonNumber = stubForLoop
	lua.MixedCompare = func(lhs, rhs lua.LValue, orEqual bool) (bool, bool) {
		_, s1 := stubNameOf(lhs)
		_, s2 := stubNameOf(rhs)
		if !s1 && !s2 {
			return false, false
		}
		num := func(v lua.LValue) (float64, bool) {
			if n, ok := v.(lua.LNumber); ok {
				return float64(n), true
			}
			_, ok := stubNameOf(v)
			return 0, ok
		}
		a, ok1 := num(lhs)
		b, ok2 := num(rhs)
		if !ok1 || !ok2 {
			return false, true
		}
		if orEqual {
			return a <= b, true
		}
		return a < b, true
	}
}
