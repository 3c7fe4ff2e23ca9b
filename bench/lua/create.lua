-- POST a create in one dialect. wrk -s create.lua -- <dialect> <token> <scope> <agent-or-app-id>
local dialect, token, scope, agent

function init(args)
  dialect, token, scope, agent = args[1], args[2], args[3], args[4]
end

function request()
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if dialect == "truefoundry" then
    return wrk.format("POST", "/" .. scope .. "/v1/agents/sessions", headers, '{"agent_name":"' .. agent .. '"}')
  elseif dialect == "everruns" then
    return wrk.format("POST", "/v1/sessions", headers, '{"agent_id":"' .. agent .. '","title":"bench"}')
  elseif dialect == "agentcloud" then
    return wrk.format("POST", "/" .. scope .. "/forms/session/add", headers, '{"id":"' .. agent .. '"}')
  else
    return wrk.format("POST", "/api/sessions", headers, '{"title":"bench"}')
  end
end
