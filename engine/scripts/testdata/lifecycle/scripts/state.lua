-- Hands a state over a reload through BMS's script-value conversion.
version = (version or 0) + 1
function double(x) return x * 2, "two" end
function on_script_unloaded()
  local named = {x = 1, y = "why"}    -- string keys: a map
  return {
    hp = {[2] = 50, [7] = 70},        -- integer keys: a list, renumbered
    list = {10, 20, 30},
    named = named,
    fn = double,                      -- a function stays callable (wrapped)
    empty = {},
  }
end
function on_script_reloaded(s)
  got = s
  fn_is_same = (s.fn == double)
end
