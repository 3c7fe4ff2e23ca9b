-- DELETE each of a list of sessions loaded for the purpose, each once: ids first..last (the bulk load's numbering),
-- split between wrk's threads (thread k takes first+k, first+k+T, ...).
-- wrk -t<T> -s delete.lua -- <dialect> <first> <last> <T> <token> <tenant-or-team>
-- When a thread's share runs out it stops (wrk.thread:stop()); wrk still divides by the whole duration, so a run
-- whose list ran out understates the rate: done() prints "delete-pool: sent S of P, ran out: yes|no" and
-- bench/run.sh marks such a row. Deletes sent after the last response read (in flight when wrk stops) are not
-- counted by wrk; the next id list starts after them.
local threads = {}
local dialect, first, last, stride, token, scope, next_i
-- globals, so that setup() and done() reach them through thread:set and thread:get: index, sent, ran_out, pool

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  dialect, first, last, stride, token, scope =
    args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4]), args[5], args[6]
  next_i = first + index
  pool = last - first + 1
  sent = 0
  ran_out = "no"
end

function request()
  local i = next_i
  if i > last then
    ran_out = "yes"
    wrk.thread:stop()
    i = last -- something must be returned; the loop stops before its answer is read
  else
    next_i = next_i + stride
    sent = sent + 1
  end
  local headers = { ["Authorization"] = "Bearer " .. token }
  if dialect == "everruns" then
    return wrk.format("DELETE", "/v1/sessions/session_00000000000070008000" .. string.format("%012x", i), headers)
  elseif dialect == "recoup" then
    return wrk.format("DELETE", "/api/sessions/session_00000000000070008000" .. string.format("%012x", i), headers)
  else -- agentcloud: the vendor reads the id from the body
    local oid = string.format("%024x", i)
    headers["Content-Type"] = "application/json"
    return wrk.format("DELETE", "/" .. scope .. "/forms/session/" .. oid, headers, '{"sessionId":"' .. oid .. '"}')
  end
end

function done(summary, latency, requests)
  local total, out, size = 0, "no", 0
  for _, t in ipairs(threads) do
    size = t:get("pool")
    total = total + t:get("sent")
    if t:get("ran_out") == "yes" then out = "yes" end
  end
  io.write(string.format("delete-pool: sent %d of %d, ran out: %s\n", total, size, out))
end
