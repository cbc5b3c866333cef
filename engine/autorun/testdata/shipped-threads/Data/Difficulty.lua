DataFiles[#DataFiles + 1] = "Difficulty"
