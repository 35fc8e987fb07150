-- wrk script: GET a random path from the file named by the PATHS
-- environment variable (one path per line), with the Authorization header
-- from TOKEN when set. Prints p50/p99 latency at the end.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local token = os.getenv("TOKEN")
local n = 0

function setup(thread)
  n = n + 1
  thread:set("seed", n)
end

function init(args)
  math.randomseed(seed)
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  io.write(string.format("requests/s %.1f p50_ms %.2f p99_ms %.2f non2xx %d errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
