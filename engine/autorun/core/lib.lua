-- [core]/lib.lua: the core library (step "Core library"): printing, file
-- loading, serialization, table, iteration and string helpers, number
-- ranges and sets. Real game code calls these more than anything else.
local core, prim = ...

-- printing -------------------------------------------------------------
function printf(fmt, ...) print(string.format(fmt, ...)) end
DebugPrint = print
function empty_func() end
function return_true() return true end
function return_false() return false end
empty_table = setmetatable({}, { __newindex = function() error("empty_table is read-only", 2) end })

-- file loading -----------------------------------------------------------
-- The engine's rules (lib.lua): dofile(name, fenv, ...) runs a file
-- protected (an error is reported, the caller goes on) and returns its
-- results; dofolder runs a folder's __load.lua alone if it has one (with
-- the folder as its `...`), otherwise its files then its subfolders, each
-- sorted case-insensitively (CmpLower), skipping names that start with "__".
LoadingBlacklist = {}
function dofile(name, fenv, ...)
	if LoadingBlacklist[name] then return end
	return prim.dofile(name, fenv, ...)
end
function pdofile(name, fenv)
	if LoadingBlacklist[name] then return false, "Blacklisted" end
	return prim.pdofile(name, fenv)
end
local function run_list(folder, list, fenv, ...)
	if LoadingBlacklist[folder] then return end
	for _, f in ipairs(list) do
		if f[2] then dofile(f[1], fenv, f[2], ...) else dofile(f[1], fenv, ...) end
	end
end
function dofolder(folder, fenv, ...) run_list(folder, prim.folder_order(folder, "all"), fenv, ...) end
function dofolder_files(folder, fenv, ...) run_list(folder, prim.folder_order(folder, "files"), fenv, ...) end
function dofolder_folders(folder, fenv, ...) run_list(folder, prim.folder_order(folder, "folders"), fenv, ...) end
function CmpLower(a, b)
	local la, lb = string.lower(tostring(a)), string.lower(tostring(b))
	if la ~= lb then return la < lb end
	return tostring(a) < tostring(b)
end
-- Preset loading (Preset.lua): the same walks, naming the file that loads.
PresetsLoadingFileName = false
local function preset_loading(walk)
	return function(...)
		local old = dofile
		dofile = function(name, fenv, ...)
			PresetsLoadingFileName = name
			local r = old(name, fenv, ...)
			PresetsLoadingFileName = false
			return r
		end
		local ok, err = pcall(walk, ...)
		dofile = old
		if not ok then error(err, 0) end
	end
end
LoadPresetFiles = preset_loading(dofolder_files)
LoadPresetFolders = preset_loading(dofolder_folders)
LoadPresetFolder = preset_loading(dofolder)
function LoadPresets(name, fenv)
	PresetsLoadingFileName = name
	pdofile(name, fenv)
	PresetsLoadingFileName = false
end

-- serialization ----------------------------------------------------------
local function to_code(v, indent, seen)
	local t = type(v)
	if t == "string" then return string.format("%q", v) end
	if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
	if t ~= "table" then return "nil --[[" .. t .. "]]" end
	if seen[v] then return "nil --[[cycle]]" end
	seen[v] = true
	local parts, n = {}, #v
	for i = 1, n do parts[#parts + 1] = to_code(v[i], indent .. "\t", seen) end
	local keys = {}
	for k in pairs(v) do
		if not (type(k) == "number" and k >= 1 and k <= n and k % 1 == 0) then keys[#keys + 1] = k end
	end
	table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
	for _, k in ipairs(keys) do
		local key = type(k) == "string" and k:match("^[%a_][%w_]*$") and k or ("[" .. to_code(k, indent, seen) .. "]")
		parts[#parts + 1] = key .. " = " .. to_code(v[k], indent .. "\t", seen)
	end
	seen[v] = nil
	if #parts == 0 then return "{}" end
	return "{\n" .. indent .. "\t" .. table.concat(parts, ",\n" .. indent .. "\t") .. ",\n" .. indent .. "}"
end
function ValueToLuaCode(v) return to_code(v, "", {}) end
TableToLuaCode = ValueToLuaCode

-- tables ---------------------------------------------------------------------
-- table.find(t, value) or table.find(t, field, value): the index of the
-- first element equal to value (or whose field equals value).
function table.find(t, field, value)
	if not t then return end
	if value == nil then
		for i = 1, #t do if t[i] == field then return i end end
	else
		for i = 1, #t do
			local e = t[i]
			if type(e) == "table" and e[field] == value then return i end
		end
	end
end
function table.find_value(t, field, value)
	local i = table.find(t, field, value)
	return i and t[i]
end
function table.remove_entry(t, field, value)
	local i = table.find(t, field, value)
	if i then return table.remove(t, i) end
end
function table.remove_value(t, value)
	for i = #t, 1, -1 do
		if t[i] == value then return table.remove(t, i) end
	end
end
function table.insert_unique(t, value)
	if not table.find(t, value) then t[#t + 1] = value; return true end
	return false
end
function table.iappend(t, src)
	if src then for i = 1, #src do t[#t + 1] = src[i] end end
	return t
end
function table.copy(t, deep, seen)
	if type(t) ~= "table" then return t end
	seen = seen or {}
	if seen[t] then return seen[t] end
	local out = {}
	seen[t] = out
	for k, v in pairs(t) do
		if deep and type(v) == "table" then v = table.copy(v, deep, seen) end
		out[k] = v
	end
	return out
end
function table.icopy(t)
	local out = {}
	for i = 1, #t do out[i] = t[i] end
	return out
end
function table.keys(t, sorted)
	local out = {}
	for k in pairs(t or empty_table) do out[#out + 1] = k end
	if sorted then table.sort(out, function(a, b)
		if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
		return tostring(a) < tostring(b)
	end) end
	return out
end
function table.keys2(t, sorted, ...)
	local out = table.keys(t, sorted)
	for i = 1, select("#", ...) do
		local skip = select(i, ...)
		table.remove_value(out, skip)
	end
	return out
end
function table.values(t, sorted)
	local out = {}
	for _, v in pairs(t or empty_table) do out[#out + 1] = v end
	if sorted then table.sort(out) end
	return out
end
function table.count(t, fn)
	local n = 0
	for k, v in pairs(t or empty_table) do
		if not fn or fn(k, v) then n = n + 1 end
	end
	return n
end
function table.ifilter(t, fn)
	local out = {}
	for i = 1, #t do if fn(i, t[i]) then out[#out + 1] = t[i] end end
	return out
end
function table.filter(t, fn)
	local out = {}
	for k, v in pairs(t) do if fn(k, v) then out[k] = v end end
	return out
end
function table.map(t, fn)
	local out = {}
	if type(fn) ~= "function" then
		local field = fn
		fn = function(v) return v[field] end
	end
	for k, v in pairs(t or empty_table) do out[k] = fn(v) end
	return out
end
function table.imap(t, fn)
	local out = {}
	for i = 1, #t do out[i] = fn(t[i]) end
	return out
end
function table.clear(t)
	for k in pairs(t) do t[k] = nil end
	return t
end
function table.iequals(a, b)
	if #a ~= #b then return false end
	for i = 1, #a do if a[i] ~= b[i] then return false end end
	return true
end
function table.invert(t)
	local out = {}
	for k, v in pairs(t) do out[v] = k end
	return out
end
function table.union(a, b)
	local out = table.icopy(a)
	for i = 1, #b do table.insert_unique(out, b[i]) end
	return out
end
function table.reverse(t)
	local n = #t
	for i = 1, math.floor(n / 2) do t[i], t[n - i + 1] = t[n - i + 1], t[i] end
	return t
end
function table.rand(t, seed)
	if #t == 0 then return nil end
	local i = AsyncRand(#t) + 1
	return t[i], i
end
function table.stable_sort(t, less)
	less = less or function(a, b) return a < b end
	for i = 1, #t do t[i] = { v = t[i], i = i } end
	table.sort(t, function(a, b)
		if less(a.v, b.v) then return true end
		if less(b.v, a.v) then return false end
		return a.i < b.i
	end)
	for i = 1, #t do t[i] = t[i].v end
	return t
end
function table.max(t) local m for i = 1, #t do if m == nil or t[i] > m then m = t[i] end end return m end
function table.min(t) local m for i = 1, #t do if m == nil or t[i] < m then m = t[i] end end return m end
function table.sum(t) local s = 0 for i = 1, #t do s = s + t[i] end return s end

-- iteration ------------------------------------------------------------------
function sorted_pairs(t)
	local keys = table.keys(t, true)
	local i = 0
	return function()
		i = i + 1
		local k = keys[i]
		if k ~= nil then return k, t[k] end
	end
end

-- strings --------------------------------------------------------------------
function string.starts_with(s, prefix) return s:sub(1, #prefix) == prefix end
function string.ends_with(s, suffix) return suffix == "" or s:sub(-#suffix) == suffix end
function string.split(s, sep)
	local out = {}
	sep = sep or ","
	local start = 1
	while true do
		local i, j = string.find(s, sep, start, true)
		if not i then out[#out + 1] = s:sub(start); break end
		out[#out + 1] = s:sub(start, i - 1)
		start = j + 1
	end
	return out
end
function string.trim_spaces(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- localized text (localization.lua): T(id, "text"), T("text") or
-- T{id, "text", args...} make a T value (a table with TMeta); an empty text
-- gives "". Concatenating a T with anything gives a concatenated T (TConcat),
-- never a string and never an error; table.concat of Ts is a TConcat too.
if FirstLoad or not TMeta then
	TMeta = { __name = "T" }
	TConcatMeta = { __name = "T(concat)" }
	oldTableConcat = table.concat
end
function IsT(t)
	return t == "" or type(t) == "table" and (getmetatable(t) == TMeta or getmetatable(t) == TConcatMeta)
end
local function tconcat(a, b)
	if type(a) == "table" and getmetatable(a) == TConcatMeta then
		local c = {}
		for i = 1, #a do c[i] = a[i] end
		a = c
	else
		a = { a }
	end
	if type(b) == "table" and getmetatable(b) == TConcatMeta then
		local n = #a
		for i = 1, #b do a[n + i] = b[i] end
	else
		a[#a + 1] = b
	end
	return setmetatable(a, TConcatMeta)
end
local function ttext(t)
	if type(t) ~= "table" then return tostring(t) end
	local mt = getmetatable(t)
	if mt == TConcatMeta then
		if t.table then
			local parts = {}
			for i = t.i or 1, t.j or #t.table do parts[#parts + 1] = ttext(t.table[i]) end
			return oldTableConcat(parts, t.sep and ttext(t.sep) or "")
		end
		local parts = {}
		for i = 1, #t do parts[i] = ttext(t[i]) end
		return oldTableConcat(parts)
	end
	local text = type(t[1]) == "number" and t[2] or t[1]
	return text ~= nil and tostring(text) or ""
end
TMeta.__concat = tconcat
TMeta.__tostring = ttext
TMeta.__newindex = function() end -- modifying a T is ignored (an assert in the engine)
TConcatMeta.__concat = tconcat
TConcatMeta.__tostring = ttext
TConcatMeta.__newindex = function() end
function T(id, text, ...)
	if type(id) == "table" then
		if getmetatable(id[1]) == TConcatMeta then return id[1] end
		local s = type(id[1]) == "number" and id[2] or id[1]
		if s == "" then return "" end
		return setmetatable(id, TMeta)
	end
	local s = type(id) == "number" and text or id
	if s == "" then return "" end
	return setmetatable({ id, text }, TMeta)
end
function TConcat(t) return setmetatable(t, TConcatMeta) end
function Untranslated(s)
	if IsT(s) then return s end
	if type(s) == "table" then return T(s) end
	return T{ tostring(s or ""), untranslated = true }
end
function TGetID(t)
	if type(t) == "table" and getmetatable(t) == TMeta and type(t[1]) == "number" then return t[1] end
	return false
end
function _InternalTranslate(t) return ttext(t) end
TTranslate = TTranslate or _InternalTranslate
function table.concat(t, sep, i, j)
	if not next(t) then return "" end
	i = i or 1
	j = j or #t
	local idx, item = i, t[i]
	if i == j then return item end
	while item == "" and idx < j do
		idx = idx + 1
		item = t[idx]
	end
	if IsT(item) and item ~= "" then
		return setmetatable({ setmetatable({ table = t, sep = sep, i = i, j = j }, TConcatMeta) }, TConcatMeta)
	end
	if IsT(sep) then sep = ttext(sep) end
	return oldTableConcat(t, sep, i, j)
end

-- number ranges and sets -------------------------------------------------
local range_meta = { __tostring = function(r) return "range(" .. r.from .. ", " .. r.to .. ")" end }
function range(from, to) return setmetatable({ from = from, to = to }, range_meta) end
function IsRange(r) return getmetatable(r) == range_meta end
function set(...)
	local s = {}
	for i = 1, select("#", ...) do s[select(i, ...)] = true end
	return s
end

-- objects from data (PropertyObject.lua): PlaceObj("Class", props, arr).
-- A built class makes the object (its __fromluacode if it has one, else
-- new); before the classes are built the table is kept and becomes an
-- instance in place at ClassesPostprocess. PlaceObj never writes anywhere
-- but the object (no Presets table, no rawset past a metatable).
core.delayed_objs = {}
local function props_of(props)
	local obj = {}
	if type(props) ~= "table" then return obj end
	local n = #props
	if n > 0 and n % 2 == 0 and type(props[1]) == "string" then
		for i = 1, n, 2 do obj[props[i]] = props[i + 1] end
		for k, v in pairs(props) do
			if not (type(k) == "number" and k >= 1 and k <= n and k % 1 == 0) then obj[k] = v end
		end
		return obj
	end
	return props
end
-- An object of a class derived from the engine's Preset, when the folder
-- does not ship that class (a stand-in parent), registers itself as
-- Preset:Register does: Presets[PresetClass or class][group] is the list of
-- the group (also kept in order in Presets[...]), and [id] names it there
-- and in the class's GlobalMap table.
local function register_preset(cls, obj)
	if type(obj) ~= "table" or rawget(g_Classes, "Preset") then return end
	local anc = rawget(cls, "__ancestors")
	if type(anc) ~= "table" or not anc.Preset then return end
	local pclass = rawget(cls, "PresetClass")
	if type(pclass) ~= "string" then pclass = rawget(cls, "ModdedPresetClass") end
	if type(pclass) ~= "string" then pclass = rawget(cls, "class") end
	if type(pclass) ~= "string" then return end
	local group = rawget(obj, "group")
	if type(group) ~= "string" then group = "Default" end
	local groups = rawget(Presets, pclass)
	if type(groups) ~= "table" then
		groups = {}
		Presets[pclass] = groups
	end
	local presets = rawget(groups, group)
	if type(presets) ~= "table" then
		presets = {}
		groups[group] = presets
		groups[#groups + 1] = presets
	end
	presets[#presets + 1] = obj
	local id = rawget(obj, "id")
	if type(id) == "string" and id ~= "" then
		presets[id] = obj
		local map = rawget(cls, "GlobalMap")
		local global = type(map) == "string" and rawget(_G, map)
		if type(global) == "table" then global[id] = obj end
	end
end
-- DefineModItemPreset (ModItem.lua, the engine's when the folder does not
-- ship it): the mod item class of a preset class, "ModItem" .. preset,
-- whose objects are presets of that class (registered as above).
if rawget(_G, "DefineModItemPreset") == nil then
	function DefineModItemPreset(preset, class)
		class = type(class) == "table" and class or {}
		class.ModdedPresetClass = preset
		class.__parents = { "ModItemPreset", preset }
		class.properties = type(class.properties) == "table" and class.properties or {}
		DefineClass["ModItem" .. tostring(preset)] = class
		return class
	end
end
local function place(class, props, arr, ...)
	local cls = type(g_Classes) == "table" and rawget(g_Classes, class)
	if cls and core.classes_built then
		local from = cls.__fromluacode
		if type(from) == "function" then return from(cls, props, arr, ...) end
		local obj = props_of(props)
		if arr then for i = 1, #arr do obj[i] = arr[i] end end
		obj = cls:new(obj)
		register_preset(cls, obj)
		return obj
	end
	local obj = props_of(props)
	if arr then for i = 1, #arr do obj[i] = arr[i] end end
	obj.class = class
	if not core.classes_built then
		core.delayed_objs[#core.delayed_objs + 1] = obj
	end
	return obj
end
function PlaceObj(class, props, arr, ...)
	local obj = place(class, props, arr, ...)
	if core.preset_sink and type(obj) == "table" then core.preset_sink(class, obj) end
	return obj
end
function core.place_delayed()
	local objs = core.delayed_objs
	core.delayed_objs = {}
	for _, obj in ipairs(objs) do
		local cls = rawget(g_Classes, obj.class)
		if cls and type(cls.new) == "function" then
			rawset(obj, "class", nil)
			local ok, err = pcall(cls.new, cls, obj)
			if not ok then prim.class_error("[PlaceObj]", "PlaceObj(\"" .. tostring(cls.class) .. "\"): " .. tostring(err)) end
			if ok then register_preset(cls, obj) end
		end
	end
end
Presets = Presets or {}

-- globals saved with the game (Gameplay.lua, lib.lua): the variable is
-- false while the Lua loads; its value (a function is called) is set when
-- a map (GlobalVar, MapVar) or a game (GameVar) starts.
local function saved_var(list_name, values_name)
	_G[list_name] = rawget(_G, list_name) or {}
	_G[values_name] = rawget(_G, values_name) or {}
	return function(name, value, meta)
		if type(value) == "table" then
			local org = value
			value = function()
				local v = table.copy(org, false)
				setmetatable(v, getmetatable(org) or meta)
				return v
			end
		end
		if FirstLoad or rawget(_G, name) == nil then prim.define_global(name, false) end
		local list = _G[list_name]
		if not table.find(list, name) then list[#list + 1] = name end
		_G[values_name][name] = value or false
		PersistableGlobals[name] = true
	end
end
PersistableGlobals = PersistableGlobals or {}
MapVar = saved_var("MapVars", "MapVarValues")
GlobalVar = MapVar
GameVar = saved_var("GameVars", "GameVarValues")
local function init_vars(list, values)
	for _, name in ipairs(list) do
		local v = values[name]
		if type(v) == "function" then v = v() end
		_G[name] = v or false
	end
end
function InitGameVars() init_vars(GameVars, GameVarValues) end
function OnMsg.NewMap() init_vars(MapVars, MapVarValues) end
function OnMsg.NewGame() InitGameVars() end
config = config or {}

-- LoadXTemplates (XTemplate.lua): the UI templates are data, loaded when
-- the classes are built (first load), not by the folder walk (the game's
-- Lua/XTemplates/ holds an empty __load.lua).
-- Without the game's XTemplate class, each PlaceObj("XTemplate", ...) is
-- registered as the preset would register itself: XTemplates[id] and
-- Presets.XTemplate[group].
function core.LoadXTemplates()
	local presets = {}
	Presets.XTemplate = presets
	XTemplates = {}
	local own_class = not rawget(g_Classes, "XTemplate")
	core.preset_sink = own_class and function(class, obj)
		if class ~= "XTemplate" or type(rawget(obj, "id")) ~= "string" then return end
		XTemplates[obj.id] = obj
		local gname = rawget(obj, "group") or "Default"
		local group = rawget(presets, gname)
		if not group then
			group = {}
			presets[gname] = group
			presets[#presets + 1] = group
		end
		group[#group + 1] = obj
		group[obj.id] = obj
	end or nil
	local ok, err = pcall(function()
		LoadPresetFiles("Lua/Ged/XTemplates/")
		LoadPresetFiles("CommonLua/Ged/XTemplates/")
		LoadPresetFiles("CommonLua/X/XTemplates/")
		if not rawget(Platform, "ged") then LoadPresetFiles("Lua/XTemplates/") end
	end)
	core.preset_sink = nil
	if not ok then error(err, 0) end
end
LoadXTemplates = core.LoadXTemplates
if FirstLoad or ReloadForDlc then
	function OnMsg.ClassesBuilt()
		-- a game that ships XTemplate.lua loads them from its own handler
		if rawget(_G, "LoadXTemplates") == core.LoadXTemplates then core.LoadXTemplates() end
	end
end
