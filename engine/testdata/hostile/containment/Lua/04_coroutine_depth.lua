-- a coroutine resumed inside a deep pcall chain inside another, ...: the
-- call depth limit must hold for the state, not for each coroutine
local levels = 0
local function deep(k, p)
  if p > 0 then
    local ok, a, b = pcall(deep, k, p - 1)
    return a, b
  end
  levels = levels + 1
  if k == 0 then return true end
  local co = coroutine.create(function() return deep(k - 1, 20) end)
  return coroutine.resume(co)
end
deep(100000, 20)
CoroutineLevels = levels
