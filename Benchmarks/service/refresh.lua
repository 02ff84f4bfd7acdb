-- wrk: POST /auth/refresh, each response's successor token feeding a later request.
-- Tokens come from $TOKENS (one per line), split between wrk's threads.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  queue = {}
  local n = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if n % tonumber(os.getenv("THREADS") or "1") == id then table.insert(queue, line) end
    n = n + 1
  end
  failures = 0
end

function request()
  local token = table.remove(queue, 1)
  if token == nil then token = "exhausted-token-pool-xxxxxxxxxxxxxxxxxxxxxxx" end
  return wrk.format("POST", "/auth/refresh", {["Content-Type"] = "application/json"},
                    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    local successor = body:match('"refresh_token":"([^"]+)"')
    if successor then table.insert(queue, successor) end
  else
    failures = failures + 1
  end
end
