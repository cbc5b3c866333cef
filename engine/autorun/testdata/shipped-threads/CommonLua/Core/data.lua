DataFiles = {}
DataLoaded = false
-- LoadData in the shape of the engine's CommonLua/Dlc.lua
function LoadData()
	Msg("DataLoading")
	MsgClear("DataLoading")
	dofolder("Data")
	Msg("DataPreprocess")
	MsgClear("DataPreprocess")
	Msg("DataLoaded")
	MsgClear("DataLoaded")
	DataLoaded = true
end
