-- the game: a price function and a config table
function price(item)
  return 10
end
config = { max_players = 8 }
