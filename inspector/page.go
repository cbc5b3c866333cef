package inspector

import (
	lua "github.com/yuin/gopher-lua"
)

// DefaultPageLimit is the page size used when Page is given limit <= 0.
const DefaultPageLimit = 100

// PageResult is one page of the children of the value at Path.
type PageResult struct {
	Path  Path   `json:"path"`
	Text  string `json:"text"`  // FormatPath(Path)
	Type  string `json:"type"`  // type of the value at Path
	Value string `json:"value"` // short value of the value at Path
	// Total is the number of children: table entries plus one for the
	// metatable row, which always comes first.
	Total  int    `json:"total"`
	Offset int    `json:"offset"`
	Limit  int    `json:"limit"`
	Nodes  []Node `json:"nodes"`
}

// Page returns children offset..offset+limit-1 of the value at path below
// root, in display order (the <metatable> row first, then number keys
// ascending, string keys case-insensitively, then the rest). Values other
// than tables have no children except their metatable. It returns an
// error wrapping ErrNotFound when path does not lead to a value.
func Page(root *lua.LTable, path Path, offset, limit int) (PageResult, error) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	res := PageResult{Path: path, Text: FormatPath(path), Offset: offset, Limit: limit}
	if res.Path == nil {
		res.Path = Path{}
	}
	v, err := Resolve(root, path)
	if err != nil {
		return res, err
	}
	self := NewNode("", v)
	res.Type, res.Value = self.Type, self.Value
	res.Nodes = []Node{}

	mt := rawMeta(v)
	shift := 0
	if mt != lua.LNil {
		shift = 1
		if offset == 0 {
			res.Nodes = append(res.Nodes, NewNode(MetaToken, mt))
		}
	}
	tb, ok := v.(*lua.LTable)
	if !ok {
		res.Total = shift
		return res, nil
	}
	toff := offset - shift
	tlim := limit - len(res.Nodes)
	if toff < 0 {
		toff = 0
	}
	for attempt := 0; ; attempt++ {
		keys, total, cached := orderedKeys(tb, toff, tlim)
		res.Total = total + shift
		nodes := res.Nodes[:len(res.Nodes):len(res.Nodes)]
		stale := false
		for _, k := range keys {
			val := tb.RawGet(k)
			if val == lua.LNil || val == nil {
				stale = true
				break
			}
			nodes = append(nodes, NewNode(KeyToken(k), val))
		}
		if stale && cached && attempt == 0 {
			cacheDrop(tb)
			continue
		}
		res.Nodes = nodes
		return res, nil
	}
}
