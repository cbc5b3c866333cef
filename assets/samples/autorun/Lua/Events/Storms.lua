-- Lua/Events/ runs after Lua/Colony.lua: a folder's own files come before its subfolders.

StormsSeen = 0

-- WaitMsg suspends a thread until a message is sent (or the timeout passes).
-- Send it from the Events panel, or with `msg DustStorm "heavy"` in an event script.
if IsValidThread(StormThread) then
	DeleteThread(StormThread)
end
StormThread = CreateRealTimeThread(function()
	while true do
		local time_left, strength = WaitMsg("DustStorm", 5000)
		if time_left then
			StormsSeen = StormsSeen + 1
			ColonyLog("dust storm (%s)! domes close their doors", tostring(strength))
		end
	end
end)

function OnMsg.NewDay(day)
	if day % 3 == 0 then
		ColonyLog("day %d: the sky is clear", day)
	end
end
