first_ok = true

function broken(
  return 1
end
