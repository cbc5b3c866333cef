package sectors

import (
	"fmt"
	"hash/fnv"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// mt64 is the 64-bit Mersenne Twister (std::mt19937_64, the engine's
// MT19937 usertype in LuaMath.cpp): the same raw sequence for the same seed.
// The distributions on top (rand_int, rand_real) are modscope's own, so
// values drawn through them differ from libstdc++'s.
type mt64 struct {
	mt  [312]uint64
	mti int
}

func newMT64(seed uint64) *mt64 {
	r := &mt64{}
	r.mt[0] = seed
	for i := 1; i < 312; i++ {
		r.mt[i] = 6364136223846793005*(r.mt[i-1]^(r.mt[i-1]>>62)) + uint64(i)
	}
	r.mti = 312
	return r
}

func (r *mt64) next() uint64 {
	const (
		nn, mm = 312, 156
		upper  = 0xFFFFFFFF80000000
		lower  = 0x7FFFFFFF
		matrix = 0xB5026F5AA96619E9
	)
	if r.mti >= nn {
		twist := func(i, j int) {
			x := (r.mt[i] & upper) | (r.mt[(i+1)%nn] & lower)
			y := x >> 1
			if x&1 == 1 {
				y ^= matrix
			}
			r.mt[i] = r.mt[j] ^ y
		}
		for i := 0; i < nn; i++ {
			twist(i, (i+mm)%nn)
		}
		r.mti = 0
	}
	x := r.mt[r.mti]
	r.mti++
	x ^= (x >> 29) & 0x5555555555555555
	x ^= (x << 17) & 0x71D67FFFEDA60000
	x ^= (x << 37) & 0xFFF7EEE000000000
	x ^= x >> 43
	return x
}

// intn returns an integer in [min, max].
func (r *mt64) intn(min, max int64) int64 {
	if max <= min {
		return min
	}
	span := uint64(max - min + 1)
	if span == 0 {
		return int64(r.next())
	}
	return min + int64(r.next()%span)
}

// real returns a number in [min, max).
func (r *mt64) real(min, max float64) float64 {
	f := float64(r.next()>>11) / (1 << 53)
	return min + f*(max-min)
}

const mtMeta = "engine.MT19937"

// defineRandom adds engine.MT19937 and engine.random_circle_positions.
func (cs *classes) defineRandom(mod *lua.LTable) {
	L := cs.L
	meta := L.CreateTable(0, 3)
	methods := L.CreateTable(0, 4)
	check := func(L *lua.LState) *mt64 {
		ud, ok := L.Get(1).(*lua.LUserData)
		if ok {
			if r, ok := ud.Value.(*mt64); ok {
				return r
			}
		}
		L.RaiseError("MT19937 method called without the generator: use rng:method(...)")
		return nil
	}
	methods.RawSetString("rand_int", L.NewFunction(func(L *lua.LState) int {
		r := check(L)
		L.Push(lua.LNumber(r.intn(int64(L.CheckNumber(2)), int64(L.CheckNumber(3)))))
		return 1
	}))
	methods.RawSetString("rand_real", L.NewFunction(func(L *lua.LState) int {
		r := check(L)
		L.Push(lua.LNumber(float32(r.real(float64(L.CheckNumber(2)), float64(L.CheckNumber(3))))))
		return 1
	}))
	methods.RawSetString("rand_seed", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(check(L).next() & 0x1FFFFFFFFFFFFF))
		return 1
	}))
	methods.RawSetString("rand_quaternion", L.NewFunction(func(L *lua.LState) int {
		r := check(L)
		// A uniform random rotation (Shoemake's method).
		u1, u2, u3 := r.real(0, 1), r.real(0, 2*math.Pi), r.real(0, 2*math.Pi)
		a, b := math.Sqrt(1-u1), math.Sqrt(u1)
		L.Push(cs.vec("Quaternion", a*math.Sin(u2), a*math.Cos(u2), b*math.Sin(u3), b*math.Cos(u3)))
		return 1
	}))
	meta.RawSetString("__index", methods)
	meta.RawSetString("__name", lua.LString("MT19937"))
	meta.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("MT19937: %p", L.Get(1))))
		return 1
	}))
	newRNG := func(L *lua.LState, seed uint64) *lua.LUserData {
		ud := L.NewUserData()
		ud.Value = newMT64(seed)
		ud.Metatable = meta
		return ud
	}
	cls := L.CreateTable(0, 1)
	cls.RawSetString("new", L.NewFunction(func(L *lua.LState) int {
		seed := L.CheckNumber(1)
		L.Push(newRNG(L, uint64(int64(seed))))
		return 1
	}))
	mod.RawSetString("MT19937", cls)

	// random_circle_positions(rng, max_radius, max_count, min_distance):
	// up to max_count points in a disc, at least min_distance apart; it gives
	// up after 20 rejected tries in a row (Math/Random.cpp).
	mod.RawSetString("random_circle_positions", L.NewFunction(func(L *lua.LState) int {
		r := check(L)
		radius, count, minDist := float64(L.CheckNumber(2)), int(L.CheckNumber(3)), float64(L.CheckNumber(4))
		type pt struct{ x, y float64 }
		var pts []pt
		for tries := 20; tries > 0 && len(pts) < count; {
			d := r.real(0, radius)
			ang := r.real(0, 2*math.Pi)
			p := pt{d * math.Cos(ang), d * math.Sin(ang)}
			ok := true
			for _, q := range pts {
				if math.Hypot(p.x-q.x, p.y-q.y) < minDist {
					ok = false
					break
				}
			}
			if ok {
				pts = append(pts, p)
				tries = 20
			} else {
				tries--
			}
		}
		out := L.CreateTable(len(pts), 0)
		for i, p := range pts {
			out.RawSetInt(i+1, cs.vec("Vector2", p.x, p.y))
		}
		L.Push(out)
		return 1
	}))
}

// uuidGen makes version-4 shaped UUIDs from the seed: the same run gives
// the same ids (the engine's are random; reports must be reproducible).
type uuidGen struct {
	r *mt64
}

func newUUIDGen(seed uint64) *uuidGen { return &uuidGen{r: newMT64(seed ^ 0x5eed)} }

func (u *uuidGen) next() string {
	a, b := u.r.next(), u.r.next()
	a = (a &^ (0xF << 12)) | (0x4 << 12) // version 4
	b = (b &^ (0x3 << 62)) | (0x2 << 62) // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		a>>32, (a>>16)&0xFFFF, a&0xFFFF, b>>48, b&0xFFFFFFFFFFFF)
}

// hashSeed derives a sector's seed from its id.
func hashSeed(s string) int64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return int64(h.Sum64() & 0x1FFFFFFFFFFFFF)
}

// uuid is engine.uuid().
func (m *Model) uuid() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.uuids.next()
}
