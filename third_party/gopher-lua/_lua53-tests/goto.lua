-- Lua 5.2+ break and goto (modscope). Written for modscope after the ideas
-- of the official 5.3 test file goto.lua; every assertion also holds in
-- the reference Lua 5.3 interpreter.
print("testing goto and break")

-- break is an ordinary statement: others may follow it
local n = 0
while true do
  n = n + 1
  if n == 3 then break end
end
assert(n == 3)
for i = 1, 10 do break n = 99 end
assert(n == 3)
repeat break local x = 1 until false

-- the Haemimont idiom: goto continue with the label after a break
local seen = {}
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  seen[#seen + 1] = i
  if i == 5 then break end
  ::continue::
end
assert(table.concat(seen, ",") == "1,3,5")

local out = {}
for _, v in ipairs{1, 2, 3, 4} do
  if v == 2 then goto continue end
  out[#out + 1] = v
  do break end
  ::continue::
end
assert(table.concat(out, ",") == "1")

-- a label at the end of a block may follow a local's declaration
local sum = 0
for i = 1, 4 do
  local x = i * 2
  if x == 4 then goto skip end
  sum = sum + x
  ::skip::
end
assert(sum == 16)

-- backward goto as a loop, nested blocks, labels with the same name in
-- different functions and blocks
local i = 1
::top::
i = i + 1
if i < 10 then goto top end
assert(i == 10)

do goto l1 end
error("not skipped")
::l1::

do
  ::l1::
end

local function f()
  local r = 0
  goto a
  ::b:: r = r + 1 goto c
  ::a:: r = r + 10 goto b
  ::c:: return r
end
assert(f() == 11)

-- closures in a loop made by goto capture a fresh local each time
local fns = {}
do
  local k = 1
  ::again::
  local kk = k
  fns[#fns + 1] = function() return kk end
  k = k + 1
  if k <= 3 then goto again end
end
assert(fns[1]() == 1 and fns[2]() == 2 and fns[3]() == 3)

-- errors: jumping into the scope of a local, an unknown label, a duplicate label
local function compiles(src)
  local fn = load(src)
  return fn ~= nil
end
assert(not compiles("goto l; local a; ::l:: print(a)"))
assert(not compiles("do goto nowhere end"))
assert(not compiles("::l:: ::l::"))
assert(not compiles("break"))
assert(compiles("do goto l; local a; ::l:: end"))
assert(compiles("while x do break ::continue:: end"))

print("OK")
