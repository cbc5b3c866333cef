-- Lua 5.3 bitwise operators and floor division (modscope). Written for
-- modscope after the ideas of the official 5.3 test file bitwise.lua; every
-- assertion also holds in the reference Lua 5.3 interpreter.
print("testing bitwise operations")

assert(~0 == -1)
assert((1 << 63) == math.mininteger)
assert((1 << 62) > 0 and (1 << 63) < 0)
assert(0x12345678 & 0xff00ff00 == 0x12005600)
assert(0x12345678 | 0xff00ff00 == 0xff34ff78)
assert(0x12345678 ~ 0xff00ff00 == 0xed34a978)
assert(5 & 3 == 1 and 5 | 3 == 7 and 5 ~ 3 == 6)
assert(~5 == -6 and ~-1 == 0 and ~~7 == 7)
assert(-1 & 0xFF == 255)

-- shifts are logical; 64 or more bits give 0; negative counts reverse
assert(1 << 4 == 16 and 256 >> 4 == 16)
assert(-1 >> 1 > 2^62 and -1 >> 2 > 2^61 and -1 >> 2 <= 2^62)
assert(-1 >> 60 == 15)
assert(-1 >> 63 == 1)
assert(1 << 64 == 0 and 1 << 100 == 0 and -1 >> 64 == 0)
assert(1 << -1 == 0 and 16 << -2 == 4 and 16 >> -2 == 64)
assert(1 >> -64 == 0 and 1 << -64 == 0)
assert(3 << 0 == 3 and 3 >> 0 == 3)
for i = 0, 62 do assert(1 << i == 2 ^ i) end

-- hexadecimal integers wrap around 64 bits
assert(0xFFFFFFFFFFFFFFFF == -1)
assert(0xFFFFFFFFFFFFFFFE == -2)
assert(0x7FFFFFFF == 2147483647)
assert(0xFFFFFFFF & 0xFF00 == 0xFF00)
assert(0xFFFFFFFFFFFFFFFF & 0xF0 == 0xF0)

-- floats with an integer representation convert; others are errors
assert(3.0 & 1 == 1 and 2^53 | 0 == 2^53)
assert("3" & 1 == 1 and "0x10" | 1 == 17)
local function bitfails(f, msg)
  local ok, err = pcall(f)
  assert(not ok, "expected an error")
  assert(string.find(err, msg, 1, true), err)
end
bitfails(function() return 1.5 & 1 end, "number has no integer representation")
bitfails(function() return 1 | 2^64 end, "number has no integer representation")
bitfails(function() return ~0.5 end, "number has no integer representation")
bitfails(function() return 1 << (0/0) end, "number has no integer representation")
bitfails(function() return "1.5" ~ 1 end, "number has no integer representation")
bitfails(function() return {} & 1 end, "attempt to perform bitwise operation on a table value")
bitfails(function() return 1 | nil end, "attempt to perform bitwise operation on a nil value")
bitfails(function() return "x" >> 1 end, "attempt to perform bitwise operation on a string value")
bitfails(function() return ~{} end, "attempt to perform bitwise operation on a table value")

-- precedence (5.3): or < and < comparison < | < ~ < & < shift < .. < + - < * / // % < unary < ^
assert(1 | 2 ~ 3 & 4 == 3)
assert((1 | 2 ~ 3 & 4) == (1 | (2 ~ (3 & 4))))
assert(1 << 2 + 1 == 8)
assert(2 .. 3 << 1 == 46)
assert(1 | 6 == 7 and 3 == 1 | 2)
assert(~1 + 1 == -1)
assert(~2 ^ 2 == -5)
assert(- ~1 == 2)
assert(7 & 3 << 1 == 6)
assert(1 < 2 == true)
assert(not (1 | 0 ~= 1))
assert(5 ~= 5 ~ 0 == false)

-- floor division
assert(7 // 2 == 3 and -7 // 2 == -4 and 7 // -2 == -4 and -7 // -2 == 3)
assert(7.5 // 2 == 3 and -7.5 // 2 == -4)
assert(1.0 // 0 == math.huge and -1.0 // 0 == -math.huge) -- (integer n // 0 is an error in 5.3; see docs/lua.md)
assert(3 % -2 == -1 and -3 % 2 == 1)
assert(2 * 3 // 4 == 1 and 2 + 7 // 2 == 5 and -2 ^ 2 // 3 == -2)

-- the same operators on variables (not folded at compile time)
local a, b, s = 0x0F0F, 0x00FF, 4
assert(a & b == 0x000F and a | b == 0x0FFF and a ~ b == 0x0FF0)
assert(a << s == 0xF0F0 and a >> s == 0x00F0 and ~a == -0x0F10)
local n, d = -7, 2
assert(n // d == -4)

-- metamethods
local log = {}
local mt = {}
for _, ev in ipairs{"band", "bor", "bxor", "shl", "shr", "idiv"} do
  mt["__" .. ev] = function(x, y)
    log[#log + 1] = ev
    return ev
  end
end
mt.__bnot = function(x, y)
  assert(rawequal(x, y))
  return "bnot"
end
local t = setmetatable({}, mt)
assert(t & 1 == "band" and 1 & t == "band")
assert(t | 1 == "bor" and t ~ 1 == "bxor")
assert(t << 1 == "shl" and t >> 1 == "shr")
assert(t // 1 == "idiv" and 3 // t == "idiv")
assert(~t == "bnot")
assert(#log == 8)

print("OK")
