Trace[#Trace + 1] = "Lib: " .. CurrentModId .. " " .. CurrentModPath
LibLoaded = true
