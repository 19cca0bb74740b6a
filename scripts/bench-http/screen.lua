-- wrk script for scripts/bench-http.sh: POST /v1/screen with the bodies of
-- the file $BODIES (one JSON document a line), each thread cycling through
-- them from its own offset. Every response must be 200: done() prints the
-- count of the others by status, and "non-200: N" that the shell script
-- checks.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BODIES")
  if path == nil or path == "" then
    error("BODIES is not set")
  end
  bodies = {}
  for line in io.lines(path) do
    if line ~= "" then
      bodies[#bodies + 1] = line
    end
  end
  if #bodies == 0 then
    error("no bodies in " .. path)
  end
  -- Threads start at different places in the file.
  n = (id * 7919) % #bodies
  non200 = 0
  statuses = {}
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  n = n % #bodies + 1
  return wrk.format("POST", "/v1/screen", headers, bodies[n])
end

function response(status, hdrs, body)
  if status ~= 200 then
    non200 = non200 + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, by = 0, {}
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
    for status, count in pairs(t:get("statuses")) do
      by[status] = (by[status] or 0) + count
    end
  end
  for status, count in pairs(by) do
    io.write(string.format("status %d: %d responses\n", status, count))
  end
  local e = summary.errors
  io.write(string.format("non-200: %d\n", bad))
  io.write(string.format("socket errors: %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("requests: %d in %.2f s: %.0f req/s\n", summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
