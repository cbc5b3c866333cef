package engine

import (
	"reflect"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Stub returns the recording stand-in for an engine function or value the
// folder does not define (stub mode). Indexing it yields more stand-ins,
// calling it records a call and yields a stand-in, arithmetic yields a
// stand-in, and it prints as "stub:NAME".
func (c *Context) Stub(name string) *lua.LUserData {
	ud := c.L.NewUserData()
	ud.Value = stubValue(name)
	ud.Metatable = c.stubMeta()
	return ud
}

// stubValue is the Go value inside a stand-in userdata: its name.
type stubValue string

func (c *Context) stubName(v lua.LValue) (string, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return "", false
	}
	n, ok := ud.Value.(stubValue)
	return string(n), ok
}

func (c *Context) touch(name string, call bool) {
	r := c.stubs[name]
	if r == nil {
		r = &StubRecord{Name: name, First: c.where(1)}
		if r.First == "" {
			r.First = c.where(0)
		}
		c.stubs[name] = r
	}
	if call {
		r.Calls++
	}
}

var stubMetaKey = "modscope.stubmeta"

func (c *Context) stubMeta() *lua.LTable {
	L := c.L
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if m, ok := reg.RawGetString(stubMetaKey).(*lua.LTable); ok {
		return m
	}
	m := L.CreateTable(0, 16)
	name := func(L *lua.LState, i int) string {
		n, _ := c.stubName(L.Get(i))
		return n
	}
	m.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		base := name(L, 1)
		c.touch(base, false)
		L.Push(c.Stub(base + "." + L.Get(2).String()))
		return 1
	}))
	m.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		base := name(L, 1)
		c.touch(base, true)
		if resultCompared(L) {
			// `if GetHeight(p) > 5`: Lua cannot compare a stand-in with a
			// number, so a result that is only compared is 0.
			L.Push(lua.LNumber(0))
			return 1
		}
		L.Push(c.Stub(base + "()"))
		return 1
	}))
	arith := L.NewFunction(func(L *lua.LState) int {
		n := name(L, 1)
		if n == "" {
			n = name(L, 2)
		}
		c.touch(n, false)
		L.Push(c.Stub(n))
		return 1
	})
	for _, ev := range []string{"__add", "__sub", "__mul", "__div", "__mod", "__pow", "__unm"} {
		m.RawSetString(ev, arith)
	}
	m.RawSetString("__concat", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(c.tostring(L, L.Get(1)) + c.tostring(L, L.Get(2))))
		return 1
	}))
	m.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("stub:" + name(L, 1)))
		return 1
	}))
	m.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int { return 0 }))
	m.RawSetString("__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(0))
		return 1
	}))
	lt, le := c.stubCompare()
	m.RawSetString("__lt", lt)
	m.RawSetString("__le", le)
	reg.RawSetString(stubMetaKey, m)
	return m
}

// usedAsObject looks at the Lua code that is reading a missing global or
// field: it reports whether the value is then called, indexed or used in
// arithmetic (a stand-in is wanted) rather than tested or stored (nil is
// right, so `if Foo then` and `x = x or {}` keep their meaning).
func usedAsObject(L *lua.LState) bool {
	fn, pc, ok := callerFrame(L)
	if !ok || pc <= 0 || pc > len(fn.Proto.Code) {
		return false
	}
	code := fn.Proto.Code
	prev := code[pc-1]
	var reg int
	switch int(prev >> 26) {
	case lua.OP_GETGLOBAL, lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
		reg = int(prev>>18) & 0xff
	default:
		return false
	}
	isReg := func(x int) bool { return x&0x100 == 0 && x == reg }
	for i := pc; i < len(code) && i < pc+64; i++ {
		inst := code[i]
		op := int(inst >> 26)
		a := int(inst>>18) & 0xff
		b := int(inst & 0x1ff)
		cc := int(inst>>9) & 0x1ff
		switch op {
		case lua.OP_CALL, lua.OP_TAILCALL:
			if a == reg {
				return true
			}
			if reg > a {
				return false // an argument, or overwritten by results
			}
		case lua.OP_SELF:
			if b == reg {
				return true
			}
			if a == reg || a+1 == reg || isReg(cc) {
				return false
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			if b == reg {
				return true
			}
			if a == reg || (op == lua.OP_GETTABLE && isReg(cc)) {
				return false
			}
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			if a == reg {
				return true
			}
			if isReg(b) || isReg(cc) {
				return false
			}
		case lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW:
			if isReg(b) || isReg(cc) {
				return true
			}
			if a == reg {
				return false
			}
		case lua.OP_UNM:
			if b == reg {
				return true
			}
			if a == reg {
				return false
			}
		case lua.OP_MOVE:
			if a == reg || b == reg {
				return false
			}
		case lua.OP_LOADK, lua.OP_LOADBOOL, lua.OP_GETUPVAL, lua.OP_GETGLOBAL, lua.OP_NEWTABLE:
			if a == reg {
				return false
			}
		case lua.OP_LOADNIL:
			if reg >= a && reg <= b {
				return false
			}
		case lua.OP_LEN:
			if b == reg {
				return true
			}
			if a == reg {
				return false
			}
		case lua.OP_CONCAT:
			if reg >= b && reg <= cc {
				return true
			}
			if a == reg {
				return false
			}
		case lua.OP_SETLIST, lua.OP_CLOSURE, lua.OP_NOT:
			if a == reg || (op == lua.OP_NOT && b == reg) {
				return false
			}
		default:
			return false
		}
	}
	return false
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

// resultCompared reports whether the first result of the call being made
// (the CALL instruction of the calling Lua frame) is next used in an order
// comparison (<, <=, >, >=).
func resultCompared(L *lua.LState) bool {
	fn, pc, ok := callerFrame(L)
	if !ok || pc <= 0 || pc > len(fn.Proto.Code) {
		return false
	}
	code := fn.Proto.Code
	prev := code[pc-1]
	if op := int(prev >> 26); op != lua.OP_CALL {
		return false
	}
	reg := int(prev>>18) & 0xff
	isReg := func(x int) bool { return x&0x100 == 0 && x == reg }
	for i := pc; i < len(code) && i < pc+32; i++ {
		inst := code[i]
		op := int(inst >> 26)
		a := int(inst>>18) & 0xff
		b := int(inst & 0x1ff)
		cc := int(inst>>9) & 0x1ff
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
