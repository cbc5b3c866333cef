price = function(item)
  return 5
end
config.max_players = 32
