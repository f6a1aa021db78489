-- wrk script for bench/cypher/run.sh. Args: QUERY TOKEN_FILE IDS_FILE
--   QUERY: q1 (friends of friends) | q2 (friends of friends who are not friends)
--   TOKEN_FILE: one operator token (pillion token --admin); POST /v1/cypher is operator-only
--   IDS_FILE: rider ids, one per line
-- Every request asks about a random rider ($id), so the server walks a different part of the graph
-- each time. done() prints one RESULT line (bytes: the mean response size, headers included).
local queries = {
  q1 = "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id RETURN c",
  q2 = "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id"
    .. " AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c",
}
local query, headers, ids = nil, nil, {}

function init(args)
  query = queries[args[1]]
  if not query then error("unknown query " .. tostring(args[1]) .. " (q1 | q2)") end
  local token = io.open(args[2]):read("*l")
  headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  for line in io.lines(args[3]) do
    if line:match("^%d+$") then ids[#ids + 1] = line end
  end
  -- The query holds no '"' or '\', so it goes into the JSON string as it is.
  query = '{"query":"' .. query .. '","params":{"id":'
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return wrk.format("POST", "/v1/cypher", headers, query .. ids[math.random(#ids)] .. "}}")
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%d requests=%d bytes=%.0f\n",
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, summary.requests,
    summary.bytes / math.max(summary.requests, 1)))
end
