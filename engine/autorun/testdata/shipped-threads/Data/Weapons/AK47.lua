DataFiles[#DataFiles + 1] = "AK47"
