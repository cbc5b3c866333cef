package inspector

import (
	"cmp"
	"math"
	"slices"
	"sort"
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

// sortEntry is a key with what the comparison needs. pre is an
// order-preserving 64-bit prefix of the sort key (the number's bits, or the
// first eight bytes of the case-folded string), so that most comparisons
// are one integer comparison and touch no string memory.
type sortEntry struct {
	key   lua.LValue
	str   string // string keys: the string; other: type name + address
	pre   uint64
	cls   uint8
	ascii bool // string keys: str is pure ASCII (folded on the fly)
}

func makeEntry(k lua.LValue) sortEntry {
	switch v := k.(type) {
	case lua.LNumber:
		return sortEntry{key: k, cls: clsNumber, pre: numberPrefix(float64(v))}
	case lua.LString:
		e := stringEntry(string(v))
		e.key = k
		return e
	case lua.LBool:
		e := sortEntry{key: k, cls: clsBool}
		if v {
			e.pre = 1
		}
		return e
	}
	return sortEntry{key: k, cls: clsOther, str: k.String()}
}

func numberPrefix(f float64) uint64 {
	if f == 0 {
		f = 0 // -0 sorts as 0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

func stringEntry(s string) sortEntry {
	e := sortEntry{cls: clsString, str: s, ascii: true}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			e.ascii = false
			break
		}
	}
	f := s
	if !e.ascii {
		f = strings.ToLower(s)
	}
	for i := 0; i < 8; i++ {
		e.pre <<= 8
		if i < len(f) {
			c := f[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			e.pre |= uint64(c)
		}
	}
	return e
}

func cmpEntry(a, b *sortEntry) int {
	if a.cls != b.cls {
		return cmp.Compare(a.cls, b.cls)
	}
	if a.pre != b.pre {
		return cmp.Compare(a.pre, b.pre)
	}
	switch a.cls {
	case clsNumber, clsBool, clsMeta:
		return 0
	case clsString:
		if a.ascii && b.ascii {
			return cmpFold(a.str, b.str)
		}
		if c := strings.Compare(strings.ToLower(a.str), strings.ToLower(b.str)); c != 0 {
			return c
		}
	}
	return strings.Compare(a.str, b.str)
}

// cmpFold compares case-insensitively, then bytewise to break ties (the
// order of strings.ToLower; ASCII text is compared without allocating).
func cmpFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
			if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
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
		return sortEntry{cls: clsNumber, pre: numberPrefix(k.Num)}
	case KeyString:
		return stringEntry(k.Str)
	case KeyBool:
		e := sortEntry{cls: clsBool}
		if k.Bool {
			e.pre = 1
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

// sortedKeys returns all keys of tb in display order. It sorts compact
// (class, prefix, index) records, with an LSD radix sort for large tables,
// and only looks at the full entries where prefixes tie.
func sortedKeys(tb *lua.LTable, hint int) []lua.LValue {
	es := make([]sortEntry, 0, hint)
	tb.ForEach(func(k, _ lua.LValue) { es = append(es, makeEntry(k)) })
	rs := make([]rec, len(es))
	for i := range es {
		rs[i] = rec{pre: es[i].pre, idx: uint32(i), cls: es[i].cls}
	}
	tie := func(a, b rec) int { return cmpEntry(&es[a.idx], &es[b.idx]) }
	if len(rs) < radixMin {
		slices.SortFunc(rs, func(a, b rec) int {
			if c := cmpRec(a, b); c != 0 {
				return c
			}
			return tie(a, b)
		})
	} else {
		rs = radixSort(rs)
		// Order runs of equal (class, prefix) by the full comparison.
		for i := 0; i < len(rs); {
			j := i + 1
			for j < len(rs) && rs[j].pre == rs[i].pre && rs[j].cls == rs[i].cls {
				j++
			}
			if j-i > 1 {
				slices.SortFunc(rs[i:j], tie)
			}
			i = j
		}
	}
	keys := make([]lua.LValue, len(rs))
	for i, r := range rs {
		keys[i] = es[r.idx].key
	}
	return keys
}

// rec is what the sort moves around: 16 bytes.
type rec struct {
	pre uint64
	idx uint32
	cls uint8
}

func cmpRec(a, b rec) int {
	if a.cls != b.cls {
		return int(a.cls) - int(b.cls)
	}
	if a.pre != b.pre {
		if a.pre < b.pre {
			return -1
		}
		return 1
	}
	return 0
}

const radixMin = 4096

// radixSort sorts rs by (cls, pre) with a stable LSD radix sort on bytes,
// skipping bytes that are the same in every record. It may return a
// different slice.
func radixSort(rs []rec) []rec {
	buf := make([]rec, len(rs))
	var count [256]int
	for pass := 0; pass < 9; pass++ {
		digit := func(r rec) uint8 {
			if pass == 8 {
				return r.cls
			}
			return uint8(r.pre >> (8 * pass))
		}
		count = [256]int{}
		for _, r := range rs {
			count[digit(r)]++
		}
		if count[digit(rs[0])] == len(rs) {
			continue // all equal: nothing to do
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, r := range rs {
			d := digit(r)
			buf[count[d]] = r
			count[d]++
		}
		rs, buf = buf, rs
	}
	return rs
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
	sort.Sort(entries(h))
	keys := make([]lua.LValue, len(h))
	for i := range h {
		keys[i] = h[i].key
	}
	return keys
}

// entries sorts in place without copying entries into the comparator.
type entries []sortEntry

func (e entries) Len() int           { return len(e) }
func (e entries) Less(i, j int) bool { return cmpEntry(&e[i], &e[j]) < 0 }
func (e entries) Swap(i, j int)      { e[i], e[j] = e[j], e[i] }
