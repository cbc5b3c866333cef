-- A real bug: the file fails at line 3, before it defines what others use.
local settings = nil
local volume = settings.volume
function PlayJingle() return volume end
DefineClass.Jingle = { __parents = { "CObject" } }
