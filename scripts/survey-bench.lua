-- wrk script for scripts/survey-bench: each request answers the survey with the next unused
-- one-time token (tokens partitioned between wrk threads), with the double-submit CSRF
-- cookie and field taken from the public page, and a distinct X-Forwarded-For per request.
-- args: TOKENS_FILE CSRF THREADS
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local tokens = {}
local i = 0
local csrf = ""

function init(args)
  local me = tid or 0
  local threads = tonumber(args[3]) or 1
  local n = 0
  local k = 0
  for line in io.lines(args[1]) do
    if n % threads == me then
      k = k + 1
      tokens[k] = line
    end
    n = n + 1
  end
  csrf = args[2]
end

function request()
  i = i + 1
  local t = tokens[i] or "EXHAUSTED"
  local ip = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "ntm_csrf=" .. csrf,
    ["X-Forwarded-For"] = ip,
  }, "_csrf=" .. csrf .. "&answer=satisfied&token=" .. t)
end
