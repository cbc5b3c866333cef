-- Second loading step for the diff golden: changes made to fixture.lua's globals.
Counter = 5
List[4] = 40
Old = nil
NewThing = { "brand", "new" }
function Greet(name)
  return "hi " .. name
end
rawset(Mod, "ratio", nil)
rawset(Mod, "added", 42)
rawset(Mod, "version", "3.1")
Shared.a = 2
