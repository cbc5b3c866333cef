-- crash fixture: loops for ever; tests kill the engine process while it
-- runs, or make it die when it begins.
spins = 0
while true do spins = spins + 1 end
