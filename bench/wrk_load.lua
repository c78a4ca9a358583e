-- wrk script for bench/pledges.py.
--
--   wrk -t2 -c32 -d20s -s bench/wrk_load.lua http://127.0.0.1:8108 -- MODE RUN STOP_AT PATH
--
-- MODE "signup" POSTs a new pledge with a unique email on every request; "get" GETs PATH.
-- Every request comes from a random client address (X-Forwarded-For; the server trusts one proxy),
-- so the per-address limits stay on as in production. Requests stop being sent at STOP_AT (Unix
-- time, seconds): wrk itself runs a little longer, so every request sent gets its answer and the
-- rows written can be compared with the answers counted. Answers are counted per status code and
-- printed as one JSON line starting with WRK_JSON.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } hfs_timeval;
  int gettimeofday(hfs_timeval *tv, void *tz);
]]
local tv = ffi.new("hfs_timeval")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local countries = { "KE", "IN", "BR", "FR", "US", "CN", "NG", "MX", "JP", "EG", "RU", "ES", "SA", "ZA", "ID" }
-- Confirmation emails go out in the pledger's language: a mix, as on a real launch day.
local languages = { "en", "en", "en", "fr", "es", "ar" }

function init(args)
  mode = args[1]
  run = args[2]
  stop_at = tonumber(args[3])
  path = args[4]
  statuses = {}
  sent = 0
  counter = 0
  math.randomseed(tid * 7919 + math.floor(now() * 1000) % 100000)
end

local function client_ip()
  return math.random(11, 220) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
end

function delay()
  -- After the deadline, hold every connection idle until wrk stops: nothing more is sent.
  if now() >= stop_at then
    return 3600000
  end
  return 0
end

function request()
  sent = sent + 1
  if mode == "signup" then
    counter = counter + 1
    local body = '{"first_name":"Bench","email":"b' .. run .. "-" .. tid .. "-" .. counter ..
      '@bench.example","country":"' .. countries[math.random(#countries)] ..
      '","consent":true,"language":"' .. languages[math.random(#languages)] .. '"}'
    return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = client_ip() }, body)
  end
  return wrk.format("GET", path, { ["X-Forwarded-For"] = client_ip() })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged, total_sent = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
    total_sent = total_sent + thread:get("sent")
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"statuses":{%s},"sent":%d,"answered":%d,"duration_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    table.concat(parts, ","), total_sent, summary.requests, summary.duration,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
