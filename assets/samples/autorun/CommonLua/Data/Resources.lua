-- Step "Data" (first load only): data files run after the Start message.
-- PlaceObj(class, props) builds an object from a flat list of keys and values;
-- objects with an id are kept in Presets[class][id].
PlaceObj("Resource", { "id", "Water", "display_name", T(1001, "Water"), "stockpile", 40 })
PlaceObj("Resource", { "id", "Oxygen", "display_name", T(1002, "Oxygen"), "stockpile", 25 })
