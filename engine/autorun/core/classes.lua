-- [core]/classes.lua: the class system.
-- DefineClass.Name = { __parents = {"A", "B"}, member = value } and
-- DefineClass("Name", "A", "B") both make the global Name refer to the class
-- table at once. Parents may be declared later: inheritance is resolved
-- when the classes are built, in the core's own Autorun handler, which then
-- sends Msg("ClassesBuilt").
local core, prim = ...

core.classdefs = {}    -- name -> { def = table, where = "file:line", order = n }
core.class_order = {}  -- names in declaration order
g_Classes = g_Classes or {}

local function unbuilt_meta(name)
	return {
		__index = function(_, key)
			if key == "new" then
				error("class " .. name .. " is not built yet: classes are built when Msg(\"Autorun\") is sent (stop after \"Post load\" or use OnMsg.ClassesBuilt)", 2)
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
	if not Loading and rawget(_G, name) == nil then
		error("DefineClass." .. name .. ": classes can only be declared while Loading", 3)
	end
	if def.__parents ~= nil and type(def.__parents) ~= "table" then
		error("DefineClass." .. name .. ": __parents must be a list of class names", 3)
	end
	def.__parents = def.__parents or {}
	def.class = name
	if not core.classdefs[name] then
		core.class_order[#core.class_order + 1] = name
	end
	core.classdefs[name] = { def = def, where = where, order = #core.class_order }
	setmetatable(def, unbuilt_meta(name))
	prim.define_global(name, def)
	return def
end

DefineClass = setmetatable({}, {
	__newindex = function(_, name, def)
		declare(name, def, prim.where())
	end,
	__call = function(_, name, ...)
		return declare(name, { __parents = { ... } }, prim.where())
	end,
	__metatable = "DefineClass",
})

local skip = { __parents = true, class = true, __index = true, __ancestors = true }

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

-- core.build_classes resolves every declared class: parents first, members
-- copied down (the object, then its parents in order, depth first).
function core.build_classes()
	local state = {}   -- name -> "building" | "built" | "failed"
	local built = 0
	local function build(name, chain)
		local st = state[name]
		if st == "built" then return true end
		if st == "building" then
			prim.class_error(core.classdefs[name].where, "class " .. name .. ": inheritance cycle " .. table.concat(chain, " -> ") .. " -> " .. name)
			return false
		end
		if st == "failed" then return false end
		local rec = core.classdefs[name]
		state[name] = "building"
		chain[#chain + 1] = name
		local def = rec.def
		local ancestors = {}
		for _, parent in ipairs(def.__parents) do
			if not core.classdefs[parent] then
				prim.class_error(rec.where, "class " .. name .. ": parent class " .. tostring(parent) .. " is not defined")
			elseif build(parent, chain) then
				local p = core.classdefs[parent].def
				ancestors[parent] = true
				for a in pairs(p.__ancestors) do ancestors[a] = true end
				for k, v in pairs(p) do
					if not skip[k] and rawget(def, k) == nil then rawset(def, k, v) end
				end
			end
		end
		chain[#chain] = nil
		setmetatable(def, nil)
		rawset(def, "__ancestors", ancestors)
		rawset(def, "__index", def)
		if rawget(def, "new") == nil then rawset(def, "new", new) end
		if rawget(def, "delete") == nil then rawset(def, "delete", delete) end
		g_Classes[name] = def
		state[name] = "built"
		built = built + 1
		return true
	end
	for _, name in ipairs(core.class_order) do
		build(name, {})
	end
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

function ClassDescendantsList(name)
	local out = {}
	for _, n in ipairs(core.class_order) do
		local c = g_Classes[n]
		if c and c.__ancestors and c.__ancestors[name] then out[#out + 1] = n end
	end
	return out
end

function ClassDescendants(name, fn)
	for _, n in ipairs(ClassDescendantsList(name)) do
		fn(n, g_Classes[n])
	end
end

function core.class_rows()
	local rows = {}
	for i, name in ipairs(core.class_order) do
		local rec = core.classdefs[name]
		local parents = {}
		for j, p in ipairs(rec.def.__parents or {}) do parents[j] = tostring(p) end
		rows[i] = { class = name, parents = table.concat(parents, ", "), where = rec.where or "",
			built = rawget(rec.def, "__ancestors") ~= nil }
	end
	return rows
end

-- The core's own Autorun handler: build the classes, then tell everyone.
function OnMsg.Autorun()
	core.build_classes()
	Msg("ClassesBuilt")
end
