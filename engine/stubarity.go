package engine

import "slices"

// maxArities bounds the argument counts a stand-in records.
const maxArities = 16

// addArity records that a call passed n arguments (the stand-in itself not
// counted; a method call's object is).
func (r *StubRecord) addArity(n int) {
	i, found := slices.BinarySearch(r.Arities, n)
	if found || len(r.Arities) >= maxArities {
		return
	}
	// a new slice: a snapshot of the record (Context.Stubs) may share the old one
	r.Arities = slices.Insert(slices.Clip(r.Arities), i, n)
}
