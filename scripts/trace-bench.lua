-- wrk script of scripts/trace-bench: each connection waits DELAY ms between requests, so
-- C connections send about C × 1000 / DELAY requests per second (wrk has no rate option).
local delay_ms = 10
function init(args)
  if args[1] then delay_ms = tonumber(args[1]) end
end
function delay()
  return delay_ms
end
