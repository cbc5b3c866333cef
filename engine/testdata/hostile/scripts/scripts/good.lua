updates = 0
function on_update(dt)
  updates = updates + 1
end
