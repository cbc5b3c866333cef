local lib = require("lib_only.lib")
from_lib = lib
