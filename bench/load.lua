-- wrk script for bench/run.sh. Args: MODE TOKENS_FILE POSTS_FILE
--   MODE: live | feed | wall | suggestions | post | like | create | mix
--   TOKENS_FILE: "<rider id> <token>" lines (pillion token --sample N)
--   POSTS_FILE: public post ids, one per line (any rider may read and like them)
-- Each request picks a random rider's token (and a random post / wall where the route needs
-- one), so the server sees many viewers, as in production. done() prints one RESULT line.
local mode, ids, tokens, posts = "feed", {}, {}, {}
local like_state = {}

function init(args)
  mode = args[1]
  for line in io.lines(args[2]) do
    local id, tok = line:match("^(%d+)%s+(%S+)$")
    if id then
      ids[#ids + 1] = id
      tokens[#tokens + 1] = tok
    end
  end
  if args[3] then
    for line in io.lines(args[3]) do
      if #line > 0 then posts[#posts + 1] = line end
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

local function auth(i, json)
  local h = { ["Authorization"] = "Bearer " .. tokens[i] }
  if json then h["Content-Type"] = "application/json" end
  return h
end

local bodies = {
  '{"body":"Morning loop over the Galibier, roads dry, 14 degrees at the top.","visibility":"friends","interests":["Alps"]}',
  '{"body":"New tyres fitted. Anyone up for a ride on Sunday?","visibility":"public","interests":["track days","BMW R 1200 GS"],"place":{"name":"Lyon","lat":45.76,"lon":4.84}}',
  '{"body":"Chain cleaned and lubed, 12,000 km on this set.","visibility":"friends","photos":[{"url":"https://img.example/1.jpg","width":1600,"height":1200}]}',
}

local function create(i)
  return wrk.format("POST", "/v1/posts", auth(i, true), bodies[math.random(#bodies)])
end

-- PUT then DELETE the same like, so that every request is a real durable change.
local function like(i)
  local key = i
  local p = like_state[key]
  if p then
    like_state[key] = nil
    return wrk.format("DELETE", "/v1/posts/" .. p .. "/like", auth(i))
  end
  p = posts[math.random(#posts)]
  like_state[key] = p
  return wrk.format("PUT", "/v1/posts/" .. p .. "/like", auth(i))
end

local routes = {
  live = function(i) return wrk.format("GET", "/health/live") end,
  feed = function(i) return wrk.format("GET", "/v1/feed?limit=10", auth(i)) end,
  wall = function(i)
    return wrk.format("GET", "/v1/riders/" .. ids[math.random(#ids)] .. "/wall?limit=10", auth(i))
  end,
  suggestions = function(i) return wrk.format("GET", "/v1/me/suggestions?limit=10", auth(i)) end,
  post = function(i) return wrk.format("GET", "/v1/posts/" .. posts[math.random(#posts)], auth(i)) end,
  like = like,
  create = create,
}

-- 90% reads, 10% writes.
routes.mix = function(i)
  local r = math.random(100)
  if r <= 50 then return routes.feed(i)
  elseif r <= 65 then return routes.wall(i)
  elseif r <= 80 then return routes.post(i)
  elseif r <= 90 then return routes.suggestions(i)
  elseif r <= 95 then return create(i)
  else return like(i) end
end

function request()
  return routes[mode](math.random(#tokens))
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%d requests=%d\n",
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, summary.requests))
end
