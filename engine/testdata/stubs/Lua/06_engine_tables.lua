-- Tables the engine fills, and the core's helpers given a stand-in.
local rock = table.find(TerrainTextures, "name", "RockDark") + 1
if table.find(TerrainTextures, "name", "Snow") then error("a tested helper answer must be nil") end
for _, tech in ipairs(Presets.TechPreset.Breakthroughs) do error("nothing to iterate") end
OnMsg.ModsReloaded = FlushLogFile

function OnMsg.ClassesGenerate(classdefs)
	local mod = classdefs.ModDef
	mod.properties = mod.properties or {}
end

function OnMsg.ClassesBuilt()
	local indicator = g_Classes.DomeIndicator
	IndicatorEntity = tostring(indicator:GetEntity())
end
