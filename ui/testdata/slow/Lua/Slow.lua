-- runs for a long time (until the watchdog or Stop ends it)
Before = true
local n = 0
while true do n = n + 1 end
