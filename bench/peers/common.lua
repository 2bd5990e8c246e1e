-- The workloads of the Lua peers (Lua 5.4 and LuaJIT alike; the packet
-- match needs bit operations and lives in packet54.lua / packetjit.lua).
-- Data tables (task_prio, frames, rules, vec_x, vec_y0) are
-- pushed by lua_sys.c before this file runs; they are 1-based.

-- dispatch: a counted loop, sum of 0..n-1
function loop(n)
  local s = 0
  for i = 0, n - 1 do s = s + i end
  return s
end

-- dispatch: recursive fib
local function fibr(n)
  if n < 2 then return n end
  return fibr(n - 1) + fibr(n - 2)
end
fib = fibr

-- scheduler pick: index + 1 of the task of highest priority among the
-- first n (first on ties; all are runnable), 0 if n is 0
local prio = task_prio
function pick(n)
  local best, bp = 0, -2147483648
  for i = 1, n do
    local p = prio[i]
    if p > bp then best, bp = i, p end
  end
  return best
end

-- reduction: sum of a vector, and y = y + x element-wise
local x, y, y0 = vec_x, {}, vec_y0
local len = #x
function sum()
  local s = 0
  for i = 1, len do s = s + x[i] end
  return s
end
function vadd()
  for i = 1, len do y[i] = y[i] + x[i] end
  return 0
end
function vreset()
  for i = 1, len do y[i] = y0[i] end
end
function vtotal()
  local s = 0
  for i = 1, len do s = s + y[i] end
  return s
end

-- entry cost
function empty() return 0 end
