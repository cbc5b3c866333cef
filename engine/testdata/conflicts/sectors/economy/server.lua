function price(item)
  return 20
end
config.max_players = 16
