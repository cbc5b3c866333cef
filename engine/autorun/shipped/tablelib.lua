-- The engine's C extensions of the table and string libraries, as
-- documented in the game's CommonLua/LuaExportedDocs (table.lua,
-- string.lua): modscope's own implementations, installed only where the
-- field is missing (the game's Lua may define more on top). They have the
-- same meaning outside the game, so they are real, not stand-ins.
-- Chunk "=[modscope]/tablelib.lua".
local t, s = table, string
local type, pairs, next, select, rawget, rawset = type, pairs, next, select, rawget, rawset
local sort, lower, sub = table.sort, string.lower, string.sub
local function def(lib, name, f) if rawget(lib, name) == nil then rawset(lib, name, f) end end

local function matches(v, field, value)
	if value == nil then return v == field end
	return type(v) == "table" and v[field] == value
end

def(t, "find", function(array, field, value)
	if not array then return end
	for i = 1, #array do
		if matches(array[i], field, value) then return i end
	end
end)
def(t, "ifind", function(array, ...)
	if not array then return end
	local n = select("#", ...)
	for i = 1, #array do
		local sa, ok = array[i], true
		for j = 1, n do
			if type(sa) ~= "table" or sa[j] ~= select(j, ...) then ok = false break end
		end
		if ok then return sa, i end
	end
end)
def(t, "findfirst", function(array, predicate, ...)
	if not array then return end
	for i = 1, #array do
		if predicate(i, array[i], ...) then return i end
	end
end)
def(t, "count", function(tbl, field_or_fn, value, ...)
	local n = 0
	if not tbl then return 0 end
	for k, v in pairs(tbl) do
		if field_or_fn == nil then n = n + 1
		elseif type(field_or_fn) == "function" then
			if field_or_fn(k, v, value, ...) then n = n + 1 end
		elseif matches(v, field_or_fn, value) then n = n + 1 end
	end
	return n
end)
def(t, "icount", function(array, field_or_fn, value, ...)
	local n = 0
	if not array then return 0 end
	for i = 1, #array do
		local v = array[i]
		if field_or_fn == nil then n = n + 1
		elseif type(field_or_fn) == "function" then
			if field_or_fn(i, v, value, ...) then n = n + 1 end
		elseif matches(v, field_or_fn, value) then n = n + 1 end
	end
	return n
end)
def(t, "sortby_field", function(array, field)
	sort(array, function(a, b) return a[field] < b[field] end)
	return array
end)
def(t, "sortby_field_descending", function(array, field)
	sort(array, function(a, b) return a[field] > b[field] end)
	return array
end)
def(t, "set", function(tbl, ...)
	local n = select("#", ...)
	if n < 2 then return end
	local cur = tbl
	for i = 1, n - 2 do
		local k = select(i, ...)
		local nxt = cur[k]
		if nxt == nil then nxt = {} cur[k] = nxt end
		cur = nxt
	end
	cur[select(n - 1, ...)] = select(n, ...)
	return tbl
end)
def(t, "get", function(tbl, ...)
	local cur = tbl
	for i = 1, select("#", ...) do
		if type(cur) ~= "table" then return nil end
		cur = cur[select(i, ...)]
	end
	return cur
end)
def(t, "fget", function(tbl, key, call, ...)
	if type(tbl) ~= "table" then return nil end
	local v = tbl[key]
	if call == "()" then
		v = v and v(tbl)
		if select("#", ...) > 0 and type(v) == "table" then v = v[(...)] end
	elseif call == "(" then
		local args, n, rest = {}, 0, nil
		for i = 1, select("#", ...) do
			local a = select(i, ...)
			if a == ")" then rest = i + 1 break end
			n = n + 1 args[n] = a
		end
		v = v and v(tbl, table.unpack(args, 1, n))
		if rest and rest <= select("#", ...) and type(v) == "table" then v = v[(select(rest, ...))] end
	elseif call ~= nil and type(v) == "table" then
		v = v[call]
	end
	return v
end)
def(t, "clear", function(tbl)
	if tbl then
		for k in pairs(tbl) do tbl[k] = nil end
	end
	return tbl
end)
def(t, "iclear", function(tbl, from)
	if tbl then
		for i = #tbl, from or 1, -1 do tbl[i] = nil end
	end
	return tbl
end)
def(t, "iequal", function(a, b)
	if a == b then return true end
	if type(a) ~= "table" or type(b) ~= "table" or #a ~= #b then return false end
	for i = 1, #a do
		if a[i] ~= b[i] then return false end
	end
	return true
end)
local function icopy(tbl, deep)
	local c = {}
	if not tbl then return c end
	if deep == nil then deep = true end
	for i = 1, #tbl do
		local v = tbl[i]
		if deep and type(v) == "table" then v = icopy(v, deep) end
		c[i] = v
	end
	return c
end
def(t, "icopy", icopy)
local function key_less(a, b)
	local ta, tb = type(a), type(b)
	if ta ~= tb then return ta < tb end
	if ta == "number" or ta == "string" then return a < b end
	return tostring(a) < tostring(b)
end
def(t, "keys", function(tbl, sorted)
	local res = {}
	if tbl and next(tbl) ~= nil then
		for k in pairs(tbl) do res[#res + 1] = k end
		if sorted then sort(res, key_less) end
	end
	return res
end)
def(t, "invert", function(tbl)
	local r = {}
	for k, v in pairs(tbl or {}) do r[v] = k end
	return r
end)
local function equal_values(a, b)
	if a == b then return true end
	if type(a) ~= "table" or type(b) ~= "table" then return false end
	for k, v in pairs(a) do
		if not equal_values(v, b[k]) then return false end
	end
	for k in pairs(b) do
		if a[k] == nil then return false end
	end
	return true
end
def(t, "equal_values", equal_values)
def(t, "append", function(t1, t2, forced)
	for k, v in pairs(t2 or {}) do
		if forced or t1[k] == nil then t1[k] = v end
	end
	return t1
end)
def(t, "overwrite", function(t1, t2)
	for k, v in pairs(t2 or {}) do t1[k] = v end
	return t1
end)
def(t, "set_values", function(raw, dest, src, ...)
	if type(raw) == "table" then -- set_values(dest, src, key1, ...)
		local d, sr = raw, dest
		for i = 1, select("#", src, ...) do
			local k = select(i, src, ...)
			d[k] = sr[k]
		end
		return d
	end
	for i = 1, select("#", ...) do
		local k = select(i, ...)
		if raw then rawset(dest, k, rawget(src, k)) else dest[k] = src[k] end
	end
	return dest
end)
def(t, "rawset_values", function(dest, src, ...)
	for i = 1, select("#", ...) do
		local k = select(i, ...)
		rawset(dest, k, rawget(src, k))
	end
	return dest
end)

local function cased(str, ci) return ci and lower(str) or str end
def(s, "starts_with", function(str, prefix, ci)
	if type(str) ~= "string" or type(prefix) ~= "string" then return false end
	return sub(cased(str, ci), 1, #prefix) == cased(prefix, ci)
end)
def(s, "ends_with", function(str, suffix, ci)
	if type(str) ~= "string" or type(suffix) ~= "string" then return false end
	return suffix == "" or sub(cased(str, ci), -#suffix) == cased(suffix, ci)
end)
def(s, "find_lower", function(str, what, start)
	return s.find(lower(str), lower(what), start or 1, true)
end)
def(s, "cmp_lower", function(a, b)
	a, b = lower(a), lower(b)
	if a == b then return 0 end
	return a < b and -1 or 1
end)
def(s, "concat", function(sep, ...)
	local parts = {}
	for i = 1, select("#", ...) do
		parts[i] = tostring((select(i, ...)))
	end
	return table.concat(parts, sep)
end)
