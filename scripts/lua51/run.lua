-- scripts/lua51/run.lua: the C Lua 5.1 reference runner for benchmarks.
--
--   lua5.1 scripts/lua51/run.lua DIR [--reload N] [--quiet] [--platform pc,desktop]
--
-- Runs a game folder of the autorun model (docs/autorun.md) the way modscope
-- does in stub mode, with a minimal core runtime written here: stubbed engine
-- calls (undefined globals become recording stand-ins), DefineClass in both
-- forms with classes built at Autorun, OnMsg/Msg, PlaceObj, the table and
-- string helpers, T, const, Platform, threads on coroutines, and per-mod
-- environments through setfenv. Every file runs in the autorun order (files
-- sorted by path, a folder's files before its subfolders), the same order
-- the Go engine uses. --reload N then runs ReloadLua N times and times it.
-- It prints one line per failed file and a summary; exit status 0.

local clock = os.clock
local wall_start = os.time()
os.setlocale("C")

local argv = { ... }
local root, quiet, reloads, platforms = nil, false, 0, { "pc", "desktop" }
do
	local i = 1
	while i <= #argv do
		local a = argv[i]
		if a == "--quiet" then
			quiet = true
		elseif a == "--reload" then
			i = i + 1
			reloads = tonumber(argv[i]) or 1
		elseif a == "--platform" then
			i = i + 1
			platforms = {}
			for p in string.gmatch(argv[i] or "", "[^,]+") do platforms[#platforms + 1] = p end
		elseif root == nil then
			root = a
		else
			io.stderr:write("run.lua: unexpected argument " .. a .. "\n")
			os.exit(2)
		end
		i = i + 1
	end
end
if not root then
	io.stderr:write("usage: lua5.1 scripts/lua51/run.lua DIR [--reload N] [--quiet] [--platform pc,desktop]\n")
	os.exit(2)
end
root = root:gsub("/+$", "")

----------------------------------------------------------------------------
-- The folder: one `find`, then a tree walked in the engine's order.

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local tree = { files = {}, dirs = {} } -- name -> node
do
	local p = io.popen("cd " .. shell_quote(root) .. " && LC_ALL=C find . -type f -iname '*.lua'")
	for line in p:lines() do
		local rel = line:gsub("^%./", "")
		local node = tree
		local parts = {}
		for part in string.gmatch(rel, "[^/]+") do parts[#parts + 1] = part end
		for i = 1, #parts - 1 do
			local d = node.dirs[parts[i]]
			if not d then
				d = { files = {}, dirs = {} }
				node.dirs[parts[i]] = d
			end
			node = d
		end
		node.files[parts[#parts]] = rel
	end
	p:close()
end

local function node_at(rel)
	local node = tree
	for part in string.gmatch(rel, "[^/]+") do
		node = node.dirs[part]
		if not node then return nil end
	end
	return node
end

local function sorted_keys(t)
	local keys = {}
	for k in pairs(t) do keys[#keys + 1] = k end
	table.sort(keys)
	return keys
end

-- list_lua returns the .lua files under rel: sorted, files before subfolders.
local function list_lua(rel, recursive)
	local out = {}
	local function walk(node)
		for _, name in ipairs(sorted_keys(node.files)) do out[#out + 1] = node.files[name] end
		if recursive then
			for _, name in ipairs(sorted_keys(node.dirs)) do walk(node.dirs[name]) end
		end
	end
	local node = node_at(rel)
	if node then walk(node) end
	return out
end

local function subdirs(rel)
	local node = node_at(rel)
	return node and sorted_keys(node.dirs) or {}
end

local function read_file(rel)
	local f = io.open(root .. "/" .. rel, "rb")
	if not f then return nil end
	local s = f:read("*a")
	f:close()
	return s
end

----------------------------------------------------------------------------
-- Bookkeeping.

local stats = { ok = 0, failed = 0, handler_errors = 0, classes = 0, stub_calls = 0 }
local failures = {}
local stubs = {} -- name -> { calls = n, first = "file:line" }
local current_file = "?"

local function where(level)
	local info = debug.getinfo(level + 1, "Sl")
	if info and info.currentline and info.currentline > 0 then
		return info.short_src .. ":" .. info.currentline
	end
	return current_file
end

----------------------------------------------------------------------------
-- Engine stand-ins: userdata (so that # works) that record every use.

local stub_names = setmetatable({}, { __mode = "k" })
local stub_proto = newproxy(true)
local stub_meta = getmetatable(stub_proto)

local function touch(name, call)
	local r = stubs[name]
	if not r then
		r = { calls = 0, first = where(3) }
		stubs[name] = r
	end
	if call then
		r.calls = r.calls + 1
		stats.stub_calls = stats.stub_calls + 1
	end
end

local function stub(name)
	local p = newproxy(stub_proto)
	stub_names[p] = name
	return p
end

stub_meta.__index = function(s, k)
	local base = stub_names[s]
	touch(base, false)
	return stub(base .. "." .. tostring(k))
end
stub_meta.__newindex = function() end
stub_meta.__call = function(s)
	local base = stub_names[s]
	touch(base, true)
	return stub(base .. "()")
end
local function arith(a, b)
	local n = stub_names[a] or stub_names[b]
	touch(n, false)
	return stub(n)
end
for _, ev in ipairs({ "__add", "__sub", "__mul", "__div", "__mod", "__pow", "__unm" }) do stub_meta[ev] = arith end
stub_meta.__concat = function(a, b) return tostring(a) .. tostring(b) end
stub_meta.__tostring = function(s) return "stub:" .. stub_names[s] end
stub_meta.__len = function() return 0 end

----------------------------------------------------------------------------
-- The core runtime (what the games' own core library provides).

-- Messages.
local handlers = {} -- name -> list of functions
local waiters = {}  -- name -> list of threads
local handler_depth = 0

OnMsg = setmetatable({}, {
	__newindex = function(_, name, fn)
		local list = handlers[name]
		if not list then
			list = {}
			handlers[name] = list
		end
		list[#list + 1] = fn
	end,
	__index = function() return nil end,
})

local threads = {}       -- list of { co, wake, status }
local thread_rec = {}    -- co -> rec
local real_time = 0

local function resume(rec, ...)
	local ok, err = coroutine.resume(rec.co, ...)
	if not ok then
		stats.handler_errors = stats.handler_errors + 1
		failures[#failures + 1] = "thread: " .. tostring(err)
	end
	if coroutine.status(rec.co) == "dead" then
		rec.status = "dead"
		thread_rec[rec.co] = nil
	end
end

function Msg(name, ...)
	local list = handlers[name]
	if list then
		handler_depth = handler_depth + 1
		for i = 1, #list do
			local ok, err = pcall(list[i], ...)
			if not ok then
				stats.handler_errors = stats.handler_errors + 1
				failures[#failures + 1] = "handler " .. tostring(name) .. ": " .. tostring(err)
			end
		end
		handler_depth = handler_depth - 1
	end
	local w = waiters[name]
	if w then
		waiters[name] = nil
		for _, rec in ipairs(w) do
			if rec.status == "msg" then
				rec.status = "ready"
				resume(rec, true, ...)
			end
		end
	end
end

function MsgClear(name) handlers[name] = nil end

-- Threads on a virtual clock that only moves when told to.
local function create(f, ...)
	local args, n = { ... }, select("#", ...)
	local co = coroutine.create(function() return f(unpack(args, 1, n)) end)
	local rec = { co = co, wake = real_time, status = "ready" }
	threads[#threads + 1] = rec
	thread_rec[co] = rec
	return co
end
CreateRealTimeThread = create
CreateGameTimeThread = create
function CurrentThread() return coroutine.running() end
function IsValidThread(t) return t ~= nil and thread_rec[t] ~= nil end
function GetThreadStatus(t) local r = thread_rec[t] return r and r.status or "dead" end
function DeleteThread(t) local r = thread_rec[t] if r then r.status = "dead" thread_rec[t] = nil end end
function RealTime() return real_time end
function GameTime() return 0 end
function now() return real_time end

local function current_rec(what)
	local co = coroutine.running()
	local rec = co and thread_rec[co]
	if not rec then error(what .. ": not called from a thread", 3) end
	if handler_depth > 0 then error(what .. ": message handlers cannot sleep", 3) end
	return rec
end
function Sleep(ms)
	local rec = current_rec("Sleep")
	rec.status, rec.wake = "sleeping", real_time + (tonumber(ms) or 0)
	return coroutine.yield()
end
function WaitWakeup(timeout)
	local rec = current_rec("WaitWakeup")
	rec.status, rec.wake = "wakeup", timeout and real_time + timeout or nil
	return coroutine.yield()
end
function Wakeup(t, ...)
	local rec = thread_rec[t]
	if rec and rec.status == "wakeup" then rec.status = "ready" resume(rec, ...) end
end
function WaitMsg(name, timeout)
	local rec = current_rec("WaitMsg")
	rec.status, rec.wake = "msg", timeout and real_time + timeout or nil
	local w = waiters[name]
	if not w then w = {} waiters[name] = w end
	w[#w + 1] = rec
	return coroutine.yield()
end
function Halt() error("Halt", 2) end

-- run_threads runs the threads that are due now (end of every step).
local function run_threads()
	local i = 1
	while i <= #threads do
		local rec = threads[i]
		if rec.status == "ready" or (rec.status == "sleeping" and rec.wake <= real_time) then
			rec.status = "running"
			resume(rec)
		end
		i = i + 1
	end
	local live = {}
	for _, rec in ipairs(threads) do if rec.status ~= "dead" then live[#live + 1] = rec end end
	threads = live
end

-- Printing.
function printf(fmt, ...) print(string.format(fmt, ...)) end
DebugPrint = print
function empty_func() end
function return_true() return true end
function return_false() return false end
empty_table = setmetatable({}, { __newindex = function() error("empty_table is read-only", 2) end })

-- Tables.
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
	for i = #t, 1, -1 do if t[i] == value then return table.remove(t, i) end end
end
function table.insert_unique(t, value)
	if not table.find(t, value) then t[#t + 1] = value return true end
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
local function any_less(a, b)
	local ta, tb = type(a), type(b)
	if ta == tb and (ta == "number" or ta == "string") then return a < b end
	return tostring(a) < tostring(b)
end
function table.keys(t, sorted)
	local out = {}
	for k in pairs(t or empty_table) do out[#out + 1] = k end
	if sorted then table.sort(out, any_less) end
	return out
end
function table.keys2(t, sorted, ...)
	local out = table.keys(t, sorted)
	for i = 1, select("#", ...) do table.remove_value(out, (select(i, ...))) end
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
	for k, v in pairs(t or empty_table) do if not fn or fn(k, v) then n = n + 1 end end
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
function table.clear(t) for k in pairs(t) do t[k] = nil end return t end
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
function table.rand(t)
	if #t == 0 then return nil end
	local i = math.random(#t)
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
function sorted_pairs(t)
	local keys, i = table.keys(t, true), 0
	return function()
		i = i + 1
		local k = keys[i]
		if k ~= nil then return k, t[k] end
	end
end

-- Strings.
function string.starts_with(s, prefix) return s:sub(1, #prefix) == prefix end
function string.ends_with(s, suffix) return suffix == "" or s:sub(-#suffix) == suffix end
function string.split(s, sep)
	local out, start = {}, 1
	sep = sep or ","
	while true do
		local i, j = string.find(s, sep, start, true)
		if not i then out[#out + 1] = s:sub(start) break end
		out[#out + 1] = s:sub(start, i - 1)
		start = j + 1
	end
	return out
end

-- Localized text.
local Tmeta = {
	__tostring = function(t) return t[2] or t[1] or "" end,
	__concat = function(a, b) return tostring(a) .. tostring(b) end,
}
function T(id, text)
	if type(id) == "table" then return setmetatable(id, Tmeta) end
	if text == nil then id, text = nil, id end
	return setmetatable({ id, text }, Tmeta)
end
function _InternalTranslate(t) return tostring(t) end

-- const and math.
const = { Scale = { m = 100, km = 100000, sec = 1000, min = 60000, h = 3600000, percent = 1 },
	HourDuration = 3600000, DayDuration = 86400000 }
function Min(a, b, ...) if select("#", ...) > 0 then return Min(a < b and a or b, ...) end return a < b and a or b end
function Max(a, b, ...) if select("#", ...) > 0 then return Max(a > b and a or b, ...) end return a > b and a or b end
function Clamp(x, lo, hi) if x < lo then return lo elseif x > hi then return hi end return x end
function abs(x) return x < 0 and -x or x end
function MulDivRound(a, b, c) return math.floor(a * b / c + 0.5) end
function MulDivTrunc(a, b, c) local r = a * b / c return r < 0 and math.ceil(r) or math.floor(r) end
function DivRound(a, b) return math.floor(a / b + 0.5) end
math.randomseed(1)
function AsyncRand(n)
	if n == nil then return math.random(0, 2147483646) end
	if type(n) == "table" then return n[math.random(#n)] end
	if n <= 0 then return 0 end
	return math.random(0, n - 1)
end
InteractionRand = AsyncRand

-- Classes.
local classdefs, class_order = {}, {}
g_Classes = {}

local function declare(name, def)
	if type(name) ~= "string" or type(def) ~= "table" then error("DefineClass: bad arguments", 3) end
	def.__parents = def.__parents or {}
	def.class = name
	if not classdefs[name] then class_order[#class_order + 1] = name end
	classdefs[name] = { def = def, where = where(3) }
	rawset(_G, name, def)
	return def
end
DefineClass = setmetatable({}, {
	__newindex = function(_, name, def) declare(name, def) end,
	__call = function(_, name, ...) return declare(name, { __parents = { ... } }) end,
})

local skip = { __parents = true, class = true, __index = true, __ancestors = true }
local function new(class, obj)
	obj = obj or {}
	setmetatable(obj, class)
	local init = class.Init
	if type(init) == "function" then init(obj) end
	return obj
end
local function delete(obj)
	local done = obj.Done
	if type(done) == "function" then done(obj) end
	rawset(obj, "__deleted", true)
end

local function build_classes()
	local state, built = {}, 0
	local function build(name)
		local st = state[name]
		if st == "built" then return true end
		if st then return false end
		local rec = classdefs[name]
		state[name] = "building"
		local def = rec.def
		local ancestors = {}
		for _, parent in ipairs(def.__parents) do
			if not classdefs[parent] then
				stats.handler_errors = stats.handler_errors + 1
				failures[#failures + 1] = rec.where .. ": class " .. name .. ": parent " .. tostring(parent) .. " is not defined"
			elseif build(parent) then
				local p = classdefs[parent].def
				ancestors[parent] = true
				for a in pairs(p.__ancestors) do ancestors[a] = true end
				for k, v in pairs(p) do
					if not skip[k] and rawget(def, k) == nil then rawset(def, k, v) end
				end
			end
		end
		rawset(def, "__ancestors", ancestors)
		rawset(def, "__index", def)
		if rawget(def, "new") == nil then rawset(def, "new", new) end
		if rawget(def, "delete") == nil then rawset(def, "delete", delete) end
		g_Classes[name] = def
		state[name] = "built"
		built = built + 1
		return true
	end
	for _, name in ipairs(class_order) do build(name) end
	stats.classes = built
end

function IsKindOf(obj, name)
	if type(obj) ~= "table" then return false end
	local class = getmetatable(obj)
	if type(class) ~= "table" or not rawget(class, "__ancestors") then
		class = obj
		if not rawget(class, "__ancestors") then return false end
	end
	return class.class == name or class.__ancestors[name] == true
end
function IsValid(obj) return type(obj) == "table" and rawget(obj, "__deleted") == nil end

-- Objects from data.
Presets = {}
function PlaceObj(class, props)
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
	local cls = g_Classes[class]
	if cls and type(cls.new) == "function" then obj = cls:new(obj) else obj.class = class end
	if type(obj.id) == "string" then
		local group = Presets[class]
		if not group then group = {} Presets[class] = group end
		group[obj.id] = obj
	end
	return obj
end

CurrentMap = ""
function GetMapName() return CurrentMap end
AccountStorage = false

----------------------------------------------------------------------------
-- Stub mode: a read of an undefined global yields a recording stand-in.
-- (The Go engine looks at the code to tell a tested read, which gets nil,
-- from a used one; here names starting with g_ are tested reads, which is
-- the only way the generated trees test an undefined global.)

setmetatable(_G, {
	__index = function(_, k)
		if type(k) ~= "string" or k:sub(1, 2) == "g_" then return nil end
		touch(k, false)
		return stub(k)
	end,
})

----------------------------------------------------------------------------
-- Running files.

local G = _G

local function exec(rel, env)
	current_file = rel
	local src = read_file(rel)
	local ok, err
	if not src then
		ok, err = false, "cannot read"
	else
		if src:sub(1, 3) == "\239\187\191" then src = src:sub(4) end
		local fn, cerr = loadstring(src, "@" .. rel)
		if not fn then
			ok, err = false, cerr
		else
			setfenv(fn, env or G)
			ok, err = xpcall(fn, debug.traceback)
		end
	end
	if ok then
		stats.ok = stats.ok + 1
	else
		stats.failed = stats.failed + 1
		-- Lua shortens long chunk names ("...ods/x.lua:3:"); print the path whole.
		err = tostring(err):match("^[^\n]*")
		local line, msg = err:match("^.-:(%d+): (.*)$")
		failures[#failures + 1] = "FAIL " .. rel .. ":" .. (line and line .. ": " .. msg or " " .. err)
	end
	return ok
end

local function exec_all(files, env)
	for _, f in ipairs(files) do exec(f, env) end
end

-- Mods: metadata in a bare environment, then dependency order (Kahn's
-- algorithm keeping folder order among independent mods).
local function read_mods()
	local mods, by_id = {}, {}
	for _, folder in ipairs(subdirs("Mods")) do
		local meta = "Mods/" .. folder .. "/metadata.lua"
		local src = read_file(meta)
		local fn = src and loadstring(src, "@" .. meta)
		if fn then
			setfenv(fn, { PlaceObj = function(class, props)
				local o = {}
				for i = 1, #props, 2 do o[props[i]] = props[i + 1] end
				for k, v in pairs(props) do if type(k) ~= "number" then o[k] = v end end
				o.class = class
				return o
			end, T = T })
			local ok, def = pcall(fn)
			if ok and type(def) == "table" and type(def.id) == "string" and not by_id[def.id] then
				def.folder = "Mods/" .. folder
				mods[#mods + 1] = def
				by_id[def.id] = def
			else
				failures[#failures + 1] = "mod " .. folder .. ": bad metadata.lua"
			end
		end
	end
	local skipped, changed = {}, true
	while changed do
		changed = false
		for _, d in ipairs(mods) do
			if not skipped[d.id] then
				for _, dep in ipairs(d.dependencies or {}) do
					if not by_id[dep.id] or skipped[dep.id] then
						skipped[d.id] = true
						changed = true
						failures[#failures + 1] = "mod " .. d.id .. ": missing dependency " .. tostring(dep.id)
						break
					end
				end
			end
		end
	end
	local live, pos, indeg, users = {}, {}, {}, {}
	for _, d in ipairs(mods) do if not skipped[d.id] then live[#live + 1] = d pos[d.id] = #live end end
	for _, d in ipairs(live) do
		indeg[d.id] = 0
		local seen = {}
		for _, dep in ipairs(d.dependencies or {}) do
			if not seen[dep.id] then
				seen[dep.id] = true
				indeg[d.id] = indeg[d.id] + 1
				users[dep.id] = users[dep.id] or {}
				table.insert(users[dep.id], d)
			end
		end
	end
	local ready, out = {}, {}
	for _, d in ipairs(live) do if indeg[d.id] == 0 then ready[#ready + 1] = d end end
	while #ready > 0 do
		table.sort(ready, function(a, b) return pos[a.id] < pos[b.id] end)
		local d = table.remove(ready, 1)
		out[#out + 1] = d
		for _, u in ipairs(users[d.id] or {}) do
			indeg[u.id] = indeg[u.id] - 1
			if indeg[u.id] == 0 then ready[#ready + 1] = u end
		end
	end
	if #out < #live then failures[#failures + 1] = "mods in a dependency cycle were skipped" end
	return out
end

local mods = {}
local mod_envs, mod_loaded = {}, {}

local function mod_env(d)
	local env = mod_envs[d.id]
	if not env then
		env = setmetatable({}, { __index = G, __newindex = G })
		mod_envs[d.id] = env
	end
	env.CurrentModId = d.id
	env.CurrentModPath = d.folder .. "/"
	env.CurrentModDef = d
	return env
end

local first_load = true
local steps = {}

-- The steps of autorun (3-10), and on the first load 11.
local function autorun()
	local function step(name, fn)
		local t = clock()
		fn()
		run_threads()
		steps[#steps + 1] = { name = name, ms = (clock() - t) * 1000 }
	end
	step("autorun.lua begins", function()
		Loading = true
		if first_load then FirstLoad = true end
	end)
	step("Msg", function()
		handlers, waiters = {}, {}
		classdefs, class_order = {}, {}
	end)
	step("CommonLua", function() exec_all(list_lua("CommonLua", false)) end)
	step("CommonLua/Classes", function() exec_all(list_lua("CommonLua/Classes", true)) end)
	step("CommonLua/UI", function() exec_all(list_lua("CommonLua/UI", true)) end)
	step("CommonLua/Platforms", function()
		for _, p in ipairs(subdirs("CommonLua/Platforms")) do
			if Platform[p] then exec_all(list_lua("CommonLua/Platforms/" .. p, true)) end
		end
	end)
	step("Game Lua", function() exec_all(list_lua("Lua", true)) end)
	step("DLC Lua", function()
		for _, d in ipairs(subdirs("DLC")) do exec_all(list_lua("DLC/" .. d .. "/Code", true)) end
	end)
	step("Mod Lua", function()
		mods = read_mods()
		for _, d in ipairs(mods) do
			local env = mod_env(d)
			env.FirstLoad = not mod_loaded[d.id]
			mod_loaded[d.id] = true
			for _, f in ipairs(d.code or {}) do exec(d.folder .. "/" .. f, env) end
		end
	end)
	step("Post load", function()
		-- The core's own Autorun handlers come first, the last one last.
		local game = handlers.Autorun or {}
		local list = { function() build_classes() Msg("ClassesBuilt") end }
		for _, h in ipairs(game) do list[#list + 1] = h end
		list[#list + 1] = function()
			Loading = false
			if first_load then
				FirstLoad = false
				for _, env in pairs(mod_envs) do env.FirstLoad = false end
				Msg("Start")
			end
		end
		handlers.Autorun = list
		Msg("Autorun")
		for _, env in pairs(mod_envs) do env.FirstLoad = false end
	end)
	if first_load then
		step("Data", function()
			exec_all(list_lua("CommonLua/Data", true))
			exec_all(list_lua("Data", true))
			for _, d in ipairs(subdirs("DLC")) do exec_all(list_lua("DLC/" .. d .. "/Presets", true)) end
			Msg("DataLoaded")
			-- each mod's items.lua after the data, as modscope's "Mod items" step
			for _, d in ipairs(mods) do
				local items = d.folder .. "/items.lua"
				if read_file(items) then exec(items, mod_env(d)) end
			end
			if not AccountStorage then AccountStorage = {} end
			for _, d in ipairs(mods) do
				for _, l in ipairs(d.loctables or {}) do
					local f = type(l) == "table" and l.filename or l
					read_file(d.folder .. "/" .. f)
				end
			end
		end)
	end
	first_load = false
end

-- Step 1 and 2: the environment and the Platform table.
Platform = {}
for _, p in ipairs(platforms) do Platform[p] = true end

local t0 = clock()
autorun()
local load_s = clock() - t0

local function summary(label, secs)
	local n = 0
	for _ in pairs(stubs) do n = n + 1 end
	local nh = 0
	for _, list in pairs(handlers) do nh = nh + #list end
	print(string.format("lua5.1 %s: files ok=%d failed=%d handler_errors=%d classes=%d handlers=%d stubs=%d stub_calls=%d cpu=%.3fs",
		label, stats.ok, stats.failed, stats.handler_errors, stats.classes, nh, n, stats.stub_calls, secs))
end

if not quiet then
	for _, s in ipairs(steps) do print(string.format("step %-22s %8.1f ms", s.name, s.ms)) end
end
for _, f in ipairs(failures) do print(f) end
summary("load", load_s)

for i = 1, reloads do
	failures, steps = {}, {}
	stats.ok, stats.failed, stats.handler_errors = 0, 0, 0
	local t = clock()
	Msg("ReloadLua")
	autorun()
	for _, f in ipairs(failures) do print(f) end
	summary("reload " .. i, clock() - t)
end
io.stdout:flush()
