-- Packet match for LuaJIT (Lua 5.1 + the bit library; bit results are
-- signed 32-bit, so rule values are normalised with bit.tobit first).
assert(not jit.status(), "LuaJIT: the JIT compiler is on")
local frames = frames
local band, bor, lshift, tobit = bit.band, bit.bor, bit.lshift, bit.tobit
local byte = string.byte
local rules = {}
for k, r in ipairs(_G.rules) do
  local t = {}
  for i = 1, 10 do t[i] = tobit(r[i]) end
  rules[k] = t
end
local nrules = #rules

function match(f)
  local fr = frames[f]
  local s1, s2, s3, s4, d1, d2, d3, d4, sp1, sp2, dp1, dp2 = byte(fr, 27, 38)
  local src = bor(lshift(s1, 24), lshift(s2, 16), lshift(s3, 8), s4)
  local dst = bor(lshift(d1, 24), lshift(d2, 16), lshift(d3, 8), d4)
  local sport, dport = bor(lshift(sp1, 8), sp2), bor(lshift(dp1, 8), dp2)
  local proto = byte(fr, 24)
  for k = 1, nrules do
    local r = rules[k]
    if band(src, r[2]) == r[1] and band(dst, r[4]) == r[3] and band(sport, r[6]) == r[5]
       and band(dport, r[8]) == r[7] and band(proto, r[10]) == r[9] then
      return k
    end
  end
  return 0
end
