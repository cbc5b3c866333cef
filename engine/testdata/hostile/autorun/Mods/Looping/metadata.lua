-- a metadata file that never returns
while true do end
