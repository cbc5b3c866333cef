package inspector

import (
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// SearchOptions controls Search.
type SearchOptions struct {
	Names  bool `json:"names"`  // match key names
	Values bool `json:"values"` // match string and number values
	// MaxDepth bounds how deep below root the search goes (<= 0 means 4;
	// 1 means only root's own children).
	MaxDepth int `json:"max_depth,omitempty"`
	// Limit bounds the number of matches (<= 0 means 200).
	Limit int `json:"limit,omitempty"`
	// Meta also descends into metatables.
	Meta bool `json:"meta,omitempty"`
	// MaxVisit bounds the number of entries examined (<= 0 means 1,000,000).
	MaxVisit int `json:"max_visit,omitempty"`
}

// Match is one search hit.
type Match struct {
	Path    Path   `json:"path"`
	Text    string `json:"text"` // FormatPath(Path)
	Node    Node   `json:"node"`
	ByName  bool   `json:"by_name,omitempty"`
	ByValue bool   `json:"by_value,omitempty"`
}

// SearchResult is the outcome of a search.
type SearchResult struct {
	Query   string  `json:"query"`
	Matches []Match `json:"matches"`
	// Truncated is set when Limit or MaxVisit stopped the search early.
	Truncated bool `json:"truncated,omitempty"`
	Visited   int  `json:"visited"` // entries examined
}

// maxValueMatchBytes bounds how much of a string value is searched.
const maxValueMatchBytes = 4096

// Search looks for query (case-insensitive substring) in key names and/or
// string and number values below root, breadth-first and in display order
// within each table (only the matches are sorted, not whole tables). Every
// table is visited at most once, so cycles are harmless. If neither Names
// nor Values is set, both are searched. A table whose entries would exceed
// MaxVisit is not examined and the result is marked Truncated.
func Search(root *lua.LTable, query string, opts SearchOptions) SearchResult {
	res := SearchResult{Query: query, Matches: []Match{}}
	if root == nil {
		return res
	}
	if !opts.Names && !opts.Values {
		opts.Names, opts.Values = true, true
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 4
	}
	if opts.Limit <= 0 {
		opts.Limit = 200
	}
	if opts.MaxVisit <= 0 {
		opts.MaxVisit = 1_000_000
	}
	lq := strings.ToLower(query)

	type item struct {
		v     lua.LValue
		path  Path
		depth int // depth of v's children
	}
	type hit struct {
		e               sortEntry
		v               lua.LValue
		byName, byValue bool
	}
	visited := map[lua.LValue]bool{root: true}
	queue := []item{{v: root, path: Path{}, depth: 1}}
	var hits, subs []hit
	for len(queue) > 0 {
		it := queue[0]
		queue[0] = item{}
		queue = queue[1:]
		hits, subs = hits[:0], subs[:0]
		descend := it.depth < opts.MaxDepth
		// examine classifies one child; a nil key stands for the metatable.
		examine := func(k, v lua.LValue) {
			var byName, byValue bool
			if opts.Names {
				switch kk := k.(type) {
				case lua.LString:
					byName = containsFold(string(kk), lq)
				case nil:
					byName = containsFold(MetaToken, lq)
				default:
					byName = containsFold(KeyToken(k), lq)
				}
			}
			if opts.Values {
				switch vv := v.(type) {
				case lua.LString:
					s := string(vv)
					if len(s) > maxValueMatchBytes {
						s = s[:maxValueMatchBytes]
					}
					byValue = containsFold(s, lq)
				case lua.LNumber:
					byValue = containsFold(formatNumber(float64(vv)), lq)
				}
			}
			sub := false
			if descend {
				switch v.(type) {
				case *lua.LTable, *lua.LUserData:
					sub = !visited[v]
				}
			}
			if !byName && !byValue && !sub {
				return
			}
			e := sortEntry{cls: clsMeta}
			if k != nil {
				e = makeEntry(k)
			}
			h := hit{e: e, v: v, byName: byName, byValue: byValue}
			if byName || byValue {
				hits = append(hits, h)
			}
			if sub {
				subs = append(subs, h)
			}
		}
		n := 0
		mt := lua.LValue(lua.LNil)
		if opts.Meta {
			if mt = rawMeta(it.v); mt != lua.LNil {
				n++
			}
		}
		tb, isTable := it.v.(*lua.LTable)
		if isTable {
			n += tableCount(tb)
		}
		if res.Visited+n > opts.MaxVisit {
			res.Truncated = true
			return res
		}
		res.Visited += n
		if mt != lua.LNil {
			examine(nil, mt)
		}
		if isTable {
			tb.ForEach(examine)
		}
		byOrder := func(a, b hit) int { return cmpEntry(&a.e, &b.e) }
		slices.SortFunc(hits, byOrder)
		slices.SortFunc(subs, byOrder)
		token := func(h hit) string {
			if h.e.key == nil {
				return MetaToken
			}
			return KeyToken(h.e.key)
		}
		for _, h := range hits {
			if len(res.Matches) >= opts.Limit {
				res.Truncated = true
				return res
			}
			tok := token(h)
			p := it.path.Child(tok)
			res.Matches = append(res.Matches, Match{Path: p, Text: FormatPath(p), Node: NewNode(tok, h.v), ByName: h.byName, ByValue: h.byValue})
		}
		for _, h := range subs {
			if !visited[h.v] {
				visited[h.v] = true
				queue = append(queue, item{v: h.v, path: it.path.Child(token(h)), depth: it.depth + 1})
			}
		}
	}
	return res
}
