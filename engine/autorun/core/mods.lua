-- [core]/mods.lua: mods as the engine loads them (CommonLua/Classes/Mod.lua,
-- ModItem.lua). The host reads each metadata.lua and hands the definition
-- here: core.mod_def makes the ModDef object (CurrentModDef), core.mod_env
-- fills the mod's environment (CurrentModId, CurrentModPath, CurrentModDef,
-- CurrentModOptions, ...), core.mod_items takes what items.lua returned (the
-- ModItem objects; option items give the defaults of CurrentModOptions).
local core, prim = ...

-- The ModItem classes real items.lua files place, declared at build time
-- only when the game does not declare them itself.
local function option(extra)
	return function()
		local def = { __parents = { "ModItemOption" } }
		for k, v in pairs(extra or {}) do def[k] = v end
		return def
	end
end
local defaults = {
	{ "ModElement", function() return {} end },
	{ "ModItem", function() return {
		__parents = { "ModElement" }, name = "", mod = false, is_data = false,
		OnModLoad = function(self, mod) end,
		OnModUnload = function(self, mod) end,
		GetProperty = function(self, id) return self[id] end,
		SetProperty = function(self, id, value) self[id] = value end,
		ForEachModItem = function(self, classname, fn)
			if not fn then fn, classname = classname, nil end
			if not classname or IsKindOf(self, classname) then return fn(self) end
		end,
	} end },
	{ "ModItemOption", function() return {
		__parents = { "ModItem" }, DisplayName = "", Help = "", DefaultValue = false,
	} end },
	{ "ModItemOptionToggle", option{ DefaultValue = false } },
	{ "ModItemOptionNumber", option{ DefaultValue = 0, MinValue = 0, MaxValue = 100, StepSize = 1 } },
	{ "ModItemOptionChoice", option{ DefaultValue = "", ChoiceList = false } },
	{ "ModItemOptionInputBox", option{ DefaultValue = "" } },
	{ "ModItemCode", function() return { __parents = { "ModItem" } } end },
	{ "ModItemLocTable", function() return { __parents = { "ModItem" }, language = "English", filename = "" } end },
	{ "ModDependency", function() return { id = "", title = "", version_major = 0, version_minor = 0, required = true } end },
}
for _, d in ipairs(defaults) do core.class_defaults[#core.class_defaults + 1] = d end

-- ModDef methods (real code calls these on CurrentModDef and on Mods[id]).
core.ModDefMethods = core.ModDefMethods or {}
local M = core.ModDefMethods
M.__index = function(self, key)
	local cls = g_Classes and rawget(g_Classes, "ModDef")
	if cls and core.classes_built and cls[key] ~= nil then return cls[key] end
	return M[key]
end
function M:ItemsLoaded() return not not rawget(self, "items") end
function M:HasOptions() return not not (rawget(self, "has_options") or next(rawget(self, "default_options") or {})) end
function M:ForEachModItem(classname, fn)
	if not fn then fn, classname = classname, nil end
	for _, item in ipairs(rawget(self, "items") or {}) do
		if type(item) == "table" and (not classname or IsKindOf(item, classname) or item.class == classname) then
			local r = fn(item)
			if r == "break" then break elseif r ~= nil then return r end
		end
	end
end
function M:GetDefaultOptions()
	local out = {}
	self:ForEachModItem("ModItemOption", function(item)
		if item.name and item.name ~= "" then out[item.name] = item.DefaultValue end
	end)
	return out
end
function M:GetOptionItems()
	local out = {}
	self:ForEachModItem("ModItemOption", function(item)
		if item.name and item.name ~= "" then out[#out + 1] = item end
	end)
	return out
end
function M:GetVersionString()
	return string.format("%d.%02d-%03d", rawget(self, "version_major") or 0, rawget(self, "version_minor") or 0, rawget(self, "version") or 0)
end
function M:GetModLabel() return string.format("%s (id %s, v%s)", tostring(rawget(self, "title")), tostring(rawget(self, "id")), self:GetVersionString()) end
function M:GetModRootPath() return rawget(self, "content_path") end
function M:GetModContentPath() return rawget(self, "content_path") end

-- The options object (CurrentModOptions): option values by name, with
-- GetProperty/SetProperty as the engine's ModOptionsObject has.
core.OptionsMethods = core.OptionsMethods or {}
local O = core.OptionsMethods
O.__index = O
function O:GetProperty(id) return rawget(self, id) end
function O:SetProperty(id, value) rawset(self, id, value) end
-- GetProperties lists a property per option item (id, name, editor, default).
function O:GetProperties() return rawget(self, "properties") or {} end
local option_editor = { ModItemOptionToggle = "bool", ModItemOptionNumber = "number", ModItemOptionChoice = "choice", ModItemOptionInputBox = "text" }

if FirstLoad or not Mods then
	Mods = {}
	ModsLoaded = {}
	LuaLoadedForMods = {}
	SharedModEnv = {}
	AccountStorage = AccountStorage or false
end

-- core.mod_def makes (or refreshes) the ModDef of mod d: every key of its
-- metadata, plus path, content_path, env, items, options, default_options.
function core.mod_def(d, env)
	local mod = Mods[d.id]
	if not mod then
		mod = setmetatable({}, M)
		Mods[d.id] = mod
	end
	for k, v in pairs(d) do rawset(mod, k, v) end
	rawset(mod, "class", "ModDef")
	rawset(mod, "env", env)
	rawset(mod, "status", "alive")
	rawset(mod, "source", "appdata")
	for k, v in pairs({ title = "", description = "", author = "", version = 0, version_major = 0, version_minor = 0,
		lua_revision = 0, saved_with_revision = 0, code = {}, entities = {}, loctables = {}, dependencies = {},
		default_options = {}, has_options = false, items = false }) do
		if rawget(mod, k) == nil then rawset(mod, k, v) end
	end
	local options = rawget(mod, "options")
	if type(options) ~= "table" or getmetatable(options) ~= O then
		options = setmetatable({}, O)
		rawset(mod, "options", options)
	end
	rawset(options, "__mod", mod)
	-- values from the account storage, then the defaults (LoadOptions)
	local stored = type(AccountStorage) == "table" and type(rawget(AccountStorage, "ModOptions")) == "table" and rawget(AccountStorage.ModOptions, d.id)
	if type(stored) == "table" then for k, v in pairs(stored) do rawset(options, k, v) end end
	for k, v in pairs(rawget(mod, "default_options") or {}) do
		if rawget(options, k) == nil then rawset(options, k, v) end
	end
	if not table.find(ModsLoaded, mod) then ModsLoaded[#ModsLoaded + 1] = mod end
	return mod
end

-- core.mod_env fills a mod's environment (ModDef:SetupEnv, LuaModEnv).
function core.mod_env(mod, env)
	rawset(env, "CurrentModPath", mod.content_path)
	rawset(env, "CurrentModId", mod.id)
	rawset(env, "CurrentModDef", mod)
	rawset(env, "CurrentModOptions", mod.options)
	rawset(env, "CurrentModStorageTable", rawget(env, "CurrentModStorageTable") or {})
	rawset(env, "_G", env)
	if not LuaLoadedForMods[mod.id] then
		rawset(env, "FirstLoad", true)
		LuaLoadedForMods[mod.id] = true
	else
		rawset(env, "FirstLoad", false)
	end
end

-- core.mod_items takes what the mod's items.lua returned (ModDef:LoadItems):
-- each item gets .mod and OnModLoad; the option items give the defaults of
-- the options. It returns the number of items and of options.
function core.mod_items(mod, items)
	if type(items) ~= "table" then items = {} end
	rawset(mod, "items", items)
	local has_data = false
	for _, item in ipairs(items) do
		if type(item) == "table" then
			rawset(item, "mod", mod)
			local f = item.OnModLoad
			if type(f) == "function" then
				local ok, err = pcall(f, item, mod)
				if not ok then prim.class_error(mod.content_path .. "items.lua", "mod " .. tostring(mod.id) .. ": " .. tostring(item.class) .. ":OnModLoad: " .. tostring(err)) end
			end
			has_data = has_data or item.is_data
		end
	end
	rawset(mod, "has_data", not not has_data)
	local defaults = mod:GetDefaultOptions()
	local props = {}
	for _, item in ipairs(mod:GetOptionItems()) do
		props[#props + 1] = { id = item.name, name = item.DisplayName, help = item.Help, default = item.DefaultValue,
			editor = option_editor[item.class] or "text", min = item.MinValue, max = item.MaxValue, step = item.StepSize, items = item.ChoiceList }
	end
	rawset(mod.options, "properties", props)
	rawset(mod.options, "__defaults", defaults)
	local n = 0
	for k, v in pairs(defaults) do
		n = n + 1
		mod.default_options[k] = v
		if rawget(mod.options, k) == nil then rawset(mod.options, k, v) end
	end
	return #items, n
end
