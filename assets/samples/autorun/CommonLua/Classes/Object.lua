-- Declared after Building, although Building inherits from it: order does not matter
-- until the classes are built. This is the call form of DefineClass.
DefineClass("Object")

function Object:Init()
	self.handle = (self.handle or 0) + 1
end

function Object:GetName()
	return self.display_name or self.class
end
