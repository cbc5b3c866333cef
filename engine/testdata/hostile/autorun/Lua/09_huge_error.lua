local t = {}
t[6e7] = 1
error(string.rep("x", 2e6))
