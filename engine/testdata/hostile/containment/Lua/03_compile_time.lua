-- 10 chains of 3,900 multiplications: the compiler folds each chain's
-- whole subtree at every level (n^2/2 steps each), 3 s and more in all (a 16 MB file of them: minutes)
local parts = {}
for i = 1, 3900 do parts[i] = "a" end
local chain = "x = " .. table.concat(parts, " * ") .. "\n"
local f, err = loadstring(string.rep(chain, 10))
CompileError = err
