-- written on Windows
local lines = {}
lines[#lines + 1] = "a"
lines[#lines + 1] = [[b
c]]
crlf_ok = #lines == 2 and lines[2] == "b\nc"
