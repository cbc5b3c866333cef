-- Fixture for the inspector's golden tests. Keep line numbers stable.
Mod = {
  name = "Demo",
  version = 3,
  ratio = 0.25,
  enabled = true,
  [1] = "first",
  [2] = "second",
  [10] = "tenth",
  [2.5] = "two and a half",
  [-1] = "minus one",
  ["odd key"] = "spaces",
  ["end"] = "reserved word",
  Zeta = {},
  alpha = { nested = { deep = 1 } },
  Beta = function(a, b) return a + b end,
  long = string.rep("abc", 40),
  multi = "line one\nline two",
  [true] = "yes",
}

-- A hostile metatable: none of these may ever run inside the inspector.
local function boom() rawset(_G, "Hits", (rawget(_G, "Hits") or 0) + 1); error("metamethod invoked") end
setmetatable(Mod, {
  __index = boom, __newindex = boom, __pairs = boom, __tostring = boom,
  __len = boom, __eq = boom, __lt = boom, __le = boom, __concat = boom,
  __call = boom, __metatable = "locked",
})
rawset(Mod, "self", Mod)

function Greet(name)
  return "hello " .. name
end

Counter = 0
List = { 10, 20, 30 }
Old = "going away"
Shared = { a = 1 }
