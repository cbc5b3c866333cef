-- Engine functions copied to locals, as shipped game code does.
local GetMapSize = GetMapSize
local floor = math.floor
local size = GetMapSize()
HalfWidth = floor(size.x / 2) + 1

local objs = GetObjects("Building")
for _, o in ipairs(objs) do error("a stand-in list is empty") end
table.insert(objs, "recorded")
ObjectCount = #objs

-- nil tests see nil: an optional mod is absent, a table made on first load
if OptionalMod then error("OptionalMod must be nil") end
MyRegistry = MyRegistry or {}

-- const and config: missing fields are stand-ins, tested ones nil
local speed = const.UnitSpeed * 2
if config.DebugOverlay then error("a tested config field must be nil") end
