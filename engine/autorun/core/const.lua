-- [core]/const.lua: the const table and the math functions.
local core, prim = ...

const = const or {}
const.Scale = const.Scale or { m = 100, km = 100000, sec = 1000, min = 60000, h = 3600000, percent = 1 }
const.HourDuration = const.HourDuration or 3600000
const.DayDuration = const.DayDuration or 86400000

function Min(a, b, ...) if select("#", ...) > 0 then return Min(a < b and a or b, ...) end return a < b and a or b end
function Max(a, b, ...) if select("#", ...) > 0 then return Max(a > b and a or b, ...) end return a > b and a or b end
function Clamp(x, lo, hi) if x < lo then return lo elseif x > hi then return hi end return x end
function abs(x) return x < 0 and -x or x end
function MulDivRound(a, b, c) return math.floor(a * b / c + 0.5) end
function MulDivTrunc(a, b, c) local r = a * b / c return r < 0 and math.ceil(r) or math.floor(r) end
function DivRound(a, b) return math.floor(a / b + 0.5) end
function sqrt(x) return math.floor(math.sqrt(x)) end
function Lerp(a, b, t, scale) scale = scale or 1000 return a + (b - a) * t / scale end
function AsyncRand(n)
	if n == nil then return prim.rand(2147483647) end
	if type(n) == "table" then return n[prim.rand(#n) + 1] end
	if n <= 0 then return 0 end
	return prim.rand(n)
end
InteractionRand = AsyncRand
function BraidRandom(seed, n) return prim.rand(n or 2147483647) end
