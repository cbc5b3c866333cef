-- [core]/post.lua: the rest of the core's own Autorun handlers, which run
-- right after the classes are built and before any handler the game or
-- its mods registered.
local core, prim = ...

-- Localization languages are registered.
function OnMsg.Autorun()
	AllLanguages = AllLanguages or { { value = "English", text = "English" } }
	CurrentLanguage = CurrentLanguage or "English"
end
-- GetLanguage (C, LuaExportedDocs): the language the game runs in; the
-- translation tables modscope has are the English texts of T(id, "text").
if rawget(_G, "GetLanguage") == nil then
	function GetLanguage() return rawget(_G, "CurrentLanguage") or "English" end
end

-- Options are initialized.
function OnMsg.Autorun()
	EngineOptions = EngineOptions or {}
	AccountStorage = AccountStorage or false
end

-- Maps: game time runs only while a map is running and the game is not paused.
function ChangeMap(map)
	CurrentMap = map or ""
	prim.map_running(map ~= nil and map ~= "")
	Msg("ChangeMap", CurrentMap)
	Msg("NewMap")
	Msg("NewMapLoaded")
end
function GetMapName() return CurrentMap or "" end
CurrentMap = CurrentMap or ""
core.pause_reasons = core.pause_reasons or {}
function Pause(reason)
	core.pause_reasons[reason or true] = true
	prim.paused(true)
end
function Resume(reason)
	core.pause_reasons[reason or true] = nil
	prim.paused(next(core.pause_reasons) ~= nil)
end
function IsPaused() return next(core.pause_reasons) ~= nil end
