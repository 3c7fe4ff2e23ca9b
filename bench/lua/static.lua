-- GET one fixed path with a bearer header (nginx, WireMock, Prism). wrk -s static.lua -- <path> <token>
local path, token
function init(args)
  path, token = args[1], args[2]
end
function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
