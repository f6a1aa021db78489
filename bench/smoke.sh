#!/usr/bin/env bash
# A short smoke benchmark: seeds a small network over HTTP, then drives the server with wrk at
# 40 connections for a few seconds per route, the ceiling (GET /health/live) measured in the same
# run. Prints a markdown table. Usage: bench/smoke.sh [SECONDS] [RIDERS] [POSTS_PER_RIDER]
# The full benchmark (generator, import, PostgreSQL side by side) is bench work of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
riders=${2:-200}
posts=${3:-20}
conns=40
port=${PILLION_BENCH_PORT:-18181}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  (apt-get update -qq && apt-get install -y -qq wrk) >&2
fi
cargo build --release --bin pillion >&2

work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
# Pin the server and the load generator to separate cores where there are two.
pin_server=(); pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0); pin_load=(taskset -c 1)
fi
"${pin_server[@]}" target/release/pillion serve --data "$work/data" --listen "127.0.0.1:$port" \
  --insecure-fast-hashing --rate-limit 1000000 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
python3 bench/seed.py "http://127.0.0.1:$port" "$riders" "$posts" "$work/tokens"
first_post=$(curl -fs "http://127.0.0.1:$port/v1/feed?limit=1" -H "authorization: Bearer $(head -1 "$work/tokens")" \
  | python3 -c 'import sys,json; print(json.load(sys.stdin)["items"][0]["id"])')

run() { # name method path [body]
  local name=$1; shift
  local out
  out=$("${pin_load[@]}" wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/wrk.lua \
    "http://127.0.0.1:$port" -- "$work/tokens" "$@")
  local rps p50 p99 errs rss
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx/ {print $5}' <<<"$out"); errs=${errs:-0}
  rss=$(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$server/status")
  echo "$name|$rps|$p50|$p99|$errs|$rss"
}

results=()
results+=("$(run 'GET /health/live (ceiling)' GET /health/live)")
results+=("$(run 'GET /v1/feed?limit=10' GET '/v1/feed?limit=10')")
results+=("$(run "GET /v1/posts/{id}" GET "/v1/posts/$first_post")")
results+=("$(run 'GET /v1/me/suggestions' GET /v1/me/suggestions)")
results+=("$(run 'POST /v1/posts (durable)' POST /v1/posts '{"body":"bench post","visibility":"public","interests":["Alps"]}')")

ceiling=$(cut -d'|' -f2 <<<"${results[0]}")
echo
echo "smoke: $riders riders, $((riders * posts)) seeded posts, $conns connections, ${secs}s per route, $(nproc) cores"
echo
echo "| route | req/s | vs ceiling | p50 | p99 | non-2xx | server RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r name rps p50 p99 errs rss <<<"$r"
  ratio=$(python3 -c "print(f'{float($rps)/float($ceiling):.2f}')")
  echo "| $name | $rps | $ratio | $p50 | $p99 | $errs | $rss |"
done
