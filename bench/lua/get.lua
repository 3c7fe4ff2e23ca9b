-- GET a random one of N bulk-loaded sessions. Set by run.sh through environment-free globals below.
-- wrk -s get.lua -- <dialect> <N> <token> <tenant-or-team>
local dialect, n, token, scope
local counter = 0

function init(args)
  dialect, n, token, scope = args[1], tonumber(args[2]), args[3], args[4]
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

local function id_hex(i, width)
  return string.format("%0" .. width .. "x", i)
end

function request()
  local i = math.random(1, n)
  local path
  if dialect == "truefoundry" then
    path = "/" .. scope .. "/v1/agents/sessions/session_00000000000070008000" .. id_hex(i, 12)
  elseif dialect == "everruns" then
    path = "/v1/sessions/session_00000000000070008000" .. id_hex(i, 12)
  elseif dialect == "agentcloud" then
    path = "/" .. scope .. "/session/" .. id_hex(i, 24) .. ".json"
  else
    path = "/api/sessions/session_00000000000070008000" .. id_hex(i, 12)
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
