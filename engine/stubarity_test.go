package engine

import (
	"slices"
	"testing"
)

func TestAddArity(t *testing.T) {
	tests := []struct {
		name  string
		calls []int
		want  []int
	}{
		{"none", nil, nil},
		{"sorted, each once", []int{2, 0, 2, 1, 0}, []int{0, 1, 2}},
		{"bounded", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r StubRecord
			for _, n := range tc.calls {
				r.addArity(n)
			}
			if !slices.Equal(r.Arities, tc.want) {
				t.Errorf("arities %v, want %v", r.Arities, tc.want)
			}
		})
	}
	t.Run("a snapshot keeps its arities", func(t *testing.T) {
		var r StubRecord
		r.addArity(3)
		snap := r
		r.addArity(1)
		if !slices.Equal(snap.Arities, []int{3}) {
			t.Errorf("snapshot changed: %v", snap.Arities)
		}
	})
}
