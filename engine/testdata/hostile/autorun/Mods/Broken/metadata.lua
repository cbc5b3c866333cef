return PlaceObj("ModDef", {
  "id", "Broken",
  "code" {"Code/b.lua"},
})
