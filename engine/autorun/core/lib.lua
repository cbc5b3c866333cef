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
-- dofolder runs every .lua file under a game folder, recursively, sorted.
function dofolder(folder)
	for _, file in ipairs(prim.list_lua(folder, true)) do dofile(file) end
end
function dofolder_files(folder)
	for _, file in ipairs(prim.list_lua(folder, false)) do dofile(file) end
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

-- localized text: T(id, "text") or T{id, "text"} (the id is optional)
local Tmeta = {
	__tostring = function(t) return t[2] or t[1] or "" end,
	__concat = function(a, b) return tostring(a) .. tostring(b) end,
}
function T(id, text, ...)
	if type(id) == "table" then return setmetatable(id, Tmeta) end
	if text == nil then id, text = nil, id end
	return setmetatable({ id, text }, Tmeta)
end
function _InternalTranslate(t) return tostring(t) end

-- number ranges and sets -------------------------------------------------
local range_meta = { __tostring = function(r) return "range(" .. r.from .. ", " .. r.to .. ")" end }
function range(from, to) return setmetatable({ from = from, to = to }, range_meta) end
function IsRange(r) return getmetatable(r) == range_meta end
function set(...)
	local s = {}
	for i = 1, select("#", ...) do s[select(i, ...)] = true end
	return s
end

-- objects from data: PlaceObj("Class", { "key", value, ... } or { key = value })
Presets = Presets or {}
function PlaceObj(class, props, ...)
	local obj = {}
	if type(props) == "table" then
		local n = #props
		if n % 2 == 0 then
			for i = 1, n, 2 do
				local k = props[i]
				if type(k) == "string" then obj[k] = props[i + 1] else obj[i], obj[i + 1] = props[i], props[i + 1] end
			end
		else
			for i = 1, n do obj[i] = props[i] end
		end
		for k, v in pairs(props) do
			if not (type(k) == "number" and k >= 1 and k <= n and k % 1 == 0) then obj[k] = v end
		end
	end
	local cls = g_Classes and g_Classes[class]
	if cls and type(cls.new) == "function" then
		obj = cls:new(obj)
	else
		obj.class = class
	end
	if type(obj.id) == "string" then
		local group = Presets[class]
		if not group then group = {}; Presets[class] = group end
		group[obj.id] = obj
	end
	return obj
end

-- messages from the engine that game code listens to ---------------------
function GameVar(name, value)
	if rawget(_G, name) == nil then prim.define_global(name, value == nil and false or value) end
end
MapVar = GameVar
PersistableGlobals = PersistableGlobals or {}
config = config or {}
