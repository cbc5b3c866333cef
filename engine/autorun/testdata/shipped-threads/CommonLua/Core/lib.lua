Trace = {}
function dofile(name, fenv, ...)
	Trace[#Trace + 1] = name
	local func, err = loadfile(name, nil, fenv or _ENV)
	if not func then
		syntax_error(err)
		return
	end
	local function helper(ok, ...)
		if ok then return ... end
	end
	return helper(procall(func, ...))
end
function dofolder(folder, fenv, ...)
	local load = folder .. "/__load.lua"
	if io.exists(load) then
		dofile(load, fenv, folder, ...)
		return
	end
	dofolder_files(folder, fenv, ...)
	dofolder_folders(folder, fenv, ...)
end
function dofolder_files(folder, fenv, ...)
	local files = io.listfiles(folder, "*.lua", "non recursive")
	table.sort(files, CmpLower)
	for i = 1, #files do
		if not string.match(files[i], ".*[/\\]__[^/\\]*$") then
			dofile(files[i], fenv, ...)
		end
	end
end
function dofolder_folders(folder, fenv, ...)
	local folders = io.listfiles(folder, "*", "folders")
	table.sort(folders, CmpLower)
	for i = 1, #folders do
		dofolder(folders[i], fenv, ...)
	end
end
function ReloadLua()
	Msg("ReloadLua")
	dofile("CommonLua/Core/autorun.lua")
	Msg("Autorun")
	Msg("AutorunEnd")
	MsgClear("AutorunEnd")
end
