local s = string.rep("a", 1e5)
return s:find(".-.-.-.-.-b")
