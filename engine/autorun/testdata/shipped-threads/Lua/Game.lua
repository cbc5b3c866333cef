function OnMsg.DataLoaded()
	Note("DataLoaded handler", tostring(#DataFiles))
end
