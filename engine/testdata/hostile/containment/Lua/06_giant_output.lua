-- print/io.write/string.format of many big arguments: bounded, never joined whole
local s = string.rep("y", 60 * 1048576)
local t = {}
for i = 1, 100 do t[i] = s end
print(unpack(t))
io.write(unpack(t))
FormatOK, FormatErr = pcall(string.format, string.rep("%s", 40), unpack(t, 1, 40))
