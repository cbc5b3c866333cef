function on_script_unloaded()
  if mode == "cycle" then local t = {}; t.self = t; return t end
  if mode == "boolkey" then return {name = "x", [true] = 1} end
  if mode == "coroutine" then return coroutine.create(function() end) end
  return {[3] = "c"}
end
function on_script_reloaded(s) got = s or "no state"; reloaded = (reloaded or 0) + 1 end
