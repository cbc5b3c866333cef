-- loop fixture: an infinite loop on line 3.
spins = 0
while true do spins = spins + 1 end
