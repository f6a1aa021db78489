#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) every statement of a pgbench script, as pgbench -M prepared runs it
# (prepared, generic plan), for one viewer; writes are rolled back.
#
#   bench/pg/explain.sh DBNAME SCRIPT [IDX [POST_IDX]]
#
# SCRIPT: feed | suggestions | post_like | post, or a path. IDX is the bench_riders index (the
# viewer; default: the rider with the most friends), POST_IDX the bench_posts index (default 1).
set -euo pipefail

die() { echo "explain.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] && [ $# -le 4 ] || die "usage: $0 DBNAME SCRIPT [IDX [POST_IDX]]"
DB=$1 SCRIPT=$2 IDX=${3:-} PIDX=${4:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
if [ -f "$HERE/$SCRIPT.sql" ]; then FILE=$HERE/$SCRIPT.sql
elif [ -f "$SCRIPT" ]; then FILE=$SCRIPT
else die "no script '$SCRIPT'"; fi
if [ -z "$IDX" ]; then
  IDX=$(psql -X -d "$DB" -Atc "SELECT b.idx FROM bench_riders b ORDER BY
          (SELECT count(*) FROM friends f WHERE f.rider_id = b.rider_id) DESC, b.idx LIMIT 1") \
    || die "cannot read bench_riders in '$DB'"
fi
[[ $IDX =~ ^[0-9]+$ && $PIDX =~ ^[0-9]+$ ]] || die "IDX and POST_IDX must be integers"

# Statements: drop \meta lines and whole-line comments, split on ';' at line ends, skip BEGIN/COMMIT.
{
  echo '\set ON_ERROR_STOP on'
  echo 'BEGIN;'
  echo 'SET LOCAL plan_cache_mode = force_generic_plan;'
  sed -e '/^\\/d' -e '/^--/d' -e 's/:i\b/$1/g' -e 's/:p\b/$2/g' "$FILE" | awk -v i="$IDX" -v p="$PIDX" '
    { buf = buf $0 "\n" }
    /;[[:space:]]*$/ {
      stmt = buf; buf = ""
      sub(/;[[:space:]]*\n$/, "", stmt)
      if (stmt ~ /^[[:space:]]*(BEGIN|COMMIT|END)[[:space:]]*$/) next
      n++
      printf "PREPARE s%d(int, int) AS\n%s;\n", n, stmt
      printf "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE s%d(%s, %s);\n", n, i, p
    }'
  echo 'ROLLBACK;'
} | psql -X -q -d "$DB" -P pager=off
