-- Step "CommonLua/Classes": common classes. Files run sorted by name, so this
-- file runs BEFORE Object.lua, which declares Building's parent.
-- That is fine: DefineClass only records the class here (the global Building
-- refers to the class table at once); inheritance is resolved later, when the
-- classes are built in the core's own Autorun handler, just before
-- Msg("ClassesBuilt").
DefineClass.Building = {
	__parents = { "Object" },
	build_points = 100,
	working = false,
}

function Building:Work()
	self.working = true
	ColonyLog("%s starts working", self.class)
end
