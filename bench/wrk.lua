-- wrk script for bench/run.py: GET the request paths of a file, one per line, in order.
--
--   wrk -t T -c C -d 6s -s bench/wrk.lua http://127.0.0.1:PORT -- PATHS_FILE START ACCEPT T [ENCODING]
--
-- ENCODING, when given, is sent as Accept-Encoding (``gzip``: what browsers and crawlers send).
--
-- The T wrk threads walk the list together from START, interleaved (thread i sends the paths at
-- START + i + 1, START + i + 1 + T, ...), so a path comes back only after the whole list went by:
-- with lists longer than the answer caches (LRU), a workload of distinct queries stays cache-cold. done() prints one JSON line that run.py reads; errors are
-- counted there (status = responses outside 2xx/3xx, plus connect/read/write/timeout errors).

local threads_started = 0
local threads = {}

function setup(thread)
  thread:set("tid", threads_started)
  threads_started = threads_started + 1
  threads[threads_started] = thread
end

function init(args)
  local file, start, accept = args[1], tonumber(args[2] or "0"), args[3]
  local nthreads = tonumber(args[4] or "1")
  requests_list = {}
  for line in io.lines(file) do
    if #line > 0 then
      requests_list[#requests_list + 1] = line
    end
  end
  local headers = { ["Accept"] = accept or "application/sparql-results+json" }
  if args[5] and #args[5] > 0 then
    headers["Accept-Encoding"] = args[5]
  end
  for i = 1, #requests_list do
    requests_list[i] = wrk.format("GET", requests_list[i], headers)
  end
  step = nthreads
  position = (start + (tid or 0)) % #requests_list
  sent = 0
end

function request()
  local request = requests_list[position + 1]
  position = (position + step) % #requests_list
  sent = sent + 1
  return request
end

function done(summary, latency, requests)
  local e = summary.errors
  -- how far the walk went: the thread that sent most, times the number of threads
  local most = 0
  for _, thread in ipairs(threads) do
    most = math.max(most, thread:get("sent") or 0)
  end
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "mean_us": %.1f, "walked": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, most * #threads))
end
