-- Lua 5.2+ _ENV and the 5.3 library additions (modscope); every assertion
-- also holds in the reference Lua 5.3 interpreter.
print("testing _ENV and the 5.3 library")

assert(_ENV == _G)
local function f()
  local _ENV = {x = 42, assert = assert}
  y = 1
  assert(x == 42)
  return _ENV
end
local e = f()
assert(e.y == 1 and y == nil)
local function g(_ENV) return z end
assert(g({z = "zz"}) == "zz")
do
  local _ENV = setmetatable({}, {__index = _G})
  newglobal = 5
  assert(newglobal == 5)
  local function inner() return newglobal end
  assert(inner() == 5)
end
assert(newglobal == nil)

-- load and its env argument
local env = {}
local chunk = load("a = 10; return a", "chunk", "t", env)
assert(chunk() == 10 and env.a == 10 and a == nil)
assert(load("return 1 + 1")() == 2)
local parts = {"return ", "3"}
assert(load(function() return table.remove(parts, 1) end)() == 3)
assert(load("return _ENV", nil, nil, env)() == env)

-- table.pack / table.unpack
local t = table.pack(1, nil, 3)
assert(t.n == 3 and t[1] == 1 and t[2] == nil and t[3] == 3)
local a1, a2, a3 = table.unpack({1, 2, 3})
assert(a1 == 1 and a2 == 2 and a3 == 3)
assert(select("#", table.unpack({1, 2, 3}, 2)) == 2)
assert(table.concat({1, 2}, ",") == "1,2" and type(table.concat({1})) == "string")

-- math
assert(math.type(1) == "integer" and math.type(1.5) == "float" and math.type("1") == nil)
assert(math.tointeger(3.0) == 3 and math.tointeger(3.5) == nil and math.tointeger("8") == 8)
assert(math.ult(1, -1) and not math.ult(-1, 1))
assert(math.mininteger == -2^63 and math.maxinteger > 2^62)
assert(math.huge == 1/0 and tostring(math.huge) == "inf" and tostring(-math.huge) == "-inf")

-- string.format %d takes integral floats and refuses others
assert(string.format("%d %5.2f %x", 3.0, 2, 255) == "3  2.00 ff")
assert(not pcall(string.format, "%d", 3.5))

-- utf8
assert(utf8.char(72, 228, 8364, 128512) == "H\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80")
assert(utf8.char() == "")
assert(utf8.len("h\u{E4}ll\u{20AC}") == 5)
local n1, n2 = utf8.len("ab\xffc")
assert(n1 == nil and n2 == 3)
assert(utf8.charpattern == "[\0-\x7F\xC2-\xF4][\x80-\xBF]*")
local codes = {}
for p, c in utf8.codes("h\u{E4}\u{20AC}") do codes[#codes + 1] = p .. ":" .. c end
assert(table.concat(codes, " ") == "1:104 2:228 4:8364")
assert(not pcall(function() for _ in utf8.codes("a\xffb") do end end))
assert(select("#", utf8.codepoint("h\u{E4}\u{20AC}", 1, -1)) == 3)
assert(utf8.offset("h\u{E4}\u{20AC}x", 3) == 4 and utf8.offset("h\u{E4}\u{20AC}x", -1) == 7)

-- new escapes and numerals
assert("\x41\x42" == "AB" and "a\z
       b" == "ab" and "\u{41}" == "A")
assert(0xA.8p1 == 21 and 0x.8 == 0.5 and 0x10 == 16)

-- 5.1 code keeps working
assert(1 ~= 2 and not (1 ~= 1))
assert(#"abc" == 3 and -2 ^ 2 == -4 and 2 ^ 3 ^ 2 == 512)

print("OK")
