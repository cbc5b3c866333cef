package compilecache

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

func TestProtoCodecRoundTrip(t *testing.T) {
	if !CodecOK() {
		t.Fatal("the proto codec self-test failed: gopher-lua's FunctionProto changed shape")
	}
	dir, files := genTree(t)
	cc, _ := openCache(t, dir, "")
	n := 0
	for _, f := range files {
		p, err := cc.Get(f)
		if err != nil {
			if strings.HasSuffix(f, "metadata.lua") {
				continue
			}
			t.Fatalf("%s: %v", f, err)
		}
		b, err := Encode(nil, p)
		if err != nil {
			t.Fatalf("%s: encode: %v", f, err)
		}
		q, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", f, err)
		}
		if !Equal(p, q) {
			t.Fatalf("%s: decoded chunk differs from the compiled one", f)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no chunk round-tripped")
	}
}

// A decoded chunk runs exactly like the compiled one.
func TestDecodedChunkRuns(t *testing.T) {
	src := `local t = {}
for i = 1, 5 do t[#t + 1] = "v" .. i * 1.5 end
Global = table.concat(t, ",")
local function f(a, ...) return a + select("#", ...), Global end
return f(10, nil, 3), 2^10, "x" .. -0.5`
	p, err := compile("run.lua", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	run := func(p *lua.FunctionProto) string {
		L := lua.NewState()
		defer L.Close()
		L.Push(L.NewFunctionFromProto(p))
		if err := L.PCall(0, lua.MultRet, nil); err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := 1; i <= L.GetTop(); i++ {
			out = append(out, L.Get(i).String())
		}
		return strings.Join(out, "|") + "|" + L.GetGlobal("Global").String()
	}
	if a, b := run(p), run(q); a != b || a != "12|1024|x-0.5|v1.5,v3,v4.5,v6,v7.5" {
		t.Fatalf("compiled gives %q, decoded gives %q", a, b)
	}
}

// Every truncation and many corruptions of a blob give an error or a
// chunk that passed the checks, never a panic.
func TestDecodeCorruptBlob(t *testing.T) {
	p, err := compile("c.lua", []byte(`local x = { a = 1, "s" } function F(y) return x.a + y end return F(2)`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b); n++ {
		if _, err := Decode(b[:n]); err == nil {
			t.Fatalf("a blob cut to %d of %d bytes decoded", n, len(b))
		}
	}
	for i := range b {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			c := append([]byte(nil), b...)
			c[i] ^= x
			if q, err := Decode(c); err == nil && !checkProto(q) {
				t.Fatalf("flipping byte %d gave an unchecked chunk", i)
			}
		}
	}
}

func FuzzDecodeProto(f *testing.F) {
	p, err := compile("f.lua", []byte(`local a = "k" for i = 1, 3 do a = a .. i end return a, function() return a end`))
	if err != nil {
		f.Fatal(err)
	}
	b, err := Encode(nil, p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Decode(data)
		if err == nil && !checkProto(q) {
			t.Fatal("decoded an unchecked chunk")
		}
	})
}

// The version that packs carry: the codec's probe salted by the limits,
// so that packs of another gopher-lua or other limits are ignored.
func TestCacheVersionSalted(t *testing.T) {
	a, b := cacheVersion("limits 1 2 3"), cacheVersion("limits 1 2 4")
	if a == "" || a == b || a != cacheVersion("limits 1 2 3") {
		t.Fatalf("versions %q and %q", a, b)
	}
}

// TestDecodeEveryOpcode: chunks using the opcodes modscope added after
// OP_NOP (Lua 5.3 operators, _ENV) come back from the disk cache; they
// used to be refused as malformed and recompiled on every open.
func TestDecodeEveryOpcode(t *testing.T) {
	src := `local a, b = 7, 2
local r = {a // b, a & b, a | b, a ~ b, a << b, a >> b, ~a}
local function f(_ENV) x = 1 return x end
local function g() local e = _ENV _ENV = e return e end
local _ENV = {print = print}
y = r
return f({}), r`
	chunk, err := parse.Parse(strings.NewReader(src), "ops.lua")
	if err != nil {
		t.Fatal(err)
	}
	p, err := lua.Compile(chunk, "ops.lua")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	var walk func(*lua.FunctionProto)
	walk = func(p *lua.FunctionProto) {
		for _, inst := range p.Code {
			seen[int(inst>>26)] = true
		}
		for _, sub := range p.FunctionPrototypes {
			walk(sub)
		}
	}
	walk(p)
	for op := lua.OP_IDIV; op <= lastOpcode; op++ {
		if !seen[op] {
			t.Errorf("the test chunk does not use opcode %d: extend it", op)
		}
	}
	b, err := Encode(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Decode(b)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !Equal(p, q) {
		t.Fatal("decoded chunk differs from the compiled one")
	}
}

// TestDecodeOverflowingStringTable: string lengths whose sum wraps around
// are refused, not sliced (a crafted pack entry whose CRC matches).
func TestDecodeOverflowingStringTable(t *testing.T) {
	var b []byte
	for _, v := range []uint64{4, 3, 5, math.MaxInt64 - 2, math.MaxInt64 - 2} {
		b = binary.AppendUvarint(b, v)
	}
	b = append(b, "abcdefghijklmnop"...)
	if _, err := Decode(b); err == nil {
		t.Fatal("a string table whose lengths overflow decoded")
	}
}
