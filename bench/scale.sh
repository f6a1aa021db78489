#!/usr/bin/env bash
# Does the cost of a page grow with the network? Scale 1 and scale N side by side, interleaved.
#
#   bench/scale.sh [--scale N] [--rounds R] [--secs S] [--out FILE]
#
# Imports fresh copies of the generated networks of scale 1 and scale N (generated and cached
# under $BENCH_DIR like bench/run.sh does), starts a server on each (both on core 0, wrk on core
# 1; only one of them is under load at a time), then runs, R times, the feed and the suggestions
# route at 40 connections against scale 1 and right after against scale N. This machine is shared
# and its noise comes and goes over minutes: interleaving gives both scales the same noise, so
# the ratios of each pair mean more than two runs taken half an hour apart. Run as root, the
# servers and wrk also get the highest CFS priority (nice -20), so other work on the machine
# (builds) keeps about 1% of their cores instead of half. Reports each pair and the median ratio
# per route (target: p99 at scale N at most 2x scale 1).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scale=100 rounds=3 secs=10 out=""
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --secs) secs=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench/scale.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-bench/results/scale-1-vs-$scale.md}
bench_dir=${BENCH_DIR:-/tmp/pillion-bench}
log() { echo "scale: $*" >&2; }

command -v wrk >/dev/null || { (apt-get update -qq && apt-get install -y -qq wrk) >&2; }
cargo build --release --bin pillion >&2
bin=$root/target/release/pillion
pin_server=() pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_load=(taskset -c 1)
fi
if [ "$(id -u)" = 0 ]; then
  pin_server=(nice -n -20 "${pin_server[@]}") pin_load=(nice -n -20 "${pin_load[@]}")
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# prepare S PORT: generate (cached), import fresh, start, wait until ready, mint tokens.
prepare() {
  local s=$1 port=$2 gen=$bench_dir/gen-s$1 data=$bench_dir/scale-data-s$1
  mkdir -p "$bench_dir"
  if [ ! -f "$gen/.complete" ]; then
    rm -rf "$gen"
    log "generating scale $s"
    local t0; t0=$(date +%s.%N)
    "$bin" gen --scale "$s" --out "$gen" --quiet
    python3 -c "import time; print(f'{time.time() - $t0:.1f}')" >"$gen/.complete"
  fi
  rm -rf "$data"
  log "importing scale $s"
  "$bin" import --format ldbc "$gen" --data "$data" --quiet 2>"$work/import-$s.log"
  "${pin_server[@]}" "$bin" serve --data "$data" --listen "127.0.0.1:$port" \
    --rate-limit 1000000 >/dev/null 2>>"$work/server-$s.log" &
  pids+=($!)
  local t0; t0=$(date +%s)
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/server-$s.log" >&2; exit 1; }
    sleep 0.1
  done
  log "scale $s ready after $(( $(date +%s) - t0 )) s"
  "$bin" token --data "$data" --sample 5000 --seed 1 >"$work/tokens-$s"
}

# run S PORT ROUTE -> "rps p50 p99 p999 errors"
run() {
  "${pin_load[@]}" wrk -t2 -c40 -d"${secs}s" -s bench/load.lua "http://127.0.0.1:$2" \
    -- "$3" "$work/tokens-$1" | grep '^RESULT' \
    | sed -E 's/RESULT rps=([^ ]+) p50_ms=([^ ]+) p99_ms=([^ ]+) p999_ms=([^ ]+) errors=([^ ]+).*/\1 \2 \3 \4 \5/'
}

prepare 1 18301
prepare "$scale" 18302
results=$work/results
: >"$results"
for round in $(seq "$rounds"); do
  for route in feed suggestions; do
    small=$(run 1 18301 "$route")
    big=$(run "$scale" 18302 "$route")
    echo "$round $route $small $big" | tee -a "$results" >&2
  done
done

mkdir -p "$(dirname "$out")"
python3 - "$results" "$scale" "$secs" <<'EOF' | tee "$out"
import statistics, sys, datetime
path, scale, secs = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [l.split() for l in open(path) if l.strip()]
print(f"## Scale 1 against scale {scale}, interleaved — {datetime.date.today()}\n")
print(f"`bench/scale.sh --scale {scale}`: both servers on core 0, wrk on core 1 (both at nice -20), 40 connections, "
      f"{secs} s per run; each round runs scale 1 and right after scale {scale}.\n")
print(f"| round | route | req/s s1 | req/s s{scale} | p99 ms s1 | p99 ms s{scale} | p99 ratio | p99.9 ms s1 | p99.9 ms s{scale} | errors |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
ratios = {}
for r in rows:
    rnd, route = r[0], r[1]
    a, b = [float(x) for x in r[2:7]], [float(x) for x in r[7:12]]
    ratio = b[2] / a[2]
    ratios.setdefault(route, []).append(ratio)
    print(f"| {rnd} | {route} | {a[0]:,.0f} | {b[0]:,.0f} | {a[2]:.2f} | {b[2]:.2f} | {ratio:.2f}x "
          f"| {a[3]:.2f} | {b[3]:.2f} | {int(a[4] + b[4])} |")
print()
for route, rs in ratios.items():
    verdict = "met" if statistics.median(rs) <= 2 else "missed"
    print(f"- {route}: median p99 ratio **{statistics.median(rs):.2f}x** "
          f"(min {min(rs):.2f}x, max {max(rs):.2f}x) — target at most 2x: {verdict}")
EOF
