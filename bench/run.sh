#!/usr/bin/env bash
# The side-by-side benchmark: generate, import, serve, load; PostgreSQL 15 with the same data.
#
#   bench/run.sh [--scale N] [--secs S] [--quick] [--no-pg] [--no-curve] [--no-pin] [--out FILE]
#
# Steps: `pillion gen --scale N` (cached under $BENCH_DIR), `pillion import` into a new data
# directory (timed), first start to ready, tokens for 5,000 random riders, then wrk at 40
# connections on every route: the ceiling (GET /health/live), feed, wall, suggestions, single
# post, like/unlike, create post (durable group commit) and a 90/10 read/write mix; the feed and
# the mix again at 1, 10, 100 and 400 connections; time until a new post is in its author's
# friends' feeds (under the mix load); restart to ready. Then PostgreSQL: bench/pg/load.sh loads the
# same files and pgbench (-M prepared, 40 clients) runs the same feed page, suggestions and writes.
#
# By default the server under test (Pillion, and PostgreSQL's processes) runs on core 0 and the
# load generator (wrk, pgbench) on core 1, so both systems get the same one core (--no-pin: no
# pinning). Results: a markdown report on stdout and in --out (default bench/results/scale-N.md).
# --quick: 2-second runs, no curve, no visibility probe: the CI smoke version (no assertions).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scale=1 secs=10 pg=1 curve=1 pin=1 quick=0 out=""
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift ;;
    --secs) secs=$2; shift ;;
    --quick) quick=1; secs=2; curve=0 ;;
    --no-pg) pg=0 ;;
    --no-curve) curve=0 ;;
    --no-pin) pin=0 ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-bench/results/scale-$scale.md}
port=${PILLION_BENCH_PORT:-18282}
bench_dir=${BENCH_DIR:-/tmp/pillion-bench}
conns=40
log() { echo "bench: $*" >&2; }

if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  (apt-get update -qq && apt-get install -y -qq wrk) >&2
fi
cargo build --release --bin pillion >&2
bin=$root/target/release/pillion

pin_server=() pin_load=()
if [ "$pin" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_load=(taskset -c 1)
  export PG_CPUS=0 PGBENCH_CPUS=1
else
  pin=0
fi

mkdir -p "$bench_dir"
gen=$bench_dir/gen-s$scale
if [ ! -f "$gen/.complete" ]; then
  rm -rf "$gen"
  log "generating scale $scale into $gen"
  gen_start=$(date +%s.%N)
  "$bin" gen --scale "$scale" --out "$gen" --quiet
  gen_secs=$(python3 -c "import time; print(f'{time.time() - $gen_start:.1f}')")
  echo "$gen_secs" >"$gen/.complete"
fi
gen_secs=$(cat "$gen/.complete")

data=$bench_dir/data-s$scale
rm -rf "$data"
log "importing into $data"
"$bin" import --format ldbc "$gen" --data "$data" --quiet 2>"$bench_dir/import.log"
import_line=$(tail -1 "$bench_dir/import.log")
import_secs=$(sed -E 's/.* in ([0-9.]+) s:.*/\1/' <<<"$import_line")
import_rels=$(sed -E 's/.* ([0-9]+) relationships\/s.*/\1/' <<<"$import_line")
log "$import_line"

server=""
work=$(mktemp -d)
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the server; sets $ready to the seconds from spawn to /health/ready = 200.
start_server() {
  local t0 t1
  t0=$(date +%s%N)
  "${pin_server[@]}" "$bin" serve --data "$data" --listen "127.0.0.1:$port" \
    --rate-limit 1000000 >/dev/null 2>>"$work/server.log" &
  server=$!
  for _ in $(seq 60000); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; then
      t1=$(date +%s%N)
      ready=$(python3 -c "print(f'{($t1 - $t0) / 1e9:.3f}')")
      return
    fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.01
  done
  echo "server not ready after 600 s" >&2; exit 1
}
stop_server() {
  kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$server/status"; }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$server/status"; }

start_server; first_ready=$ready
log "first start: ready in ${first_ready}s"
riders=$(awk 'END {print NR - 1}' "$gen/dynamic/person_0_0.csv")
sample=$(( riders < 5000 ? riders : 5000 ))
"$bin" token --data "$data" --sample "$sample" --seed 1 >"$work/tokens"
# Public posts: any viewer may read and like them.
awk -F'|' 'NR > 1 && $NF == "public" {print $1}' "$gen/dynamic/post_0_0.csv" \
  | shuf -n 20000 --random-source=<(yes) >"$work/posts"

results=$work/results
: >"$results"
# wrk MODE CONNS -> appends "system mode conns rps p50 p99 p999 errors rss"
load() {
  local mode=$1 c=$2 threads line
  threads=$(( c < 2 ? 1 : 2 ))
  line=$("${pin_load[@]}" wrk -t"$threads" -c"$c" -d"${secs}s" -s bench/load.lua \
    "http://127.0.0.1:$port" -- "$mode" "$work/tokens" "$work/posts" | grep '^RESULT')
  local rps p50 p99 p999 errors
  read -r rps p50 p99 p999 errors < <(sed -E 's/RESULT rps=([^ ]+) p50_ms=([^ ]+) p99_ms=([^ ]+) p999_ms=([^ ]+) errors=([^ ]+).*/\1 \2 \3 \4 \5/' <<<"$line")
  echo "pillion $mode $c $rps $p50 $p99 $p999 $errors $(rss_mb)" | tee -a "$results" >&2
}

for mode in live feed wall suggestions post; do
  load "$mode" "$conns"
done
# Restart on the network as imported (the write routes below add posts and likes).
read_rss=$(hwm_mb)
stop_server
start_server; restart_ready=$ready
restart_rss=$(rss_mb)
log "restart: ready in ${restart_ready}s, RSS ${restart_rss} MB"
for mode in like create mix; do
  load "$mode" "$conns"
done
if [ "$curve" = 1 ]; then
  for c in 1 10 100 400; do
    load feed "$c"
    load mix "$c"
  done
fi

visibility="not measured (--quick)"
if [ "$quick" = 0 ]; then
  "$bin" token --data "$data" --sample "$riders" --seed 2 >"$work/all-tokens"
  log "visibility probe under the 40-connection mix"
  "${pin_load[@]}" wrk -t1 -c"$conns" -d60s -s bench/load.lua "http://127.0.0.1:$port" \
    -- mix "$work/tokens" "$work/posts" >/dev/null &
  bg=$!
  visibility=$("${pin_load[@]}" python3 bench/visibility.py "http://127.0.0.1:$port" \
    "$work/all-tokens" 200 50 | grep '^RESULT' | sed 's/^RESULT //')
  kill "$bg" 2>/dev/null || true; wait "$bg" 2>/dev/null || true
  log "visibility: $visibility"
fi
peak_rss=$(hwm_mb)
stop_server
start_server; late_ready=$ready
late_rss=$(rss_mb)
late_posts=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/pillion_graph_entries\{kind="posts"\}/ {print $2}')
log "restart after the write runs ($late_posts posts): ready in ${late_ready}s, RSS ${late_rss} MB"
stop_server

if [ "$pg" = 1 ]; then
  bench/ensure-postgres.sh >&2
  db=pillion_ref_s$scale
  bench/pg/load.sh "$gen" "$db" >&2
  for script in feed suggestions post_like post; do
    line=$(bench/pg/run.sh "$db" "$script" "$conns" "$secs" -D nriders="$riders" | grep '^pg ')
    read -r tps p50 p99 p999 errors < <(sed -E 's/.*tps=([^ ]+) p50_ms=([^ ]+) p99_ms=([^ ]+) p999_ms=([^ ]+) errors=([^ ]+).*/\1 \2 \3 \4 \5/' <<<"$line")
    echo "postgres $script $conns $tps $p50 $p99 $p999 $errors -" | tee -a "$results" >&2
  done
fi

mkdir -p "$(dirname "$out")"
python3 bench/report.py "$results" \
  --scale "$scale" --secs "$secs" --pinned "$pin" --gen-secs "$gen_secs" \
  --import-secs "$import_secs" --import-rels "$import_rels" --import-line "$import_line" \
  --first-ready "$first_ready" --restart-ready "$restart_ready" --restart-rss "$restart_rss" \
  --peak-rss "$peak_rss" --read-rss "$read_rss" --late-ready "$late_ready" \
  --late-rss "$late_rss" --late-posts "$late_posts" --visibility "$visibility" | tee "$out"
