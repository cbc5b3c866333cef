local base_greet = greet
function greet(name)
  return base_greet(name) .. "!"
end
