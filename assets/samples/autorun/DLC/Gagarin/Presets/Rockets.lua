-- A DLC's Presets/ folder runs in step "Data", after CommonLua/Data and Data/.
PlaceObj("RocketTemplate", { "id", "Gagarin", "cargo", 60 })
