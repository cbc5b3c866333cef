-- [core]/classes.lua: the class system, with the engine's rules
-- (CommonLua/Core/classes.lua):
--   DefineClass.Name = { __parents = {...}, ... }
--   DefineClass("Name", { ... })           -- the definition table
--   DefineClass("Name", "A", "B")          -- parents only
--   DefineClass("Name")                    -- no parents
-- The global Name refers to the definition at once. The first definition
-- of a name wins (a redefinition is reported and ignored, as the engine's
-- assert does). Classes are built by the first Autorun handler, in steps the
-- host runs one by one: Msg("ClassesGenerate", classdefs),
-- Msg("ClassesPreprocess", classdefs), build, Msg("ClassesPostprocess"),
-- Msg("ClassesBuilt"), Msg("ClassesPostBuilt"), each followed by MsgClear.
-- After the build DefineClass is gone until the next load (the engine sets
-- it to nil).
local core, prim = ...

core.classdefs = prim.engine_table({}, "classdefs", "class") -- name -> definition table (what ClassesGenerate/Preprocess get); stub mode: the engine's classes are stand-ins
core.class_where = {}  -- name -> "file:line" of its DefineClass
core.class_order = {}  -- names in declaration order
core.classes_built = false
if FirstLoad or not g_Classes then
	g_Classes = {}
else
	-- a reload declares every class again: the old class globals go first
	for name in pairs(g_Classes) do rawset(_G, name, nil) end
end

local function unbuilt_meta(name)
	return {
		__index = function(_, key)
			if key == "new" then
				error("class " .. name .. " is not built yet: classes are built when Msg(\"Autorun\") is sent (step \"ClassesPostprocess\"; use OnMsg.ClassesBuilt)", 2)
			end
		end,
	}
end

local function declare(name, def, where)
	if type(name) ~= "string" or name == "" then
		error("DefineClass: a class name (string) is expected, got " .. type(name), 3)
	end
	if type(def) ~= "table" then
		error("DefineClass." .. name .. ": a table is expected, got " .. type(def), 3)
	end
	if core.classes_built then
		error("DefineClass." .. name .. ": the classes are already built (the engine removes DefineClass once Msg(\"Autorun\") has built them; declare classes while the Lua loads)", 3)
	end
	if core.classdefs[name] then
		prim.class_error(where, "Redefinition of class " .. name .. " (first defined at " .. tostring(core.class_where[name]) .. "); this definition is ignored, as the engine does")
		return core.classdefs[name]
	end
	if def.__parents ~= nil and type(def.__parents) ~= "table" then
		prim.class_error(where, "class " .. name .. " has an invalid __parents member (should be a table)")
		def.__parents = nil
	end
	core.class_order[#core.class_order + 1] = name
	core.classdefs[name] = def
	core.class_where[name] = where
	setmetatable(def, unbuilt_meta(name))
	prim.define_global(name, def)
	return def
end

local function define(name, def, ...)
	if type(def) ~= "table" then
		def = { __parents = { def, ... } }
	end
	return declare(name, def, prim.where())
end

DefineClass = setmetatable({}, {
	__newindex = function(_, name, def)
		declare(name, def, prim.where())
	end,
	__call = function(_, name, ...)
		return define(name, ...)
	end,
	__metatable = "DefineClass",
})

function UndefineClass(name)
	if core.classdefs[name] then
		core.classdefs[name] = nil
		for i, n in ipairs(core.class_order) do
			if n == name then table.remove(core.class_order, i) break end
		end
		rawset(_G, name, nil)
	end
end

local skip = { __parents = true, class = true, __index = true, __ancestors = true, __generated_by_class = true, NoInstances = true }

local function new(class, obj)
	obj = obj or {}
	if type(obj) ~= "table" then
		error(tostring(class.class) .. ":new: a table is expected, got " .. type(obj), 2)
	end
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

-- core.class_defaults are classes the engine's CommonLua defines and real
-- code relies on (the ModItem classes, filled in by mods.lua); they are
-- declared only when mods are loaded and the game did not declare them.
core.class_defaults = {}

-- core.declare_defaults declares the default classes the game lacks.
function core.declare_defaults()
	if not core.want_mod_classes then return end -- only a game with mods needs them
	for _, rec in ipairs(core.class_defaults) do
		if not core.classdefs[rec[1]] and rawget(_G, rec[1]) == nil then
			local def = rec[2]()
			core.class_order[#core.class_order + 1] = rec[1]
			core.classdefs[rec[1]] = def
			core.class_where[rec[1]] = "[core]"
			setmetatable(def, unbuilt_meta(rec[1]))
			prim.define_global(rec[1], def)
		end
	end
end

-- core.build_classes resolves every class definition (those declared and
-- those a ClassesGenerate handler put into classdefs): parents first,
-- members copied down with the engine's rules (below and docs/autorun.md
-- "The class build"; a cached class is its children's metatable).
-- An undefined parent is reported and dropped, as the engine does.
function core.build_classes()
	local defs = core.classdefs
	-- definitions added straight into classdefs by handlers come after the declared ones
	local order, seen = {}, {}
	for _, name in ipairs(core.class_order) do
		if defs[name] and not seen[name] then order[#order + 1] = name; seen[name] = true end
	end
	local extra = {}
	for name in pairs(defs) do
		if not seen[name] and type(name) == "string" then extra[#extra + 1] = name end
	end
	table.sort(extra)
	for _, name in ipairs(extra) do
		order[#order + 1] = name
		core.class_where[name] = core.class_where[name] or "[ClassesGenerate]"
		prim.define_global(name, defs[name])
	end
	core.class_order = order
	-- the classes of the previous load (a reload), which are no longer defined go
	local previous = {}
	for name, class in pairs(g_Classes) do
		previous[name] = class
		g_Classes[name] = nil
	end
	local state = {}   -- name -> "building" | "built" | "failed"
	local stubbed = {} -- name -> a stand-in ancestor whose members it answers with (stub mode)
	local stub_metas = {} -- stand-in ancestor -> the metatable of the classes it answers for
	local built = 0
	-- The engine's rules (CommonLua/Core/classes.lua ResolveComplexInheritance
	-- :445-523, ResolveValues :526-606; docs/autorun.md "The class build"):
	-- a class with two or more parents, or its own __hierarchy_cache, is
	-- "complex": its members are resolved from the sources of its parents'
	-- members (the class whose definition holds each value), a later parent
	-- overriding a member whose source is one of its own ancestors. Every
	-- other class copies its one parent's table.
	local complex = {}  -- name -> true: a complex class
	local needs = {}    -- name -> true: its member sources are kept (a complex class and its ancestors)
	local sources = {}  -- name -> member -> the class whose definition holds the value
	local cached = {}   -- name -> true: its definition had __hierarchy_cache (children use it as their metatable)
	local cache_of = {} -- name -> the cached class whose table is its metatable
	local up = {}       -- name -> its one parent (a simple class whose sources are kept)
	-- merge takes the members of parent with their sources into sources (the
	-- engine's rule, classes.lua:484-501). A simple class's sources are its
	-- own members over its parent's: the line of simple classes up to the
	-- first complex one (or a root) is merged from the top down, so the
	-- nearest source is the one merged last.
	local line = {}
	local function merge(sources_, parent, pa, name)
		local n, q = 0, parent
		while q and sources[q] do
			n = n + 1
			line[n] = sources[q]
			if complex[q] then break end
			q = up[q]
		end
		for i = n, 1, -1 do
			prim.merge_sources(sources_, line[i], pa, name)
			line[i] = nil
		end
	end
	local function mark(name)
		if needs[name] then return end
		needs[name] = true
		local parents = rawget(defs[name], "__parents")
		if type(parents) == "table" then
			for _, p in ipairs(parents) do
				if rawget(defs, p) ~= nil then mark(p) end
			end
		end
	end
	for _, name in ipairs(order) do
		local def = defs[name]
		local parents, n = rawget(def, "__parents"), 0
		if type(parents) == "table" then
			for _, p in ipairs(parents) do
				if rawget(defs, p) ~= nil then n = n + 1 end
			end
		end
		-- the engine: #parents > 1 or classdef.__hierarchy_cache (classes.lua:447)
		if n > 1 or rawget(def, "__hierarchy_cache") then
			complex[name] = true
			mark(name)
		end
	end
	local function build(name, chain)
		local st = state[name]
		if st == "built" then return true end
		if st == "building" then
			prim.class_error(core.class_where[name], "class " .. name .. ": inheritance cycle " .. table.concat(chain, " -> ") .. " -> " .. name)
			return false
		end
		if st == "failed" then return false end
		local def = defs[name]
		state[name] = "building"
		chain[#chain + 1] = name
		-- the guard of an unbuilt class goes (its metatable is set again
		-- below): the members are copied raw
		setmetatable(def, nil)
		local parents = rawget(def, "__parents")
		if type(parents) ~= "table" then parents = {} rawset(def, "__parents", parents) end
		local ancestors = {}
		for i = #parents, 1, -1 do
			if not defs[parents[i]] then
				-- stub mode: an engine class (a recorded stand-in) the class is built without
				if prim.missing_parent(name, tostring(parents[i]), core.class_where[name]) then
					ancestors[parents[i]] = true
					stubbed[name] = tostring(parents[i]) -- the first such parent answers
				end
				table.remove(parents, i)
			end
		end
		for _, parent in ipairs(parents) do build(parent, chain) end
		-- the sources of the class's own members, taken before anything is
		-- copied in
		local own = needs[name] and prim.own_sources(def, name, skip) or nil
		local is_complex = complex[name]
		local cache = nil
		for _, parent in ipairs(parents) do
			-- parents in order; one already an ancestor (through an earlier
			-- parent) is passed by (classes.lua:476-478)
			if not ancestors[parent] and state[parent] == "built" then
				local p = defs[parent]
				local pa = rawget(p, "__ancestors")
				stubbed[name] = stubbed[name] or stubbed[parent]
				ancestors[parent] = true
				if is_complex then merge(own, parent, pa, name) end
				for a in pairs(pa) do ancestors[a] = true end
				if not is_complex then
					-- one parent: its members are copied, unless it is a cached
					-- class, which is the metatable instead (classes.lua:574-583)
					if cached[parent] then
						cache = parent
					else
						cache = cache_of[parent]
						prim.inherit(def, p, skip) -- each member of p that def lacks, skip aside
					end
				end
			end
		end
		chain[#chain] = nil
		if is_complex then
			-- the values of the resolved members; those a cached ancestor (or
			-- its ancestors) supplies are read through it (classes.lua:538-559)
			local c = own.__hierarchy_cache
			if c ~= nil and c ~= name then cache = c end
			prim.copy_resolved(def, own, defs, name, cache, cache and rawget(defs[cache], "__ancestors") or nil)
		end
		if own then
			-- a simple class keeps only its own members' sources and its parent
			sources[name] = own
			if not is_complex and parents[1] and state[parents[1]] == "built" then up[name] = parents[1] end
		end
		cache_of[name] = cache
		if rawget(def, "__hierarchy_cache") ~= nil then
			-- the flag is never copied onto a class table (noncopyable)
			cached[name] = true
			rawset(def, "__hierarchy_cache", nil)
		end
		local meta = nil
		if cache then
			meta = defs[cache]
		elseif stubbed[name] then
			meta = stub_metas[stubbed[name]]
			if not meta then
				meta = prim.stub_class_meta(stubbed[name])
				stub_metas[stubbed[name]] = meta
			end
		end
		setmetatable(def, meta)
		rawset(def, "class", name)
		rawset(def, "__ancestors", ancestors)
		-- a class's own __index is kept (classes.lua:604)
		local own_index = rawget(def, "__index") ~= nil
		if not own_index then rawset(def, "__index", def) end
		if not cache then
			-- (a class under a cached one reads them through it)
			if rawget(def, "new") == nil then rawset(def, "new", new) end
			if rawget(def, "delete") == nil then rawset(def, "delete", delete) end
		end
		-- A reload refills the class table of the previous load, as the
		-- engine does: objects made before the reload get the new members.
		local old = previous[name]
		if type(old) == "table" and old ~= def then
			local meta = getmetatable(def)
			setmetatable(old, nil)
			for k in pairs(old) do rawset(old, k, nil) end
			for k, v in pairs(def) do rawset(old, k, v) end
			if not own_index then rawset(old, "__index", old) end
			setmetatable(old, meta)
			defs[name] = old
			prim.define_global(name, old)
			def = old
		end
		g_Classes[name] = def
		state[name] = "built"
		built = built + 1
		return true
	end
	for _, name in ipairs(order) do
		build(name, {})
	end
	core.classes_built = true
	prim.classes_built(built)
end

function IsKindOf(obj, name)
	if type(obj) ~= "table" then return false end
	local class = getmetatable(obj)
	if type(class) ~= "table" or not rawget(class, "__ancestors") then
		class = obj -- a class table itself
		if not rawget(class, "__ancestors") then return false end
	end
	if type(name) == "table" then name = rawget(name, "class") end
	return class.class == name or class.__ancestors[name] == true
end

function IsKindOfClasses(obj, ...)
	for i = 1, select("#", ...) do
		if IsKindOf(obj, (select(i, ...))) then return true end
	end
	return false
end

function IsValid(obj)
	return type(obj) == "table" and rawget(obj, "__deleted") == nil
end

-- ClassDescendants(ancestor, filter, ...) calls filter(name, class, ...)
-- for each descendant (sorted by name here; the engine's order is pairs')
-- and returns those for which it returned true, by name.
function ClassDescendants(ancestor, filter, ...)
	local out
	for _, n in ipairs(ClassDescendantsList(ancestor)) do
		local c = rawget(g_Classes, n)
		if not filter or filter(n, c, ...) then
			out = out or {}
			out[n] = c
		end
	end
	return out or empty_table
end

function ClassDescendantsList(ancestor, filter, ...)
	local out = {}
	for n, c in pairs(g_Classes) do
		if type(c) == "table" and rawget(c, "__ancestors") and c.__ancestors[ancestor] and (not filter or filter(n, c, ...)) then
			out[#out + 1] = n
		end
	end
	table.sort(out)
	return out
end

function ClassDescendantsListInclusive(ancestor, filter, ...)
	local out = ClassDescendantsList(ancestor, filter, ...)
	if not filter or filter(ancestor, rawget(g_Classes, ancestor), ...) then table.insert(out, 1, ancestor) end
	return out
end

function ClassLeafDescendantsList(ancestor, filter, ...)
	local non_leaves = {}
	for _, c in pairs(g_Classes) do
		for _, p in ipairs(type(c) == "table" and rawget(c, "__parents") or empty_table) do non_leaves[p] = true end
	end
	local out = {}
	if non_leaves[ancestor] then
		for _, n in ipairs(ClassDescendantsList(ancestor, filter, ...)) do
			if not non_leaves[n] then out[#out + 1] = n end
		end
	end
	return out
end

function core.class_rows()
	local rows = {}
	for i, name in ipairs(core.class_order) do
		local def = core.classdefs[name]
		local parents = {}
		for j, p in ipairs(rawget(def, "__parents") or {}) do parents[j] = tostring(p) end
		rows[i] = { class = name, parents = table.concat(parents, ", "), where = core.class_where[name] or "",
			built = rawget(def, "__ancestors") ~= nil }
	end
	return rows
end

-- The class steps, run by the host as the first Autorun handler.
function core.classes_generate()
	core.declare_defaults()
	Msg("ClassesGenerate", core.classdefs)
	MsgClear("ClassesGenerate")
end

-- PropertyObject.lua (the engine's, when the folder does not ship it):
-- at ClassesPreprocess, a property without Get/Set accessors whose class
-- does not set the member gets its default as the class member
-- (class.storable_resources = the property's default), and a modifiable
-- number property also base_<id>. A class that declares properties is taken
-- for a PropertyObject. A default that is a function is left out unless the
-- property's editor holds functions.
local func_editors = { func = true, expression = true, script = true }
local function classdef_has(defs, name, member, seen)
	local def = rawget(defs, name)
	if type(def) ~= "table" or seen[name] then return false end
	seen[name] = true
	if rawget(def, member) ~= nil then return true end
	local parents = rawget(def, "__parents")
	if type(parents) ~= "table" then return false end
	for _, p in ipairs(parents) do
		if type(p) == "string" and classdef_has(defs, p, member, seen) then return true end
	end
	return false
end
function core.property_defaults(defs)
	if rawget(defs, "PropertyObject") then return end
	for name, def in pairs(defs) do
		local props = type(def) == "table" and rawget(def, "properties")
		if type(props) == "table" then
			for _, prop in ipairs(props) do
				local id = type(prop) == "table" and rawget(prop, "id")
				local default = type(id) == "string" and rawget(prop, "default")
				if type(default) == "function" and not func_editors[rawget(prop, "editor")] then default = nil end
				if default ~= nil and rawget(def, id) == nil
					and not (classdef_has(defs, name, "Get" .. id, {}) and classdef_has(defs, name, "Set" .. id, {})) then
					rawset(def, id, default)
					if rawget(prop, "modifiable") and rawget(prop, "editor") == "number" and rawget(def, "base_" .. id) == nil then
						rawset(def, "base_" .. id, default)
					end
				end
			end
		end
	end
end

function core.classes_preprocess()
	core.property_defaults(core.classdefs)
	Msg("ClassesPreprocess", core.classdefs)
	MsgClear("ClassesPreprocess")
end

function core.classes_postprocess()
	core.build_classes()
	-- DefineClass is gone once the classes are built
	DefineClass = setmetatable({}, {
		__newindex = function(_, name) declare(name, {}, prim.where()) end,
		__call = function(_, name) return declare(name, {}, prim.where()) end,
		__metatable = "DefineClass",
	})
	core.place_delayed()
	Msg("ClassesPostprocess")
	MsgClear("ClassesPostprocess")
end

function core.classes_built_msg()
	Msg("ClassesBuilt")
	MsgClear("ClassesBuilt")
end

function core.classes_postbuilt()
	Msg("ClassesPostBuilt")
	MsgClear("ClassesPostBuilt")
end
