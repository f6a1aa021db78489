-- Rotates bearer tokens across requests. Args: TOKENS_FILE METHOD PATH [BODY]
local tokens, method, path, body = {}, "GET", "/", nil
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  method, path, body = args[2], args[3], args[4]
  i = math.random(#tokens)
end

function request()
  i = i % #tokens + 1
  local headers = { ["Authorization"] = "Bearer " .. tokens[i] }
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end
