classdefs = {}
g_Classes = {}
function DefineClass(name, def)
	def = def or {}
	def.class = name
	classdefs[name] = def
	rawset(_G, name, def)
end
function OnMsg.Autorun()
	Msg("ClassesGenerate", classdefs)
	for name, def in pairs(classdefs) do
		g_Classes[name] = def
		local parent = def.__parents and def.__parents[1]
		if parent and not classdefs[parent] then
			assert(false, string.format("class %s has an undefined parent %s", name, parent))
		elseif parent then
			setmetatable(def, { __index = classdefs[parent] })
		end
	end
	Msg("ClassesBuilt")
	MsgClear("ClassesBuilt")
end
