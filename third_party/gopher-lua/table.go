package lua

const defaultArrayCap = 4 // modscope: was 32
const defaultHashCap = 4  // modscope: was 32 (a table with one string key held a 32-slot map)

// modscope: a table with no other keys than up to smallTableKeys strings
// keeps them in keys and their values in vals (same index; a deleted
// key's value is LNil) instead of strdict: a Go map of one to eight
// entries costs ~340 bytes, the slices a quarter of that, and most tables
// of a state (library, class and instance tables) are that small. The
// 9th string key or any other key moves them to strdict for good.
const smallTableKeys = 8

type lValueArraySorter struct {
	L      *LState
	Fn     *LFunction
	Values []LValue
}

func (lv lValueArraySorter) Len() int {
	return len(lv.Values)
}

func (lv lValueArraySorter) Swap(i, j int) {
	lv.Values[i], lv.Values[j] = lv.Values[j], lv.Values[i]
}

func (lv lValueArraySorter) Less(i, j int) bool {
	if lv.Fn != nil {
		lv.L.Push(lv.Fn)
		lv.L.Push(lv.Values[i])
		lv.L.Push(lv.Values[j])
		lv.L.Call(2, 1)
		return LVAsBool(lv.L.reg.Pop())
	}
	return lessThan(lv.L, lv.Values[i], lv.Values[j])
}

func newLTable(acap int, hcap int) *LTable {
	if acap < 0 {
		acap = 0
	}
	if hcap < 0 {
		hcap = 0
	}
	tb := &LTable{}
	tb.Metatable = LNil
	if acap != 0 {
		tb.array = make([]LValue, 0, acap)
	}
	if hcap > smallTableKeys {
		tb.strdict = make(map[string]LValue, hcap)
	} else if hcap != 0 {
		tb.keys = make([]LValue, 0, hcap)
		tb.vals = make([]LValue, 0, hcap)
	}
	return tb
}

// modscope: small reports whether the string keys are in keys and vals.
func (tb *LTable) small() bool { return tb.strdict == nil && tb.dict == nil }

// modscope: smallIndex is the position of a string key in a small table, or -1.
func (tb *LTable) smallIndex(key string) int {
	for i, k := range tb.keys {
		if s, ok := k.(LString); ok && string(s) == key {
			return i
		}
	}
	return -1
}

// modscope: smallGet is the value of a string key when strdict is nil.
func (tb *LTable) smallGet(key string) LValue {
	if tb.dict == nil {
		if i := tb.smallIndex(key); i >= 0 {
			return tb.vals[i]
		}
	}
	return LNil
}

// modscope: toMap moves a small table's string keys to strdict.
func (tb *LTable) toMap() {
	tb.strdict = make(map[string]LValue, 2*len(tb.keys))
	for i, k := range tb.keys {
		tb.strdict[string(k.(LString))] = tb.vals[i]
		if tb.vals[i] == LNil {
			tb.strdead++
		}
	}
	tb.vals = nil
}

// HashLen returns the number of keys with a value outside the array part,
// without iterating over a big table (modscope: the inspector's counts).
func (tb *LTable) HashLen() int {
	if tb.small() {
		n := 0
		for _, v := range tb.vals {
			if v != LNil {
				n++
			}
		}
		return n
	}
	return len(tb.strdict) - tb.strdead + len(tb.dict)
}

// Len returns length of this LTable without using __len.
func (tb *LTable) Len() int {
	if tb.array == nil {
		return 0
	}
	var prev LValue = LNil
	for i := len(tb.array) - 1; i >= 0; i-- {
		v := tb.array[i]
		if prev == LNil && v != LNil {
			return i + 1
		}
		prev = v
	}
	return 0
}

// Append appends a given LValue to this LTable.
func (tb *LTable) Append(value LValue) {
	if value == LNil {
		return
	}
	if tb.array == nil {
		tb.array = make([]LValue, 0, defaultArrayCap)
	}
	if len(tb.array) == 0 || tb.array[len(tb.array)-1] != LNil {
		tb.array = append(tb.array, value)
	} else {
		i := len(tb.array) - 2
		for ; i >= 0; i-- {
			if tb.array[i] != LNil {
				break
			}
		}
		tb.array[i+1] = value
	}
}

// Insert inserts a given LValue at position `i` in this table.
func (tb *LTable) Insert(i int, value LValue) {
	if tb.array == nil {
		tb.array = make([]LValue, 0, defaultArrayCap)
	}
	if i > len(tb.array) {
		tb.RawSetInt(i, value)
		return
	}
	if i <= 0 {
		tb.RawSet(LNumber(i), value)
		return
	}
	i -= 1
	tb.array = append(tb.array, LNil)
	copy(tb.array[i+1:], tb.array[i:])
	tb.array[i] = value
}

// MaxN returns a maximum number key that nil value does not exist before it.
func (tb *LTable) MaxN() int {
	if tb.array == nil {
		return 0
	}
	for i := len(tb.array) - 1; i >= 0; i-- {
		if tb.array[i] != LNil {
			return i + 1
		}
	}
	return 0
}

// Remove removes from this table the element at a given position.
func (tb *LTable) Remove(pos int) LValue {
	if tb.array == nil {
		return LNil
	}
	larray := len(tb.array)
	if larray == 0 {
		return LNil
	}
	i := pos - 1
	oldval := LNil
	switch {
	case i >= larray:
		// nothing to do
	case i == larray-1 || i < 0:
		oldval = tb.array[larray-1]
		tb.array = tb.array[:larray-1]
	default:
		oldval = tb.array[i]
		copy(tb.array[i:], tb.array[i+1:])
		tb.array[larray-1] = nil
		tb.array = tb.array[:larray-1]
	}
	return oldval
}

// RawSet sets a given LValue to a given index without the __newindex metamethod.
// It is recommended to use `RawSetString` or `RawSetInt` for performance
// if you already know the given LValue is a string or number.
func (tb *LTable) RawSet(key LValue, value LValue) {
	switch v := key.(type) {
	case LNumber:
		if isArrayKey(v) {
			if tb.array == nil {
				tb.array = make([]LValue, 0, defaultArrayCap)
			}
			index := int(v) - 1
			alen := len(tb.array)
			switch {
			case index == alen:
				tb.array = append(tb.array, value)
			case index > alen:
				for i := 0; i < (index - alen); i++ {
					tb.array = append(tb.array, LNil)
				}
				tb.array = append(tb.array, value)
			case index < alen:
				tb.array[index] = value
			}
			return
		}
	case LString:
		tb.RawSetString(string(v), value)
		return
	}

	tb.RawSetH(key, value)
}

// RawSetInt sets a given LValue at a position `key` without the __newindex metamethod.
func (tb *LTable) RawSetInt(key int, value LValue) {
	if key < 1 || key >= MaxArrayIndex {
		tb.RawSetH(LNumber(key), value)
		return
	}
	if tb.array == nil {
		tb.array = make([]LValue, 0, 32)
	}
	index := key - 1
	alen := len(tb.array)
	switch {
	case index == alen:
		tb.array = append(tb.array, value)
	case index > alen:
		for i := 0; i < (index - alen); i++ {
			tb.array = append(tb.array, LNil)
		}
		tb.array = append(tb.array, value)
	case index < alen:
		tb.array[index] = value
	}
}

// RawSetString sets a given LValue to a given string index without the __newindex metamethod.
func (tb *LTable) RawSetString(key string, value LValue) {
	if tb.strdict == nil {
		if tb.dict == nil { // modscope: a small table (smallTableKeys)
			if i := tb.smallIndex(key); i >= 0 {
				tb.vals[i] = value
				return
			}
			if value == LNil {
				return
			}
			if len(tb.keys) < smallTableKeys {
				tb.addKey(LString(key))
				tb.vals = append(tb.vals, value)
				return
			}
			tb.toMap()
		} else {
			tb.strdict = make(map[string]LValue, defaultHashCap)
		}
	}
	// modscope: keys holds every key ever set, in order (as upstream); a
	// deleted string key stays in strdict as LNil, so that a string key is
	// in keys if and only if it is in strdict, and k2i is built only when
	// Next needs it (keyIndex). Every reader takes LNil for an absent key.
	v, ok := tb.strdict[key]
	if value == LNil {
		if ok && v != LNil {
			tb.strdict[key] = LNil
			tb.strdead++
		}
		return
	}
	if !ok {
		tb.addKey(LString(key))
	} else if v == LNil {
		tb.strdead--
	}
	tb.strdict[key] = value
}

// RawSetH sets a given LValue to a given index without the __newindex metamethod.
func (tb *LTable) RawSetH(key LValue, value LValue) {
	if s, ok := key.(LString); ok {
		tb.RawSetString(string(s), value)
		return
	}
	if tb.dict == nil {
		if tb.strdict == nil && len(tb.keys) > 0 {
			tb.toMap() // modscope: keys of a small table are strings only
		}
		tb.vals = nil
		tb.dict = make(map[LValue]LValue, len(tb.strdict))
	}
	// modscope: a deleted key of dict is deleted (as upstream) and stays
	// in keys; k2i, built before, tells a new set that it is there.
	if value == LNil {
		if _, ok := tb.dict[key]; ok {
			tb.indexKeys()
			delete(tb.dict, key)
		}
		return
	}
	if _, ok := tb.dict[key]; !ok {
		tb.addKey(key)
	}
	tb.dict[key] = value
}

// modscope: addKey appends a key that is not in strdict or dict to keys,
// unless it is there already (a deleted key of dict: k2i exists then).
func (tb *LTable) addKey(key LValue) {
	if tb.k2i != nil {
		if _, ok := tb.k2i[key]; ok {
			return
		}
		tb.k2i[key] = len(tb.keys)
	}
	tb.keys = append(tb.keys, key)
}

// modscope: indexKeys builds k2i, the position of each key in keys.
func (tb *LTable) indexKeys() {
	if tb.k2i != nil {
		return
	}
	tb.k2i = make(map[LValue]int, len(tb.keys))
	for i, k := range tb.keys {
		tb.k2i[k] = i
	}
}

// modscope: keyIndex is the position of key in keys (0 when it is not
// there, as upstream's k2i look-up gave). A pairs loop asks for the key
// Next returned last, found at nexti without k2i.
func (tb *LTable) keyIndex(key LValue) int {
	if tb.nexti < len(tb.keys) && tb.keys[tb.nexti] == key {
		return tb.nexti
	}
	tb.indexKeys()
	return tb.k2i[key]
}

// RawGet returns an LValue associated with a given key without __index metamethod.
func (tb *LTable) RawGet(key LValue) LValue {
	switch v := key.(type) {
	case LNumber:
		if isArrayKey(v) {
			if tb.array == nil {
				return LNil
			}
			index := int(v) - 1
			if index >= len(tb.array) {
				return LNil
			}
			return tb.array[index]
		}
	case LString:
		if tb.strdict == nil {
			return tb.smallGet(string(v))
		}
		if ret, ok := tb.strdict[string(v)]; ok {
			return ret
		}
		return LNil
	}
	if tb.dict == nil {
		return LNil
	}
	if v, ok := tb.dict[key]; ok {
		return v
	}
	return LNil
}

// RawGetInt returns an LValue at position `key` without __index metamethod.
func (tb *LTable) RawGetInt(key int) LValue {
	if tb.array == nil {
		return LNil
	}
	index := int(key) - 1
	if index >= len(tb.array) || index < 0 {
		return LNil
	}
	return tb.array[index]
}

// RawGet returns an LValue associated with a given key without __index metamethod.
func (tb *LTable) RawGetH(key LValue) LValue {
	if s, sok := key.(LString); sok {
		if tb.strdict == nil {
			return tb.smallGet(string(s))
		}
		if v, vok := tb.strdict[string(s)]; vok {
			return v
		}
		return LNil
	}
	if tb.dict == nil {
		return LNil
	}
	if v, ok := tb.dict[key]; ok {
		return v
	}
	return LNil
}

// RawGetString returns an LValue associated with a given key without __index metamethod.
func (tb *LTable) RawGetString(key string) LValue {
	if tb.strdict == nil {
		return tb.smallGet(key)
	}
	if v, vok := tb.strdict[string(key)]; vok {
		return v
	}
	return LNil
}

// ForEach iterates over this table of elements, yielding each in turn to a given function.
func (tb *LTable) ForEach(cb func(LValue, LValue)) {
	if tb.array != nil {
		for i, v := range tb.array {
			if v != LNil {
				cb(LNumber(i+1), v)
			}
		}
	}
	if tb.strdict != nil {
		for k, v := range tb.strdict {
			if v != LNil {
				cb(LString(k), v)
			}
		}
	} else if tb.dict == nil {
		for i, k := range tb.keys { // modscope: a small table
			if v := tb.vals[i]; v != LNil {
				cb(k, v)
			}
		}
	}
	if tb.dict != nil {
		for k, v := range tb.dict {
			if v != LNil {
				cb(k, v)
			}
		}
	}
}

// This function is equivalent to lua_next ( http://www.lua.org/manual/5.1/manual.html#lua_next ).
func (tb *LTable) Next(key LValue) (LValue, LValue) {
	init := false
	if key == LNil {
		key = LNumber(0)
		init = true
	}

	if init || key != LNumber(0) {
		if kv, ok := key.(LNumber); ok && isInteger(kv) && int(kv) >= 0 && kv < LNumber(MaxArrayIndex) {
			index := int(kv)
			if tb.array != nil {
				for ; index < len(tb.array); index++ {
					if v := tb.array[index]; v != LNil {
						return LNumber(index + 1), v
					}
				}
			}
			if tb.array == nil || index == len(tb.array) {
				return tb.nextKey(0)
			}
		}
	}
	return tb.nextKey(tb.keyIndex(key) + 1)
}

// modscope: nextKey returns the first key from position i of keys that
// has a value (Next of the hash part).
func (tb *LTable) nextKey(i int) (LValue, LValue) {
	small := tb.small()
	for ; i < len(tb.keys); i++ {
		key := tb.keys[i]
		var v LValue
		if small {
			v = tb.vals[i]
		} else {
			v = tb.RawGetH(key)
		}
		if v != LNil {
			tb.nexti = i
			return key, v
		}
	}
	return LNil, LNil
}
