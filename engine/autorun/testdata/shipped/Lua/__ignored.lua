error("files starting with __ are not loaded by dofolder_files")
