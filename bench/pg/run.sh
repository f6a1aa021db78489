#!/usr/bin/env bash
# Run one pgbench script against a database made by load.sh and print ONE line:
#   pg script=<name> clients=<c> tps=<x> p50_ms=<x> p99_ms=<x> p999_ms=<x> errors=<n>
#
#   bench/pg/run.sh DBNAME SCRIPT CLIENTS SECONDS [extra pgbench args...]
#
# SCRIPT: feed | suggestions | post_like | post (the .sql next to this script) or a path to a
# pgbench script. Runs `pgbench -n -M prepared -c CLIENTS -j JOBS -T SECONDS` with a
# per-transaction log; the percentiles are over every successful transaction's latency.
# -D nriders / -D nposts are set from bench_riders / bench_posts; extra args come after, so an
# explicit -D wins.
#
# Environment:
#   PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres)   connection (TCP, like an HTTP client)
#   PG_CPUS=0        pin the postmaster and every backend (new ones inherit it) to these cpus for
#                    the run (taskset -a -cp), restored to the postmaster's previous affinity after
#   PGBENCH_CPUS=1   pin pgbench to these cpus
#   PGBENCH_JOBS=N   pgbench threads (default: min(CLIENTS, cpus pgbench may run on))
#   PG_RUN_VERBOSE=1 also print pgbench's own report on stderr
set -euo pipefail

die() { echo "run.sh: $*" >&2; exit 1; }

[ $# -ge 4 ] || die "usage: $0 DBNAME SCRIPT CLIENTS SECONDS [extra pgbench args...]"
DB=$1 SCRIPT=$2 CLIENTS=$3 SECONDS_=$4
shift 4
HERE=$(cd "$(dirname "$0")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

[[ $CLIENTS =~ ^[1-9][0-9]*$ ]] || die "CLIENTS must be a positive integer: '$CLIENTS'"
[[ $SECONDS_ =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive integer: '$SECONDS_'"
if [ -f "$HERE/$SCRIPT.sql" ]; then
  FILE=$HERE/$SCRIPT.sql
elif [ -f "$SCRIPT" ]; then
  FILE=$SCRIPT
else
  die "no script '$SCRIPT' (expected one of: $(cd "$HERE" && ls -- *.sql | grep -vE '^(schema|indexes)\.sql$' | sed 's/\.sql$//' | tr '\n' ' ')or a file)"
fi
NAME=$(basename "$FILE" .sql)
command -v pgbench >/dev/null || die "pgbench not found"
command -v psql >/dev/null || die "psql not found"

counts=$(psql -X -d "$DB" -Atc "SELECT (SELECT count(*) FROM bench_riders) || ' ' || (SELECT count(*) FROM bench_posts)" 2>&1) \
  || die "cannot query bench_riders/bench_posts in database '$DB' (load it with load.sh): $counts"
read -r NRIDERS NPOSTS <<<"$counts"
[ "$NRIDERS" -gt 0 ] || die "database '$DB' has no riders"

# ---- cpu pinning -------------------------------------------------------------------------------
PM="" ORIG=""
pg_pids() { echo "$PM"; ps -o pid= --ppid "$PM" 2>/dev/null || true; }
restore() {
  [ -n "$PM" ] || return 0
  local p
  for p in $(pg_pids); do taskset -a -cp "$ORIG" "$p" >/dev/null 2>&1 || true; done
}
if [ -n "${PG_CPUS:-}" ]; then
  command -v taskset >/dev/null || die "PG_CPUS is set but taskset is not installed"
  ddir=$(psql -X -d "$DB" -Atc 'SHOW data_directory') || die "cannot read data_directory (needs a superuser)"
  [ -r "$ddir/postmaster.pid" ] || die "cannot read $ddir/postmaster.pid to find the postmaster (run as root or postgres)"
  PM=$(head -n1 "$ddir/postmaster.pid")
  ORIG=$(taskset -cp "$PM" | sed 's/.*: *//') || die "taskset cannot read the affinity of postmaster $PM"
  trap restore EXIT
  taskset -a -cp "$PG_CPUS" "$PM" >/dev/null || die "taskset cannot pin postmaster $PM to cpus $PG_CPUS"
  for p in $(pg_pids); do taskset -a -cp "$PG_CPUS" "$p" >/dev/null 2>&1 || true; done
fi
PIN=()
if [ -n "${PGBENCH_CPUS:-}" ]; then
  command -v taskset >/dev/null || die "PGBENCH_CPUS is set but taskset is not installed"
  PIN=(taskset -c "$PGBENCH_CPUS")
fi
ncpu=$("${PIN[@]}" nproc)
JOBS=${PGBENCH_JOBS:-$((CLIENTS < ncpu ? CLIENTS : ncpu))}

# ---- run ---------------------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/pillion-pgbench.XXXXXX)
trap 'restore; rm -rf "$TMP"' EXIT
set +e
"${PIN[@]}" pgbench -n -M prepared -c "$CLIENTS" -j "$JOBS" -T "$SECONDS_" \
  -D nriders="$NRIDERS" -D nposts="$NPOSTS" "$@" \
  --log --log-prefix="$TMP/tx" -f "$FILE" "$DB" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
[ "${PG_RUN_VERBOSE:-}" = 1 ] && cat "$TMP/out" "$TMP/err" >&2

tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' "$TMP/out")
if [ -z "$tps" ]; then
  cat "$TMP/out" "$TMP/err" >&2
  die "pgbench failed (exit $rc)"
fi
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$TMP/out")
aborted=$(grep -c 'aborted in command' "$TMP/err" || true)
errors=$(( ${failed:-0} + aborted ))
if [ "$errors" -gt 0 ]; then
  { echo "run.sh: $errors errors (failed transactions + aborted clients); first messages:"
    grep -m5 -E 'error|ERROR' "$TMP/err" || true; } >&2
fi

# Column 3 of each log line is the transaction's latency in microseconds ("failed" if it failed).
pct=$(cat "$TMP"/tx.* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n | awk '
  { v[NR] = $1 }
  END {
    if (NR == 0) { print "nan nan nan"; exit }
    n = split("0.50 0.99 0.999", q, " ")
    for (i = 1; i <= n; i++) {          # nearest rank
      r = int(q[i] * NR); if (r < q[i] * NR) r++; if (r < 1) r = 1
      printf "%s%.3f", (i > 1 ? " " : ""), v[r] / 1000
    }
    print ""
  }')
read -r p50 p99 p999 <<<"$pct"
printf 'pg script=%s clients=%s tps=%.1f p50_ms=%s p99_ms=%s p999_ms=%s errors=%s\n' \
  "$NAME" "$CLIENTS" "$tps" "$p50" "$p99" "$p999" "$errors"
