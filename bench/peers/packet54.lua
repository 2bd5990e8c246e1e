-- Packet match for Lua 5.4 (integer bit operators): index + 1 of the first
-- of the rules whose (value, mask) pairs all match frame f's 5-tuple.
local frames, rules = frames, rules
local byte = string.byte
local nrules = #rules

function match(f)
  local fr = frames[f]
  local s1, s2, s3, s4, d1, d2, d3, d4, sp1, sp2, dp1, dp2 = byte(fr, 27, 38)
  local src = s1 << 24 | s2 << 16 | s3 << 8 | s4
  local dst = d1 << 24 | d2 << 16 | d3 << 8 | d4
  local sport, dport = sp1 << 8 | sp2, dp1 << 8 | dp2
  local proto = byte(fr, 24)
  for k = 1, nrules do
    local r = rules[k]
    if src & r[2] == r[1] and dst & r[4] == r[3] and sport & r[6] == r[5]
       and dport & r[8] == r[7] and proto & r[10] == r[9] then
      return k
    end
  end
  return 0
end
