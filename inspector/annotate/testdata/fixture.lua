-- A small game API in the shapes annotate must recognise.

MaxColonists = 20
GameName = "Red \"Planet\""
Debug = false
Weird = "line one\nline two"

-- a Haemimont-style class, already built (members copied down)
local function building_init(self, pos, owner) self.pos = pos; self.owner = owner end
Building = { class = "Building", __parents = {}, capacity = 0, Init = building_init }
Building.__index = Building
function Building:GetCapacity() return self.capacity end
function Building.Count(list, ...) return select("#", ...) end

Dome = { class = "Dome", __parents = { "Building" }, capacity = 10, radius = 5 }
Dome.__index = Dome
Dome.Init = building_init            -- inherited: the same function
Dome.GetCapacity = Building.GetCapacity
function Dome:Expand(by, animate) self.radius = self.radius + by end

-- classic metatable inheritance
Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({ name = name }, Animal) end
function Animal:Speak(loudly) end
Dog = setmetatable({}, { __index = Animal })
Dog.__index = Dog
function Dog:Fetch(item, distance) return item end

-- a plain table of functions, constants and a nested table
Colony = { version = 3, names = { "a", "b", "c" }, settings = { difficulty = "hard", nested = { deep = { deeper = 1 } } } }
function Colony.Spawn(kind, count) return {} end
function Colony.Log(fmt, ...) end
Colony.self_ref = Colony
Colony.dome_class = Dome

function SpawnColonist(name, age, traits) end
function Noop() end
_G["odd key"] = 1
_G["end"] = 2
