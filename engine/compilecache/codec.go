package compilecache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// The codec: the on-disk form of a compiled chunk. gopher-lua has no serializer for
// *lua.FunctionProto (yuin/gopher-lua#527): its exported fields are plain
// data, but the VM also needs the unexported stringConstants, which the
// compiler derives from Constants. We write the exported fields in a compact
// binary form (varints, fixed 32-bit instructions) and, on reading, rebuild
// stringConstants exactly as compile.go does, setting the unexported field
// through reflect. A self-test at first use (CodecOK) compiles a probe
// chunk, round-trips it and compares every field, unexported ones included;
// if gopher-lua's struct ever changes shape, the disk cache turns itself off
// and everything is compiled as before.

// protoFormat is bumped whenever the encoding changes (3: the Lua 5.3
// dialect, whose new opcodes, escapes and hex numerals change compiled code;
// 4: the chunk's totals before its protos, for the decoder's arenas).
const protoFormat = 4

var (
	errShort = errors.New("truncated")
	errBad   = errors.New("malformed")
)

// maxDecodeItems bounds every count read from a cache file, so that a
// corrupt length cannot make the decoder allocate gigabytes.
const maxDecodeItems = 1 << 24

// Encode appends chunk p to b: a string table (every distinct string
// once, decoded as one Go string that the others slice), the chunk's
// totals (protoTotals, so that the decoder allocates each kind of slice
// once per chunk), then the protos.
func Encode(b []byte, p *lua.FunctionProto) ([]byte, error) {
	e := &encoder{index: map[string]int{}}
	if err := e.proto(p); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(len(e.strs)))
	for _, s := range e.strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	for _, s := range e.strs {
		b = append(b, s...)
	}
	var t protoTotals
	t.add(p)
	for _, n := range t {
		b = binary.AppendUvarint(b, uint64(n))
	}
	return append(b, e.b...), nil
}

// protoTotals counts what a chunk's protos hold, over all of them: the
// sizes of the arenas its slices live in (protoArena).
type protoTotals [nTotals]int

const (
	tProtos = iota // FunctionProto structs
	tCode          // instructions (and line numbers)
	tConsts        // constants (and string constants)
	tNums          // number constants
	tSubs          // FunctionPrototypes entries
	tLocals        // DbgLocals
	tCalls         // DbgCalls
	tUpvals        // DbgUpvalues
	nTotals
)

func (t *protoTotals) add(p *lua.FunctionProto) {
	t[tProtos]++
	t[tCode] += len(p.Code)
	t[tConsts] += len(p.Constants)
	for _, k := range p.Constants {
		if _, ok := k.(lua.LNumber); ok {
			t[tNums]++
		}
	}
	t[tSubs] += len(p.FunctionPrototypes)
	t[tLocals] += len(p.DbgLocals)
	t[tCalls] += len(p.DbgCalls)
	t[tUpvals] += len(p.DbgUpvalues)
	for _, sub := range p.FunctionPrototypes {
		t.add(sub)
	}
}

// protoArena holds every slice of one chunk's protos, each kind in one
// allocation that the protos take exact-capacity pieces of: a chunk of n
// functions costs about ten allocations instead of ten per function, and
// nothing is rounded up to a size class. Constants point into the arena
// too (boxString, boxNumber): a constant costs no allocation of its own.
// All of a chunk's protos live and die together (the main proto holds the
// others), so sharing the arrays keeps nothing alive longer.
type protoArena struct {
	protos []lua.FunctionProto
	code   []uint32
	pos    []int32
	consts []lua.LValue
	strs   []string
	nums   []lua.LNumber
	subs   []*lua.FunctionProto
	locals []*lua.DbgLocalInfo
	infos  []lua.DbgLocalInfo
	calls  []lua.DbgCall
	upvals []string
}

func newProtoArena(t *protoTotals) *protoArena {
	return &protoArena{
		protos: make([]lua.FunctionProto, t[tProtos]),
		code:   make([]uint32, t[tCode]),
		pos:    make([]int32, t[tCode]),
		consts: make([]lua.LValue, t[tConsts]),
		strs:   make([]string, t[tConsts]),
		nums:   make([]lua.LNumber, t[tNums]),
		subs:   make([]*lua.FunctionProto, t[tSubs]),
		locals: make([]*lua.DbgLocalInfo, t[tLocals]),
		infos:  make([]lua.DbgLocalInfo, t[tLocals]),
		calls:  make([]lua.DbgCall, t[tCalls]),
		upvals: make([]string, t[tUpvals]),
	}
}

// take cuts the next n items off *a (ok false when fewer are left: a
// corrupt count). The piece's capacity is n, so an append never writes
// into the next proto's piece.
func take[T any](a *[]T, n int) (s []T, ok bool) {
	if n < 0 || n > len(*a) {
		return nil, false
	}
	s = (*a)[:n:n]
	*a = (*a)[n:]
	return s, true
}

// iface is the layout of a non-empty interface value.
type iface struct {
	tab, data unsafe.Pointer
}

func itabOf(v lua.LValue) unsafe.Pointer { return (*iface)(unsafe.Pointer(&v)).tab }

var (
	lstringTab = itabOf(lua.LString(""))
	lnumberTab = itabOf(lua.LNumber(0))
)

// boxString is lua.LString(*p) as an LValue whose data word points at *p
// instead of at a new 16-byte copy of the string header (what converting a
// string to an interface allocates). *p must never change again; the
// arena's strs (the proto's stringConstants) never do.
func boxString(p *string) lua.LValue {
	var v lua.LValue
	i := (*iface)(unsafe.Pointer(&v))
	i.tab, i.data = lstringTab, unsafe.Pointer(p)
	return v
}

// boxNumber is boxString for a number constant in the arena.
func boxNumber(p *lua.LNumber) lua.LValue {
	var v lua.LValue
	i := (*iface)(unsafe.Pointer(&v))
	i.tab, i.data = lnumberTab, unsafe.Pointer(p)
	return v
}

// boxingOK checks boxString and boxNumber against the compiler's own
// conversions (part of the probe: if Go ever lays interfaces out
// differently, the codec and compaction turn themselves off).
var boxingOK = sync.OnceValue(func() bool {
	s, n := "probe", lua.LNumber(1.5)
	bs, bn := boxString(&s), boxNumber(&n)
	ls, ok1 := bs.(lua.LString)
	ln, ok2 := bn.(lua.LNumber)
	return ok1 && ok2 && string(ls) == "probe" && ln == 1.5 && bs == lua.LValue(lua.LString("probe")) &&
		bn.Type() == lua.LTNumber && bs.Type() == lua.LTString
})

type encoder struct {
	b     []byte
	index map[string]int
	strs  []string
}

func (e *encoder) str(s string) {
	i, ok := e.index[s]
	if !ok {
		i = len(e.strs)
		e.index[s] = i
		e.strs = append(e.strs, s)
	}
	e.b = binary.AppendUvarint(e.b, uint64(i))
}

func (e *encoder) proto(p *lua.FunctionProto) error {
	e.str(p.SourceName)
	b := e.b
	b = binary.AppendVarint(b, int64(p.LineDefined))
	b = binary.AppendVarint(b, int64(p.LastLineDefined))
	b = append(b, p.NumUpvalues, p.NumParameters, p.IsVarArg, p.NumUsedRegisters)
	b = binary.AppendUvarint(b, uint64(len(p.Code)))
	for _, c := range p.Code {
		b = binary.LittleEndian.AppendUint32(b, c)
	}
	b = binary.AppendUvarint(b, uint64(len(p.Constants)))
	e.b = b
	for _, k := range p.Constants {
		switch v := k.(type) {
		case lua.LNumber:
			e.b = append(e.b, 'n')
			e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(float64(v)))
		case lua.LString:
			e.b = append(e.b, 's')
			e.str(string(v))
		default:
			return fmt.Errorf("constant of type %s cannot be cached", k.Type())
		}
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(p.FunctionPrototypes)))
	for _, sub := range p.FunctionPrototypes {
		if err := e.proto(sub); err != nil {
			return err
		}
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(p.DbgSourcePositions)))
	prev := 0
	for _, pos := range p.DbgSourcePositions {
		e.b = binary.AppendVarint(e.b, int64(int(pos)-prev))
		prev = int(pos)
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(p.DbgLocals)))
	for _, l := range p.DbgLocals {
		e.str(l.Name)
		e.b = binary.AppendVarint(e.b, int64(l.StartPc))
		e.b = binary.AppendVarint(e.b, int64(l.EndPc))
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(p.DbgCalls)))
	for _, c := range p.DbgCalls {
		e.str(c.Name)
		e.b = binary.AppendVarint(e.b, int64(c.Pc))
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(p.DbgUpvalues)))
	for _, u := range p.DbgUpvalues {
		e.str(u)
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads what Encode wrote; every read is bounds checked and
// the first error sticks.
type decoder struct {
	b     []byte
	err   error
	strs  []string    // a chunk's string table
	arena *protoArena // where the chunk's protos go
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int {
	v, n := binary.Varint(d.b)
	if n <= 0 || v > math.MaxInt32 || v < math.MinInt32 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// count reads a length and checks that at least min bytes per item remain.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > maxDecodeItems || (min > 0 && n*uint64(min) > uint64(len(d.b))) {
		d.fail(errBad)
		return 0
	}
	return int(n)
}

func (d *decoder) bytes(n int) []byte {
	if n > len(d.b) {
		d.fail(errShort)
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) str() string { return string(d.bytes(d.count(1))) }

// sref reads a reference into the chunk's string table.
func (d *decoder) sref() string {
	i := d.uvarint()
	if i >= uint64(len(d.strs)) {
		d.fail(errBad)
		return ""
	}
	return d.strs[i]
}

// table reads the string table: the lengths, then one block of bytes that
// becomes a single Go string which every entry slices (one allocation).
func (d *decoder) table() {
	n := d.count(1)
	lens := make([]int, n)
	total := 0
	for i := range lens {
		l := d.uvarint()
		// compared before adding: huge lengths must not wrap total around
		if d.err != nil || total > len(d.b) || l > uint64(len(d.b)-total) {
			d.fail(errBad)
			return
		}
		lens[i] = int(l)
		total += lens[i]
	}
	block := string(d.bytes(total))
	d.strs = make([]string, n)
	off := 0
	for i, l := range lens {
		d.strs[i] = block[off : off+l]
		off += l
	}
}

func (d *decoder) byte1() byte {
	if len(d.b) < 1 {
		d.fail(errShort)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// totals reads a chunk's totals and allocates its arena; each total is
// bounded by what the rest of the blob could hold.
func (d *decoder) totals() {
	var t protoTotals
	for i := range t {
		t[i] = d.count(0)
	}
	if d.err != nil {
		return
	}
	// minimum encoded bytes per item: a proto at least 12, an
	// instruction 4 (its line delta 1 more), a constant 2
	left := len(d.b)
	if t[tProtos] == 0 || t[tProtos] > left/12 || t[tCode] > left/5 || t[tConsts] > left/2 ||
		t[tNums] > t[tConsts] || t[tSubs] != t[tProtos]-1 || t[tLocals] > left/3 || t[tCalls] > left/2 || t[tUpvals] > left {
		d.fail(errBad)
		return
	}
	d.arena = newProtoArena(&t)
}

func (d *decoder) proto(depth int) *lua.FunctionProto {
	if depth > 250 {
		d.fail(errBad)
		return nil
	}
	a := d.arena
	if a == nil || d.err != nil {
		d.fail(errBad)
		return nil
	}
	ps, ok := take(&a.protos, 1)
	if !ok {
		d.fail(errBad)
		return nil
	}
	p := &ps[0]
	p.SourceName, p.LineDefined, p.LastLineDefined = d.sref(), d.varint(), d.varint()
	p.NumUpvalues, p.NumParameters, p.IsVarArg, p.NumUsedRegisters = d.byte1(), d.byte1(), d.byte1(), d.byte1()
	n := d.count(4)
	raw := d.bytes(4 * n)
	if d.err != nil {
		return nil
	}
	if p.Code, ok = take(&a.code, n); !ok {
		d.fail(errBad)
		return nil
	}
	for i := range p.Code {
		p.Code[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	n = d.count(2)
	consts, ok1 := take(&a.consts, n)
	strs, ok2 := take(&a.strs, n)
	if !ok1 || !ok2 {
		d.fail(errBad)
		return nil
	}
	p.Constants = consts
	for i := 0; i < n && d.err == nil; i++ {
		switch d.byte1() {
		case 'n':
			if raw := d.bytes(8); raw != nil {
				nums, ok := take(&a.nums, 1)
				if !ok {
					d.fail(errBad)
					break
				}
				nums[0] = lua.LNumber(math.Float64frombits(binary.LittleEndian.Uint64(raw)))
				p.Constants[i] = boxNumber(&nums[0])
			}
		case 's':
			strs[i] = d.sref()
			p.Constants[i] = boxString(&strs[i])
		default:
			d.fail(errBad)
		}
	}
	n = d.count(1)
	if p.FunctionPrototypes, ok = take(&a.subs, n); !ok {
		d.fail(errBad)
		return nil
	}
	for i := 0; i < n && d.err == nil; i++ {
		p.FunctionPrototypes[i] = d.proto(depth + 1)
	}
	n = d.count(1)
	if p.DbgSourcePositions, ok = take(&a.pos, n); !ok {
		d.fail(errBad)
		return nil
	}
	prev := 0
	for i := 0; i < n && d.err == nil; i++ {
		prev += d.varint()
		p.DbgSourcePositions[i] = int32(prev)
	}
	n = d.count(3)
	p.DbgLocals, ok = take(&a.locals, n)
	infos, ok2 := take(&a.infos, n)
	if !ok || !ok2 {
		d.fail(errBad)
		return nil
	}
	for i := 0; i < n && d.err == nil; i++ {
		infos[i] = lua.DbgLocalInfo{Name: d.sref(), StartPc: d.varint(), EndPc: d.varint()}
		p.DbgLocals[i] = &infos[i]
	}
	n = d.count(2)
	if p.DbgCalls, ok = take(&a.calls, n); !ok {
		d.fail(errBad)
		return nil
	}
	for i := 0; i < n && d.err == nil; i++ {
		p.DbgCalls[i] = lua.DbgCall{Name: d.sref(), Pc: d.varint()}
	}
	n = d.count(1)
	if p.DbgUpvalues, ok = take(&a.upvals, n); !ok {
		d.fail(errBad)
		return nil
	}
	for i := 0; i < n && d.err == nil; i++ {
		p.DbgUpvalues[i] = d.sref()
	}
	if d.err != nil {
		return nil
	}
	if !checkProto(p) {
		d.fail(errBad)
		return nil
	}
	setStringConstants(p, strs)
	return p
}

// lastOpcode is the VM's last opcode: modscope's Lua 5.3 operators and
// _ENV come after OP_NOP (opcode.go), so a check against OP_NOP refused
// every chunk that used them (TestDecodeEveryOpcode).
const lastOpcode = lua.OP_SETENV

// checkProto rejects what the VM could not run safely: a decoded chunk is
// only ever something this program wrote, but a disk can still flip bits
// that a CRC happens to miss, and the VM indexes these slices unchecked.
func checkProto(p *lua.FunctionProto) bool {
	if len(p.Code) == 0 || len(p.DbgSourcePositions) != len(p.Code) || int(p.NumUpvalues) != len(p.DbgUpvalues) {
		return false
	}
	nk, np := len(p.Constants), len(p.FunctionPrototypes)
	for _, inst := range p.Code {
		op := int(inst >> 26)
		if op > lastOpcode {
			return false
		}
		bx := int(inst & 0x3ffff)
		switch op {
		case lua.OP_LOADK, lua.OP_GETGLOBAL, lua.OP_SETGLOBAL:
			if bx >= nk {
				return false
			}
		case lua.OP_CLOSURE:
			if bx >= np {
				return false
			}
		}
	}
	return true
}

// Decode decodes one encoded chunk.
func Decode(b []byte) (p *lua.FunctionProto, err error) {
	d := &decoder{b: b}
	d.table()
	d.totals()
	p = d.proto(0)
	if d.err == nil && len(d.b) != 0 {
		d.fail(errBad)
	}
	if d.err != nil {
		return nil, d.err
	}
	return p, nil
}

// stringConstants is gopher-lua's unexported FunctionProto.stringConstants.
var stringConstantsField = func() (f reflect.StructField, ok bool) {
	f, ok = reflect.TypeOf(lua.FunctionProto{}).FieldByName("stringConstants")
	return f, ok && f.Type == reflect.TypeOf([]string(nil))
}

var scOffset = sync.OnceValues(func() (uintptr, bool) {
	f, ok := stringConstantsField()
	return f.Offset, ok
})

// setStringConstants fills the slice the VM reads string constants from:
// one entry per constant, the string for a string constant and "" for a
// number, as compile.go builds it.
func setStringConstants(p *lua.FunctionProto, strs []string) {
	off, ok := scOffset()
	if !ok {
		return
	}
	*(*[]string)(unsafe.Add(unsafe.Pointer(p), off)) = strs
}

// RebuildStringConstants does for a chunk decoded by other means (the
// benchmarks' encoding/gob comparison) what Decode does: it rebuilds the
// unexported string constants from Constants, in p and its functions.
func RebuildStringConstants(p *lua.FunctionProto) {
	strs := make([]string, len(p.Constants))
	for i, k := range p.Constants {
		if s, ok := k.(lua.LString); ok {
			strs[i] = string(s)
		}
	}
	setStringConstants(p, strs)
	for _, sub := range p.FunctionPrototypes {
		RebuildStringConstants(sub)
	}
}

func getStringConstants(p *lua.FunctionProto) []string {
	off, ok := scOffset()
	if !ok {
		return nil
	}
	return *(*[]string)(unsafe.Add(unsafe.Pointer(p), off))
}

// gopherLuaVersion names the gopher-lua this binary was built with; cached
// chunks are only read back by the same one.
var gopherLuaVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/yuin/gopher-lua" {
				if m.Replace != nil {
					return m.Path + "@" + m.Version + "=>" + m.Replace.Path + "@" + m.Replace.Version
				}
				return m.Path + "@" + m.Version
			}
		}
	}
	return "github.com/yuin/gopher-lua@unknown"
})

// probeSource exercises most of the compiler: what it compiles to is part
// of the cache's version, so a gopher-lua whose code generation differs
// never reads chunks another one wrote, even when the build carries no
// module version (test binaries).
const probeSource = `local a, b = 1.5, "x" .. "y"
local t = setmetatable({ 1, 2, k = "v", [3] = a }, { __index = function(_, k) return k end })
local function f(x, ...) local n = select("#", ...) return { x, n = n }, a, b, G.key, t:m(x) end
for i = 1, 3 do a = a + i * 2 - 1 / 2 % 3 ^ 2 end
for k, v in pairs(t) do if k == 1 and v ~= 2 or not v then break elseif #t > 0 then b = b .. k end end
while a > 0 do a = a - 10 repeat a = -a until a >= 0 end
local o = t while o do o = t[o] and f(o) end
return f(a, 2, 3), #"abc", -a, 1e300, 0/0 ~= 0/0, (function(...) return ... end)(a, b)`

// probe compiles probeSource (parsed and compiled as the engine's compiler
// does once its refusal checks pass, which the probe always does, then
// compacted) and round-trips it: ok says the codec keeps every field (the
// condition for using the disk cache at all), enc is the encoded probe,
// which names the compiler's output.
var probe = sync.OnceValues(func() (ok bool, enc []byte) {
	if _, ok := scOffset(); !ok || !boxingOK() {
		return false, nil
	}
	chunk, err := parse.Parse(strings.NewReader(probeSource), "probe.lua")
	if err != nil {
		return false, nil
	}
	p, err := lua.Compile(chunk, "probe.lua")
	if err != nil {
		return false, nil
	}
	Compact(p)
	b, err := Encode(nil, p)
	if err != nil {
		return false, nil
	}
	q, err := Decode(b)
	if err != nil || !Equal(p, q) {
		return false, nil
	}
	return true, b
})

// CodecOK reports whether compiled chunks survive a round trip
// through Encode and Decode with every field equal.
func CodecOK() bool {
	ok, _ := probe()
	return ok
}

// cacheVersion is written into every pack; a pack of another is ignored.
// salt (Config.Salt: the compiler's refusal limits) is part of it too: a
// chunk compiled under looser limits must not skip the checks of a
// stricter build.
func cacheVersion(salt string) string {
	ok, b := probe()
	if !ok {
		return ""
	}
	h := sha256.New()
	h.Write(b)
	h.Write([]byte(salt))
	return gopherLuaVersion() + "+" + hex.EncodeToString(h.Sum(nil)[:8])
}

// sameSlice is reflect.DeepEqual, except that nil and empty slices are
// the same (a fresh compile leaves nil where a decoded proto has empty).
func sameSlice(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Len() == 0 && vb.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// Equal compares two protos field by field, the unexported string
// constants included (NaN constants compare by bits).
func Equal(p, q *lua.FunctionProto) bool {
	if p.SourceName != q.SourceName || p.LineDefined != q.LineDefined || p.LastLineDefined != q.LastLineDefined ||
		p.NumUpvalues != q.NumUpvalues || p.NumParameters != q.NumParameters || p.IsVarArg != q.IsVarArg ||
		p.NumUsedRegisters != q.NumUsedRegisters || !sameSlice(p.Code, q.Code) ||
		!sameSlice(p.DbgSourcePositions, q.DbgSourcePositions) || !sameSlice(p.DbgLocals, q.DbgLocals) ||
		!sameSlice(p.DbgCalls, q.DbgCalls) || !equalStrings(p.DbgUpvalues, q.DbgUpvalues) ||
		!equalStrings(getStringConstants(p), getStringConstants(q)) ||
		len(p.Constants) != len(q.Constants) || len(p.FunctionPrototypes) != len(q.FunctionPrototypes) {
		return false
	}
	for i, k := range p.Constants {
		switch v := k.(type) {
		case lua.LNumber:
			w, ok := q.Constants[i].(lua.LNumber)
			if !ok || math.Float64bits(float64(v)) != math.Float64bits(float64(w)) {
				return false
			}
		default:
			if k != q.Constants[i] {
				return false
			}
		}
	}
	for i := range p.FunctionPrototypes {
		if !Equal(p.FunctionPrototypes[i], q.FunctionPrototypes[i]) {
			return false
		}
	}
	// Every field must be covered above: a new one in gopher-lua turns the
	// cache off until this codec learns it.
	return reflect.TypeOf(lua.FunctionProto{}).NumField() == 15
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Compact moves a freshly compiled chunk's slices into one arena
// (protoArena), each cut to its length. gopher-lua's compiler hands out
// sub-slices of growing buffers and other generous capacities, boxes every
// constant separately and allocates each proto's slices on their own; the
// copy keeps only what the chunk needs, in about ten allocations. Called
// once, before the chunk is shared.
func Compact(p *lua.FunctionProto) {
	if _, ok := scOffset(); !ok || !boxingOK() {
		compactEach(p)
		return
	}
	var t protoTotals
	t.add(p)
	a := newProtoArena(&t)
	a.protos = nil // the protos themselves stay where the compiler put them
	compactInto(a, p)
}

func compactInto(a *protoArena, p *lua.FunctionProto) {
	p.Code = fill(&a.code, p.Code)
	p.DbgSourcePositions = fill(&a.pos, p.DbgSourcePositions)
	sc := getStringConstants(p)
	strs, _ := take(&a.strs, len(p.Constants))
	consts, _ := take(&a.consts, len(p.Constants))
	for i, k := range p.Constants {
		switch v := k.(type) {
		case lua.LString:
			strs[i] = string(v)
			consts[i] = boxString(&strs[i])
		case lua.LNumber:
			nums, _ := take(&a.nums, 1)
			nums[0] = v
			consts[i] = boxNumber(&nums[0])
		default:
			consts[i] = k
			if i < len(sc) {
				strs[i] = sc[i]
			}
		}
	}
	p.Constants = consts
	setStringConstants(p, strs)
	p.FunctionPrototypes = fill(&a.subs, p.FunctionPrototypes)
	locals, _ := take(&a.locals, len(p.DbgLocals))
	infos, _ := take(&a.infos, len(p.DbgLocals))
	for i, l := range p.DbgLocals {
		infos[i] = *l
		locals[i] = &infos[i]
	}
	p.DbgLocals = locals
	p.DbgCalls = fill(&a.calls, p.DbgCalls)
	p.DbgUpvalues = fill(&a.upvals, p.DbgUpvalues)
	for _, sub := range p.FunctionPrototypes {
		compactInto(a, sub)
	}
}

// fill copies src into the next len(src) items of *a.
func fill[T any](a *[]T, src []T) []T {
	s, _ := take(a, len(src))
	copy(s, src)
	return s
}

// compactEach is Compact without the arena: each slice copied to its
// length on its own (when the arena's unsafe parts are unavailable).
func compactEach(p *lua.FunctionProto) {
	p.Code = slices.Clone(p.Code)
	p.DbgSourcePositions = slices.Clone(p.DbgSourcePositions)
	p.Constants = slices.Clone(p.Constants)
	p.FunctionPrototypes = slices.Clone(p.FunctionPrototypes)
	p.DbgLocals = slices.Clone(p.DbgLocals)
	p.DbgCalls = slices.Clone(p.DbgCalls)
	p.DbgUpvalues = slices.Clone(p.DbgUpvalues)
	if _, ok := scOffset(); ok {
		setStringConstants(p, slices.Clone(getStringConstants(p)))
	}
	for _, sub := range p.FunctionPrototypes {
		compactEach(sub)
	}
}
