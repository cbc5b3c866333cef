package gengame

import "hash/fnv"

// rng is splitmix64: tiny, fast and, unlike math/rand's helpers, fixed
// forever, so a seed names the same tree in every Go release.
type rng struct{ s uint64 }

func newRng(seed uint64) *rng { return &rng{s: seed} }

// sub derives an independent generator for one file from the tree's seed
// and the file's path, so that adding a file elsewhere does not reshuffle it.
func (r *rng) sub(key string) *rng {
	h := fnv.New64a()
	h.Write([]byte(key))
	return &rng{s: r.s ^ h.Sum64()*0x9e3779b97f4a7c15}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n <= 0 gives 0.
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// chance is true with probability pct percent.
func (r *rng) chance(pct int) bool { return r.intn(100) < pct }

func pick[T any](r *rng, list []T) T { return list[r.intn(len(list))] }

// shuffle permutes list in place (Fisher-Yates).
func shuffle[T any](r *rng, list []T) {
	for i := len(list) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		list[i], list[j] = list[j], list[i]
	}
}

// quant is a distribution given by its quantiles: minimum, median, 90th and
// 99th percentile, maximum. It lets a preset say "most files are small, a
// few are huge", as in real game trees.
type quant [5]int

// quant draws from q, linearly between the quantiles (integer arithmetic
// only, so the same seed gives the same tree everywhere).
func (r *rng) quant(q quant) int {
	u := r.intn(1000)
	at := [5]int{0, 500, 900, 990, 1000}
	for i := 1; i < len(at); i++ {
		if u < at[i] {
			lo, hi := q[i-1], q[i]
			return lo + (hi-lo)*(u-at[i-1])/(at[i]-at[i-1])
		}
	}
	return q[4]
}
