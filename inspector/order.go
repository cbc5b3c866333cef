package inspector

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// Key classes in display order.
const (
	clsMeta uint8 = iota
	clsNumber
	clsString
	clsBool
	clsOther
)

// sortEntry is a key with what the comparison needs.
type sortEntry struct {
	key lua.LValue
	cls uint8
	num float64
	str string // string keys: the string; other: type name + address
}

func makeEntry(k lua.LValue) sortEntry {
	switch v := k.(type) {
	case lua.LNumber:
		return sortEntry{key: k, cls: clsNumber, num: float64(v)}
	case lua.LString:
		return sortEntry{key: k, cls: clsString, str: string(v)}
	case lua.LBool:
		e := sortEntry{key: k, cls: clsBool}
		if v {
			e.num = 1
		}
		return e
	}
	return sortEntry{key: k, cls: clsOther, str: k.String()}
}

func cmpEntry(a, b *sortEntry) int {
	if a.cls != b.cls {
		return cmp.Compare(a.cls, b.cls)
	}
	switch a.cls {
	case clsNumber, clsBool:
		return cmp.Compare(a.num, b.num)
	case clsString:
		return cmpFold(a.str, b.str)
	}
	return strings.Compare(a.str, b.str)
}

// cmpFold compares case-insensitively, then bytewise to break ties. ASCII
// prefixes are compared without allocating.
func cmpFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
			if c := strings.Compare(strings.ToLower(a[i:]), strings.ToLower(b[i:])); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		}
		if ca >= 'A' && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if cb >= 'A' && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// compareKeys orders two parsed key tokens like child rows are ordered
// (the metatable first).
func compareKeys(a, b Key) int {
	ea, eb := keyEntry(a), keyEntry(b)
	return cmpEntry(&ea, &eb)
}

func keyEntry(k Key) sortEntry {
	switch k.Kind {
	case KeyMeta:
		return sortEntry{cls: clsMeta}
	case KeyNumber:
		return sortEntry{cls: clsNumber, num: k.Num}
	case KeyString:
		return sortEntry{cls: clsString, str: k.Str}
	case KeyBool:
		e := sortEntry{cls: clsBool}
		if k.Bool {
			e.num = 1
		}
		return e
	}
	return sortEntry{cls: clsOther, str: k.Str}
}

// Thresholds of the ordering strategy.
const (
	cacheMinKeys  = 512 // smaller tables are simply sorted on every call
	cacheEntries  = 8   // tables whose sorted keys are kept
	selectMinKeys = 2048
)

type cachedOrder struct {
	tb   *lua.LTable
	st   stamp
	keys []lua.LValue
	tick uint64
}

var orderCache struct {
	sync.Mutex
	tick    uint64
	entries []*cachedOrder
}

// ResetCache drops all cached key orders (and the table references they
// hold). The engine may call it when a context is closed.
func ResetCache() {
	orderCache.Lock()
	orderCache.entries = nil
	orderCache.Unlock()
}

func cacheGet(tb *lua.LTable, st stamp) []lua.LValue {
	orderCache.Lock()
	defer orderCache.Unlock()
	for _, e := range orderCache.entries {
		if e.tb == tb {
			if e.st != st {
				return nil
			}
			orderCache.tick++
			e.tick = orderCache.tick
			return e.keys
		}
	}
	return nil
}

func cachePut(tb *lua.LTable, st stamp, keys []lua.LValue) {
	orderCache.Lock()
	defer orderCache.Unlock()
	orderCache.tick++
	for _, e := range orderCache.entries {
		if e.tb == tb {
			e.st, e.keys, e.tick = st, keys, orderCache.tick
			return
		}
	}
	e := &cachedOrder{tb: tb, st: st, keys: keys, tick: orderCache.tick}
	if len(orderCache.entries) < cacheEntries {
		orderCache.entries = append(orderCache.entries, e)
		return
	}
	old := 0
	for i, x := range orderCache.entries {
		if x.tick < orderCache.entries[old].tick {
			old = i
		}
	}
	orderCache.entries[old] = e
}

func cacheDrop(tb *lua.LTable) {
	orderCache.Lock()
	defer orderCache.Unlock()
	for i, e := range orderCache.entries {
		if e.tb == tb {
			orderCache.entries = slices.Delete(orderCache.entries, i, i+1)
			return
		}
	}
}

// orderedKeys returns the keys of tb in display order from offset, at most
// limit of them (limit < 0: all), the total number of keys, and whether
// the keys came from the cache (and so must be checked for staleness).
func orderedKeys(tb *lua.LTable, offset, limit int) (keys []lua.LValue, total int, cached bool) {
	st, stOK := tableStamp(tb)
	if stOK {
		total = st.count()
		if total >= cacheMinKeys {
			if all := cacheGet(tb, st); all != nil {
				return window(all, offset, limit), len(all), true
			}
		}
	}
	if !stOK {
		tb.ForEach(func(lua.LValue, lua.LValue) { total++ })
	}
	if offset < 0 {
		offset = 0
	}
	if offset >= total || limit == 0 {
		return nil, total, false
	}
	k := offset + limit
	if offset == 0 && limit > 0 && total >= selectMinKeys && k*8 <= total {
		return selectFirst(tb, k), total, false
	}
	all := sortedKeys(tb, total)
	if stOK && len(all) >= cacheMinKeys {
		cachePut(tb, st, all)
	}
	return window(all, offset, limit), len(all), false
}

func window(all []lua.LValue, offset, limit int) []lua.LValue {
	if offset < 0 {
		offset = 0
	}
	if offset >= len(all) {
		return nil
	}
	end := len(all)
	if limit >= 0 && offset+limit < end {
		end = offset + limit
	}
	return all[offset:end:end]
}

// sortedKeys returns all keys of tb in display order.
func sortedKeys(tb *lua.LTable, hint int) []lua.LValue {
	es := make([]sortEntry, 0, hint)
	tb.ForEach(func(k, _ lua.LValue) { es = append(es, makeEntry(k)) })
	slices.SortFunc(es, func(a, b sortEntry) int { return cmpEntry(&a, &b) })
	keys := make([]lua.LValue, len(es))
	for i := range es {
		keys[i] = es[i].key
	}
	return keys
}

// selectFirst returns the first k keys of tb in display order in
// O(n log k), using a max-heap of the k smallest keys seen so far.
func selectFirst(tb *lua.LTable, k int) []lua.LValue {
	h := make([]sortEntry, 0, k)
	less := func(i, j int) bool { return cmpEntry(&h[i], &h[j]) > 0 } // max-heap
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(r, l) {
				m = r
			}
			if !less(m, i) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	up := func(i int) {
		for i > 0 {
			p := (i - 1) / 2
			if !less(i, p) {
				return
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
	}
	tb.ForEach(func(key, _ lua.LValue) {
		e := makeEntry(key)
		if len(h) < k {
			h = append(h, e)
			up(len(h) - 1)
			return
		}
		if cmpEntry(&e, &h[0]) < 0 {
			h[0] = e
			down(0)
		}
	})
	slices.SortFunc(h, func(a, b sortEntry) int { return cmpEntry(&a, &b) })
	keys := make([]lua.LValue, len(h))
	for i := range h {
		keys[i] = h[i].key
	}
	return keys
}
