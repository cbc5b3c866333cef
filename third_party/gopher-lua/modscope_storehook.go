package lua

// Store hook (modscope patch, MODSCOPE-PATCH.md): the SETTABLE and
// SETTABLEKS opcodes report a store into a watched table to a hook before
// it happens, with the table's watch name and the running source line. It
// is how modscope records which mod assigns a field of a class or of a game
// table (`Dome.GetCapacity = f`, `const.X = 1`) without a metatable on
// those tables. With no hook set the cost is one nil check per store.

// StoreSite is where a watched store runs: the chunk name and line of the
// instruction.
type StoreSite struct {
	Source string
	Line   int
}

// StoreHook is called before a store of value at key into the watched
// table tb (whose watch name is name); tb still holds the old value. It
// runs on the goroutine of the state and must not raise a Lua error.
type StoreHook func(L *LState, tb *LTable, name string, key, value LValue, site StoreSite)

type storeHook struct {
	fn      StoreHook
	watched map[*LTable]string
}

// SetStoreHook installs fn (nil removes the hook and forgets every watched
// table).
func (ls *LState) SetStoreHook(fn StoreHook) {
	if fn == nil {
		ls.G.storeHook = nil
		return
	}
	ls.G.storeHook = &storeHook{fn: fn, watched: map[*LTable]string{}}
}

// WatchStores makes stores into tb reach the hook under name ("" stops
// watching tb). Without a hook it does nothing.
func (ls *LState) WatchStores(tb *LTable, name string) {
	h := ls.G.storeHook
	if h == nil {
		return
	}
	if name == "" {
		delete(h.watched, tb)
		return
	}
	h.watched[tb] = name
}

// WatchName returns the name tb is watched under, or "".
func (ls *LState) WatchName(tb *LTable) string {
	if h := ls.G.storeHook; h != nil {
		return h.watched[tb]
	}
	return ""
}

// store is called by the SETTABLE opcodes when a hook is set.
func (h *storeHook) store(L *LState, obj, key, value LValue) {
	tb, ok := obj.(*LTable)
	if !ok {
		return
	}
	name, ok := h.watched[tb]
	if !ok {
		return
	}
	var site StoreSite
	if cf := L.currentFrame; cf != nil && cf.Fn != nil && cf.Fn.Proto != nil {
		p := cf.Fn.Proto
		site.Source = p.SourceName
		if pc := cf.Pc - 1; pc >= 0 && pc < len(p.DbgSourcePositions) {
			site.Line = int(p.DbgSourcePositions[pc])
		}
	}
	h.fn(L, tb, name, key, value, site)
}
