-- A numeric for bounded by an engine constant runs zero times, and # of a
-- stand-in is 0 inside a Lua helper too.
local function icopy(t)
	local out = {}
	for i = 1, #t do out[i] = t[i] end
	return out
end
LoopCount = 0
for i = 1, const.MaxColorizationMaterials do LoopCount = LoopCount + 1 end
for i = 1, #icopy(GetEngineList()) do LoopCount = LoopCount + 1 end
