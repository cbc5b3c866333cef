-- every handler sends the message twice, then loops: 2^depth x the limit
-- unless the file's budget includes what it triggers
function OnMsg.Tick() Msg("Tick") Msg("Tick") while true do end end
Msg("Tick")
AfterTick = true
