-- scripts/lua51/run.lua: the C Lua 5.1 reference runner for benchmarks.
--
--   lua5.1 scripts/lua51/run.lua DIR [--reload N] [--quiet] [--platform pc,desktop]
--
-- Runs a game folder of the autorun model (docs/autorun.md) the way modscope
-- does in stub mode, with the same core runtime: it loads modscope's own
-- engine/autorun/core/*.lua (msg, lib, threads, const, classes, mods, post:
-- the message system, the class build with ClassesGenerate, Preprocess,
-- Postprocess, Built and PostBuilt, PlaceObj, T, const, threads, mod
-- environments), giving them in Lua the primitives modscope gives them in Go
-- (engine/autorun/runtime.go: `prim`), and runs the steps of a first load in
-- the order of engine/autorun/model.go (FirstLoadSteps), the files of each
-- folder in the engine's dofolder order (__load.lua alone, files then
-- subfolders, case-insensitive, "__" names skipped). Undefined globals become
-- recording stand-ins (stub mode). --reload N then runs ReloadLua N times and
-- times it. It prints one line per failure and a summary; exit status 0.
--
-- What is not the same as modscope: no provenance, conflict or report
-- recording; a read of an undefined global is taken for a test (nil) when its
-- name starts with g_ or the read is in the core runtime (modscope looks at
-- the code); AsyncRand draws from C's random, not Go's.

local clock = os.clock
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

-- modscope's core runtime, next to this script: ../../engine/autorun/core/.
local core_dir
do
	local me = debug.getinfo(1, "S").source:gsub("^@", "")
	local dir = me:match("^(.*)/[^/]*$") or "."
	core_dir = dir .. "/../../engine/autorun/core/"
end

----------------------------------------------------------------------------
-- The folder: one `find`, then the engine's folder order (order.go).

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local tree = { files = {}, dirs = {} } -- name -> node
local exists = {}
do
	local p = io.popen("cd " .. shell_quote(root) .. " && LC_ALL=C find . -type f -iname '*.lua'")
	for line in p:lines() do
		local rel = line:gsub("^%./", "")
		exists[rel] = true
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

local function cmp_lower(a, b)
	local la, lb = a:lower(), b:lower()
	if la ~= lb then return la < lb end
	return a < b
end
local function sorted_keys(t, less)
	local keys = {}
	for k in pairs(t) do keys[#keys + 1] = k end
	table.sort(keys, less)
	return keys
end

local function join(dir, name) return dir == "" and name or dir .. "/" .. name end

-- The engine's dofolder, dofolder_files and dofolder_folders orders: a list
-- of { path, arg } (arg: the folder a __load.lua gets).
local order_files, order_folders
local function order_all(node, dir, out, depth)
	if depth > 64 then return end
	for name, rel in pairs(node.files) do
		if name:lower() == "__load.lua" then out[#out + 1] = { rel, dir } return end
	end
	order_files(node, dir, out)
	order_folders(node, dir, out, depth)
end
function order_files(node, dir, out)
	for _, name in ipairs(sorted_keys(node.files, cmp_lower)) do
		if name:sub(1, 2) ~= "__" then out[#out + 1] = { node.files[name] } end
	end
end
function order_folders(node, dir, out, depth)
	for _, name in ipairs(sorted_keys(node.dirs, cmp_lower)) do
		if name:sub(1, 2) ~= "__" then order_all(node.dirs[name], join(dir, name), out, depth + 1) end
	end
end
local function folder_order(folder, mode)
	folder = folder:gsub("\\", "/"):gsub("/+$", "")
	local out = {}
	local node = node_at(folder)
	if node then
		if mode == "files" then order_files(node, folder, out)
		elseif mode == "folders" then order_folders(node, folder, out, 0)
		else order_all(node, folder, out, 0) end
	end
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

local stats = { ok = 0, failed = 0, handler_errors = 0, errors = 0, classes = 0, stub_calls = 0 }
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

-- where_outside_core: the innermost Lua frame that is not the core
-- runtime's (engine.WhereIn(L, "[core]/")).
local function where_outside_core()
	for lv = 3, 40 do
		local info = debug.getinfo(lv, "Sl")
		if not info then break end
		if info.currentline and info.currentline > 0 and info.short_src:sub(1, 7) ~= "[core]/" then
			return info.short_src .. ":" .. info.currentline
		end
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
-- Running files.

local G = _G

local function fail(rel, err)
	stats.failed = stats.failed + 1
	-- Lua shortens long chunk names ("...ods/x.lua:3:"); print the path whole.
	err = tostring(err):match("^[^\n]*")
	local line, msg = err:match("^.-:(%d+): (.*)$")
	failures[#failures + 1] = "FAIL " .. rel .. ":" .. (line and line .. ": " .. msg or " " .. err)
end

-- exec runs one file of the game in env (the globals by default), protected,
-- and returns whether it ran and its results.
local function exec(rel, env, ...)
	local saved = current_file
	current_file = rel
	local src = read_file(rel)
	local res
	if not src then
		res = { false, "cannot read" }
	else
		if src:sub(1, 3) == "\239\187\191" then src = src:sub(4) end
		local fn, cerr = loadstring(src, "@" .. rel)
		if not fn then
			res = { false, cerr }
		else
			setfenv(fn, env or G)
			local args, n = { ... }, select("#", ...)
			res = { xpcall(function() return fn(unpack(args, 1, n)) end, debug.traceback) }
		end
	end
	current_file = saved
	if res[1] then
		stats.ok = stats.ok + 1
	else
		fail(rel, res[2])
	end
	return res
end

local function run(list, env)
	for _, f in ipairs(list) do
		if f[2] then exec(f[1], env, f[2]) else exec(f[1], env) end
	end
end

----------------------------------------------------------------------------
-- The primitives modscope's Go side gives the core runtime (runtime.go),
-- here in Lua.

local core, prim = {}, {}
local handlers = {} -- name -> list of functions, in registration order
local handler_depth = 0
local real_time, game_time = 0, 0
local map_running, paused = false, false

local function class_error(w, msg)
	stats.errors = stats.errors + 1
	failures[#failures + 1] = tostring(w) .. ": " .. tostring(msg)
end

function prim.register(name, handler)
	if name == nil then error("OnMsg: the message name is nil", 2) end
	if handler == nil then return end
	if type(handler) ~= "function" then
		if stub_names[handler] then return end -- an engine function as handler does nothing here
		error("OnMsg." .. tostring(name) .. ": a handler must be a function, got " .. type(handler), 2)
	end
	local list = handlers[name]
	if not list then
		list = {}
		handlers[name] = list
	end
	list[#list + 1] = handler
end

local function call_handlers(list, ...)
	handler_depth = handler_depth + 1
	for i = 1, #list do
		local ok, err = pcall(list[i], ...)
		if not ok then
			stats.handler_errors = stats.handler_errors + 1
			failures[#failures + 1] = "handler: " .. tostring(err)
		end
	end
	handler_depth = handler_depth - 1
end

function prim.dispatch(name, ...)
	local list = handlers[name]
	if list then
		local copy = {} -- the handlers registered when the message was sent
		for i = 1, #list do copy[i] = list[i] end
		call_handlers(copy, ...)
	end
end
function prim.clear(name) handlers[name] = nil end
function prim.where() return where_outside_core() end
function prim.define_global(name, v) rawset(G, name, v) end
function prim.classes_built(n) stats.classes = n end
prim.class_error = class_error
-- stub mode: an undefined parent is an engine class the class is built without
function prim.missing_parent() return true end
function prim.engine_table(t) return t end
-- the class build's member copy (class has no metatable while it is built)
function prim.inherit(class, parent, skip)
	for k, v in pairs(parent) do
		if class[k] == nil and not skip[k] then class[k] = v end
	end
end
-- the member sources of the class build's complex path (as the Go primitives)
function prim.own_sources(class, name, skip)
	local t = {}
	for k in pairs(class) do
		if not skip[k] then t[k] = name end
	end
	return t
end
function prim.merge_sources(sources, parent, ancestors, name)
	for k, v in pairs(parent) do
		local src = sources[k]
		if src ~= name and src ~= v and (src == nil or ancestors[src]) then sources[k] = v end
	end
end
function prim.copy_resolved(class, sources, defs, name, cache, cache_ancestors)
	for k, s in pairs(sources) do
		if s ~= name and k ~= "__hierarchy_cache"
			and not (cache ~= nil and (s == cache or (cache_ancestors and cache_ancestors[s]))) then
			local src = rawget(defs, s)
			if type(src) == "table" then class[k] = rawget(src, k) end
		end
	end
end
function prim.stub_class_meta(parent)
	return { __index = function(_, k) return stub(parent .. "." .. tostring(k)) end }
end
function prim.thread_error(err, created)
	stats.handler_errors = stats.handler_errors + 1
	failures[#failures + 1] = "thread (created at " .. tostring(created) .. "): " .. tostring(err)
end
function prim.in_handler() return handler_depth > 0 end
function prim.enter_thread()
	local d = handler_depth
	handler_depth = 0
	return d
end
function prim.leave_thread(d) handler_depth = d or 0 end
function prim.real_time() return real_time end
function prim.game_time() return game_time end
function prim.map_running(on)
	map_running = not not on
	if map_running then game_time = 0 end
end
function prim.paused(on) paused = not not on end
math.randomseed(1)
function prim.rand(n)
	if n <= 0 then return 0 end
	return math.random(0, n - 1)
end
-- dofile runs in fenv, or else in the environment of the game code that called.
local function caller_env()
	for lv = 3, 40 do
		local info = debug.getinfo(lv, "Sf")
		if not info then break end
		if info.what == "Lua" and info.short_src:sub(1, 7) ~= "[core]/" then return getfenv(info.func) end
	end
	return G
end
local function dofile_in(name, fenv, ...)
	local rel = name:gsub("\\", "/")
	if not exists[rel] then return nil end
	return exec(rel, fenv or caller_env(), ...)
end
function prim.dofile(name, fenv, ...)
	local res = dofile_in(name, fenv, ...)
	if not res then
		class_error(where_outside_core(), "dofile: cannot read " .. tostring(name) .. ": no such file in the game folder")
		return
	end
	if res[1] then return unpack(res, 2, table.maxn(res)) end
end
function prim.pdofile(name, fenv)
	local res = dofile_in(name, fenv)
	if not res then return false, "cannot read " .. tostring(name) end
	return unpack(res, 1, math.max(table.maxn(res), 1))
end
prim.folder_order = folder_order

-- The engine's exports proper (runtime.go).
function ReloadLua() end
function GetEngineVersion() return "modscope" end

----------------------------------------------------------------------------
-- Stub mode: a read of an undefined global yields a recording stand-in.
-- (The Go engine looks at the code to tell a tested read, which gets nil,
-- from a used one; here names starting with g_ and reads by the core
-- runtime are tested reads.)

setmetatable(G, {
	__index = function(_, k)
		if type(k) ~= "string" or k:sub(1, 2) == "g_" then return nil end
		local info = debug.getinfo(2, "S")
		if info and info.short_src:sub(1, 7) == "[core]/" then return nil end
		touch(k, false)
		return stub(k)
	end,
})

-- stub mode: library functions given a stand-in do what modscope's
-- wrappers do (engine/stubbuiltins.go): pairs over a stand-in is empty,
-- math.floor of one is one, a stand-in metatable is none.
do
	local pairs0, floor0, setmetatable0 = pairs, math.floor, setmetatable
	local function none() end
	function pairs(t)
		if stub_names[t] then return none, t, nil end
		return pairs0(t)
	end
	function math.floor(x)
		if stub_names[x] then return x end
		return floor0(x)
	end
	function setmetatable(t, mt)
		if stub_names[mt] then mt = nil end
		return setmetatable0(t, mt)
	end
end

local core_protos = {}
local function run_core(name)
	local fn = core_protos[name]
	if not fn then
		local f = io.open(core_dir .. name, "rb")
		if not f then error("run.lua: cannot read " .. core_dir .. name) end
		local src = f:read("*a")
		f:close()
		local err
		fn, err = loadstring(src, "@[core]/" .. name)
		if not fn then error("run.lua: " .. err) end
		core_protos[name] = fn
	end
	local ok, err = xpcall(function() fn(core, prim) end, debug.traceback)
	if not ok then class_error("[core]/" .. name, err) end
end
local function call_core(name)
	local f = core[name]
	if type(f) ~= "function" then
		class_error("[core]/classes.lua", "core runtime: " .. name .. " is missing")
		return
	end
	local ok, err = xpcall(f, debug.traceback)
	if not ok then class_error("[core]/" .. name, err) end
end
local function send(name, ...)
	local ok, err = pcall(Msg, name, ...)
	if not ok then class_error("Msg", err) end
end
local function send_and_clear(name)
	send(name)
	handlers[name] = nil
end

-- Threads: what is due now, oldest wake first (runtime.go runDue).
local pass = 0
local function run_threads()
	pass = pass + 1
	for _ = 1, 10000 do
		local th = core.pop_due(pass, map_running and not paused)
		if th == nil then break end
		local r = { core.prepare(th) }
		if r[1] == nil then break end
		local saved = handler_depth
		handler_depth = 0
		local res = { coroutine.resume(th, unpack(r, 2, table.maxn(r))) }
		handler_depth = saved
		if not res[1] then
			stats.handler_errors = stats.handler_errors + 1
			failures[#failures + 1] = "thread: " .. tostring(res[2])
		end
		core.after(th, res[1])
	end
end

----------------------------------------------------------------------------
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
			end, T = function(id, text) if text == nil then return id end return text end })
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

-- code_order: the files outside Code/ first, then those in Code/ (model.go codeOrder).
local function code_order(code)
	local first, later = {}, {}
	for _, f in ipairs(code or {}) do
		if f:sub(1, 5) == "Code/" then later[#later + 1] = f else first[#first + 1] = f end
	end
	for _, f in ipairs(later) do first[#first + 1] = f end
	return first
end

local mods = {}
local mod_envs, mod_defs = {}, {}

-- mod_env: the mod's environment, filled by the core's mod_def and mod_env.
local function mod_env(d)
	local env = mod_envs[d.id]
	if not env then
		env = setmetatable({}, { __index = G, __newindex = G })
		mod_envs[d.id] = env
	end
	local def = {}
	for k, v in pairs(d) do if k ~= "folder" then def[k] = v end end
	def.path = d.folder .. "/"
	def.content_path = d.folder .. "/"
	local ok, mod = pcall(core.mod_def, def, env)
	if ok and mod then
		core.mod_env(mod, env)
		mod_defs[d.id] = mod
	end
	return env
end

----------------------------------------------------------------------------
-- The steps (model.go FirstLoadSteps and ReloadSteps).

local first_load = true
local steps = {}

local function autorun()
	local function step(name, fn)
		local t = clock()
		fn()
		steps[#steps + 1] = { name = name, ms = (clock() - t) * 1000 }
	end
	step("autorun.lua begins", function()
		Loading = true
		if not first_load then return end
		FirstLoad = true
		ReloadForDlc, LuaRevision, OrgLuaRevision, AssetsRevision = false, 0, 0, 0
		BuildVersion, BuildBranch = "0", false
		if exists["_LuaRevision.lua"] then exec("_LuaRevision.lua") end
	end)
	step("Msg", function()
		handlers = {}
		run_core("msg.lua")
	end)
	step("Core library", function()
		for _, f in ipairs({ "lib.lua", "threads.lua", "const.lua", "classes.lua", "mods.lua", "post.lua" }) do run_core(f) end
		-- stub mode: the tables the engine fills in C answer missing fields
		-- with stand-ins (engine/globals.go engineTables)
		for _, name in ipairs({ "const", "config" }) do
			local t = rawget(G, name)
			if type(t) == "table" and getmetatable(t) == nil then
				setmetatable(t, { __index = function(_, k)
					local info = debug.getinfo(2, "S")
					if type(k) ~= "string" or (info and info.short_src:sub(1, 7) == "[core]/") then return nil end
					touch(name .. "." .. k, false)
					return stub(name .. "." .. k)
				end })
			end
		end
	end)
	step("CommonLua", function() run(folder_order("CommonLua", "files")) end)
	for _, d in ipairs({ "CommonLua/Classes", "CommonLua/UI", "CommonLua/X", "CommonLua/Ged" }) do
		step(d, function() run(folder_order(d, "all")) end)
	end
	step("CommonLua/Platforms", function()
		for _, p in ipairs(subdirs("CommonLua/Platforms")) do
			if rawget(Platform, p) then run(folder_order("CommonLua/Platforms/" .. p, "all")) end
		end
	end)
	step("Game Lua", function() run(folder_order("Lua", "all")) end)
	step("DLC Lua", function()
		for _, d in ipairs(subdirs("DLC")) do run(folder_order("DLC/" .. d .. "/Code", "all")) end
	end)
	step("Mod Lua", function()
		mods = read_mods()
		core.want_mod_classes = #mods > 0
		for _, d in ipairs(mods) do
			local env = mod_env(d)
			for _, f in ipairs(code_order(d.code)) do
				local p = d.folder .. "/" .. f
				if exists[p] then exec(p, env) else class_error(d.folder .. "/metadata.lua", "mod " .. d.id .. ": code file " .. p .. " does not exist") end
			end
			rawset(env, "FirstLoad", false)
		end
	end)
	step("ClassesGenerate", function() call_core("classes_generate") end)
	step("ClassesPreprocess", function() call_core("classes_preprocess") end)
	step("ClassesPostprocess", function() call_core("classes_postprocess") end)
	step("ClassesBuilt", function() call_core("classes_built_msg") end)
	step("ClassesPostBuilt", function() call_core("classes_postbuilt") end)
	step("Autorun", function()
		-- the rest of Msg("Autorun"); the last handler is autorun.lua's
		local first = first_load
		local list = {}
		for i, h in ipairs(handlers.Autorun or {}) do list[i] = h end
		list[#list + 1] = function()
			handlers.Autorun = nil
			Loading = false
			if first then
				FirstLoad = false
				Msg("Start")
			end
			handlers.Start = nil
		end
		call_handlers(list)
		for _, env in pairs(mod_envs) do rawset(env, "FirstLoad", false) end
	end)
	if first_load then
		step("DataLoading", function()
			if not rawget(G, "AccountStorage") then AccountStorage = {} end
			send_and_clear("DataLoading")
		end)
		step("Data", function()
			run(folder_order("CommonLua/Data", "files"))
			run(folder_order("CommonLua/Data", "folders"))
			run(folder_order("Data", "all"))
			for _, d in ipairs(subdirs("DLC")) do run(folder_order("DLC/" .. d .. "/Presets", "all")) end
		end)
		step("DataPreprocess", function() send_and_clear("DataPreprocess") end)
		step("DataPostprocess", function() send_and_clear("DataPostprocess") end)
		step("DataLoaded", function()
			send_and_clear("DataLoaded")
			DataLoaded = true
		end)
		step("Mod items", function()
			for _, d in ipairs(mods) do
				local mod, env = mod_defs[d.id], mod_envs[d.id]
				if mod and env then
					local items = {}
					local p = d.folder .. "/items.lua"
					if exists[p] then
						local res = exec(p, env)
						if res[1] and res[2] ~= nil then items = res[2] end
					end
					local ok, err = pcall(core.mod_items, mod, items)
					if not ok then class_error(p, err) end
				end
			end
		end)
		step("ApplyModOptions", function()
			for _, d in ipairs(mods) do
				local mod = mod_defs[d.id]
				if type(mod) == "table" then
					local ok, has = pcall(function() return mod:HasOptions() end)
					if ok and has then send("ApplyModOptions", d.id) end
				end
			end
		end)
		step("ModsReloaded", function()
			send("ModsReloaded")
			for _, d in ipairs(mods) do
				local files = {}
				for _, l in ipairs(d.loctables or {}) do files[#files + 1] = type(l) == "table" and l.filename or l end
				local mod = mod_defs[d.id]
				for _, it in ipairs(type(mod) == "table" and type(rawget(mod, "items")) == "table" and mod.items or {}) do
					if type(it) == "table" and rawget(it, "class") == "ModItemLocTable" and type(rawget(it, "filename")) == "string" then
						files[#files + 1] = it.filename
					end
				end
				for _, f in ipairs(files) do
					if not read_file(d.folder .. "/" .. tostring(f)) then
						class_error(d.folder .. "/metadata.lua", "mod " .. d.id .. ": localization table " .. tostring(f) .. ": cannot read")
					end
				end
			end
		end)
	else
		step("AutorunEnd", function() send_and_clear("AutorunEnd") end)
	end
	run_threads()
	first_load = false
end

-- Step 1: the environment and the Platform table.
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
	print(string.format("lua5.1 %s: files ok=%d failed=%d handler_errors=%d errors=%d classes=%d handlers=%d stubs=%d stub_calls=%d cpu=%.3fs",
		label, stats.ok, stats.failed, stats.handler_errors, stats.errors, stats.classes, nh, n, stats.stub_calls, secs))
end

if not quiet then
	for _, s in ipairs(steps) do print(string.format("step %-22s %8.1f ms", s.name, s.ms)) end
end
for _, f in ipairs(failures) do print(f) end
summary("load", load_s)

for i = 1, reloads do
	failures, steps = {}, {}
	stats.ok, stats.failed, stats.handler_errors, stats.errors = 0, 0, 0, 0
	local t = clock()
	send("ReloadLua")
	autorun()
	for _, f in ipairs(failures) do print(f) end
	summary("reload " .. i, clock() - t)
end
io.stdout:flush()
