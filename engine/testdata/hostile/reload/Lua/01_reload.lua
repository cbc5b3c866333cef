Loads = (Loads or 0) + 1
ReloadLua()
