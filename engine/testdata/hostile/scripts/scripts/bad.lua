function on_update(dt)
  local t = nil
  return t.field
end
