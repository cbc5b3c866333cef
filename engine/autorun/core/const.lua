-- [core]/const.lua: the const table and the math functions.
local core, prim = ...

const = const or {}
const.Scale = rawget(const, "Scale") or { m = 100, km = 100000, sec = 1000, min = 60000, h = 3600000, percent = 1 }
const.HourDuration = rawget(const, "HourDuration") or 3600000
const.DayDuration = rawget(const, "DayDuration") or 86400000

function Min(a, b, ...) if select("#", ...) > 0 then return Min(a < b and a or b, ...) end return a < b and a or b end
function Max(a, b, ...) if select("#", ...) > 0 then return Max(a > b and a or b, ...) end return a > b and a or b end
function Clamp(x, lo, hi) if x < lo then return lo elseif x > hi then return hi end return x end
function abs(x) return x < 0 and -x or x end
function MulDivRound(a, b, c) return math.floor(a * b / c + 0.5) end
function MulDivTrunc(a, b, c) local r = a * b / c return r < 0 and math.ceil(r) or math.floor(r) end
function DivRound(a, b) return math.floor(a / b + 0.5) end
function sqrt(x) return math.floor(math.sqrt(x)) end
function Lerp(a, b, t, scale) scale = scale or 1000 return a + (b - a) * t / scale end
function AsyncRand(n)
	if n == nil then return prim.rand(2147483647) end
	if type(n) == "table" then return n[prim.rand(#n) + 1] end
	if n <= 0 then return 0 end
	return prim.rand(n)
end
InteractionRand = AsyncRand
function BraidRandom(seed, n) return prim.rand(n or 2147483647) end

-- Constants (ConstDef.lua): DefineConst{ group = "G", id = "X", value = v }
-- sets const.G.X (const.X for the group "Default", the default), creating
-- the group table; an id of "" appends the value to the group. Every
-- definition is kept in Presets.ConstDef by group. It returns the old value.
Presets = Presets or {}
if FirstLoad or type(rawget(Presets, "ConstDef")) ~= "table" then
	Presets.ConstDef = {}
end
local function const_default(type)
	if type == "text" then return "" elseif type == "bool" then return true end
	if type == nil or type == "number" then return 0 end
	return false
end
function DefineConst(obj)
	if type(obj) ~= "table" then
		error("DefineConst: a table { group = ..., id = ..., value = ... } is expected, got " .. type(obj), 2)
	end
	local groups = Presets.ConstDef
	local name = obj.group or "Default"
	local group = groups[name]
	if group then
		group[#group + 1] = obj
	else
		group = { obj }
		groups[name] = group
		groups[#groups + 1] = group
	end
	local cgroup = name == "Default" and const or rawget(const, name)
	if type(cgroup) ~= "table" then
		cgroup = {}
		rawset(const, name, cgroup)
	end
	local value = obj.value
	if value == nil then value = const_default(obj.type) end
	local id = obj.id or ""
	local old
	if id == "" then
		cgroup[#cgroup + 1] = value
	else
		old = rawget(cgroup, id)
		rawset(cgroup, id, value)
		group[id] = obj
	end
	return old
end
function DefineConstFromCode(obj)
	local def_value, def_scale = obj.value, obj.scale
	local group = rawget(Presets.ConstDef, obj.group or "Default")
	local preset = group and obj.id and group[obj.id]
	if preset then
		preset.Comment = obj.Comment
		return
	end
	obj.from_lua = true
	obj.default_value, obj.default_scale = def_value, def_scale
	DefineConst(obj)
end
function DefineConstInt(group, id, value, scale, comment)
	if not scale or scale == "" then scale = 1 end
	value = value * (rawget(const.Scale, scale) or tonumber(scale) or 1)
	DefineConstFromCode{ type = "number", group = group, id = id, value = value, scale = scale, Comment = comment }
end
function DefineConstString(group, id, value, comment)
	DefineConstFromCode{ type = "text", group = group, id = id, value = value, Comment = comment }
end
function DefineConstBool(group, id, value, comment)
	DefineConstFromCode{ type = "bool", group = group, id = id, value = value, Comment = comment }
end
function GetConst(group, name, default)
	local t = rawget(const, group)
	local v = type(t) == "table" and rawget(t, name)
	if v == nil then return default end
	return v
end
-- compatibility (the engine keeps them as no-ops)
LoadCommonConsts = empty_func
LoadDlcConsts = empty_func
