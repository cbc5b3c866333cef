return "lib_only.lib"
