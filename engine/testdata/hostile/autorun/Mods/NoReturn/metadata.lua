local def = PlaceObj("ModDef", {"id", "NoReturn"})
