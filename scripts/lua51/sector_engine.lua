-- scripts/lua51/sector_engine.lua: the engine module of a sector state for
-- the C Lua reference (scripts/lua51/sector.lua), the parts the sample's
-- sector.lua files use: event bus, logger, scene with entity templates,
-- entities with transform and label components, Vector3, sector data.
-- It returns a function(sector_id) that builds them in this state and
-- returns the module and the host's side: spawn(template, data) and
-- tick() (deliver the queue to the handlers until it is empty).

return function(sector_id)
	local queue = {}    -- the bus (one listener: this state)
	local handlers = {} -- name -> list of functions
	local templates = {}
	local host = { logged = 0 } -- lines logged (the game writes them to its log)

	local Vector3 = {}
	Vector3.__index = Vector3
	function Vector3.new(x, y, z) return setmetatable({ x = x or 0, y = y or 0, z = z or 0 }, Vector3) end

	local Transform = {}
	Transform.__index = Transform
	function Transform:translate(v)
		local p = self.position
		self.position = Vector3.new(p.x + v.x, p.y + v.y, p.z + v.z)
	end

	local Entity = {}
	Entity.__index = Entity
	function Entity:add_component_transform()
		local t = setmetatable({ static = false, kinematic = false, position = Vector3.new() }, Transform)
		self.transform = t
		return t
	end
	function Entity:add_component_label(label)
		local l = { label = label }
		self.label = l
		return l
	end

	local bus = {}
	function bus:add_handler(name, fn)
		local hs = handlers[name]
		if not hs then hs = {}; handlers[name] = hs end
		hs[#hs + 1] = fn
	end
	function bus:enqueue(name, data) queue[#queue + 1] = { name, data } end

	local Logger = {}
	Logger.__index = Logger
	local function log(self, msg) host.logged = host.logged + 1 end
	Logger.info, Logger.debug, Logger.warn, Logger.error = log, log, log, log

	local scene = {}
	function host.spawn(name, data)
		local e = setmetatable({}, Entity)
		e.script = templates[name].new(e, data)
		return e
	end
	function scene:add_entity_template(name, t) if not templates[name] then templates[name] = t end end
	function scene:create_entity_template(name, data) return host.spawn(name, data or {}) end

	function host.tick()
		while #queue > 0 do
			local batch = queue
			queue = {}
			for _, ev in ipairs(batch) do
				for _, fn in ipairs(handlers[ev[1]] or {}) do
					local data = {}
					for k, v in pairs(ev[2]) do data[k] = v end
					fn(data)
				end
			end
		end
	end

	local sector = { id = sector_id }
	host.engine = {
		Vector3 = Vector3,
		create_logger = function(name) return setmetatable({ name = name }, Logger) end,
		get_event_bus = function() return bus end,
		get_scene = function() return scene end,
		get_sector_data = function() return sector end,
	}
	return host
end
