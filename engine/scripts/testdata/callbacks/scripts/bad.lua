function on_update(dt)
  error("boom in on_update")
end
