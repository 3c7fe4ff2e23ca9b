-- A lifecycle write on a random one of N bulk-loaded sessions.
-- wrk -s write.lua -- <dialect> <op: patch|cancel> <N> <token> <tenant-or-team>
-- patch: Everruns and Recoup PATCH the title, Agentcloud edits the variables (POST .../edit); TrueFoundry has none.
-- cancel: TrueFoundry, Everruns and Agentcloud (repeatable: a cancelled session answers 200 again).
local dialect, op, n, token, scope
local counter = 0

function init(args)
  dialect, op, n, token, scope = args[1], args[2], tonumber(args[3]), args[4], args[5]
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

local function public_id(i)
  return "session_00000000000070008000" .. string.format("%012x", i)
end

local function object_id(i)
  return string.format("%024x", i)
end

function request()
  local i = math.random(1, n)
  counter = counter + 1
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if op == "patch" then
    if dialect == "everruns" then
      return wrk.format("PATCH", "/v1/sessions/" .. public_id(i), headers, '{"title":"bench patch ' .. counter .. '"}')
    elseif dialect == "recoup" then
      return wrk.format("PATCH", "/api/sessions/" .. public_id(i), headers, '{"title":"bench patch ' .. counter .. '"}')
    else -- agentcloud
      local oid = object_id(i)
      return wrk.format("POST", "/" .. scope .. "/forms/session/" .. oid .. "/edit", headers,
        '{"sessionId":"' .. oid .. '","variables":{"bench":' .. counter .. '}}')
    end
  else
    if dialect == "truefoundry" then
      return wrk.format("POST", "/" .. scope .. "/v1/agents/sessions/" .. public_id(i) .. "/cancel", headers, "{}")
    elseif dialect == "everruns" then
      return wrk.format("POST", "/v1/sessions/" .. public_id(i) .. "/cancel", headers, nil)
    else -- agentcloud
      local oid = object_id(i)
      return wrk.format("POST", "/" .. scope .. "/forms/session/" .. oid .. "/cancel", headers,
        '{"sessionId":"' .. oid .. '"}')
    end
  end
end
