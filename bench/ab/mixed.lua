-- TrueFoundry: creates and GETs of a session alternately (the GET reads the first session this connection created),
-- so that one pooled connection runs the statements of both paths; with a fifth argument "get", GETs only after
-- that first create. wrk -s mixed.lua -- truefoundry <token> <tenant> <agent> [get]
local token, tenant, agent, only_get
local id = nil
local n = 0

function init(args)
  token, tenant, agent, only_get = args[2], args[3], args[4], args[5] == "get"
end

function request()
  n = n + 1
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if id ~= nil and (only_get or n % 2 == 0) then
    return wrk.format("GET", "/" .. tenant .. "/v1/agents/sessions/" .. id, headers)
  end
  return wrk.format("POST", "/" .. tenant .. "/v1/agents/sessions", headers, '{"agent_name":"' .. agent .. '"}')
end

function response(status, headers, body)
  if id == nil and status == 201 then
    id = string.match(body, '"id"%s*:%s*"([^"]+)"')
  end
end
