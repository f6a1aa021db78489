#!/usr/bin/env bash
# Load an LDBC SNB "CsvBasic" folder into a fresh PostgreSQL database with the reference schema
# (schema.sql and indexes.sql next to this script), for the PostgreSQL side of the Pillion benchmark.
#
#   bench/pg/load.sh DATA_DIR [DBNAME]        (DBNAME defaults to pillion_ref; it is DROPPED first)
#
# Connection: PGHOST (default 127.0.0.1), PGPORT (5432), PGUSER (postgres); any other libpq
# variable works too. Needs psql only. Prints row counts and the load time.
set -euo pipefail

die() { echo "load.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 DATA_DIR [DBNAME]"
DATA_DIR=$1
DB=${2:-pillion_ref}
HERE=$(cd "$(dirname "$0")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

[[ $DB =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name must match [a-z_][a-z0-9_]*: '$DB'"
case $DB in postgres|template0|template1|test) die "refusing to drop the '$DB' database";; esac
[ -d "$DATA_DIR/static" ] && [ -d "$DATA_DIR/dynamic" ] \
  || die "$DATA_DIR is not an LDBC CsvBasic folder (needs static/ and dynamic/)"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
[[ $DATA_DIR != *"'"* ]] || die "the data path must not contain a single quote: $DATA_DIR"
[ -f "$HERE/schema.sql" ] || die "missing $HERE/schema.sql"
command -v psql >/dev/null || die "psql not found"
psql -X -q -d postgres -Atc 'select 1' >/dev/null 2>&1 || die "cannot connect to PostgreSQL at \
$PGHOST:$PGPORT as $PGUSER; start it with:
  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"

t0=$(date +%s.%N)

# ---- staging: every file goes into an UNLOGGED table of text columns c1..cN, in file order (ord) --
SQL=$(mktemp /tmp/pillion-pg-load.XXXXXX.sql)
trap 'rm -f "$SQL"' EXIT

# header_index FILE NAME -> 1-based position of column NAME in FILE's header, or 0
header_index() {
  [ -f "$1" ] || { echo 0; return; }
  head -n1 "$1" | tr -d '\r' | awk -F'|' -v want="$2" \
    '{ for (i = 1; i <= NF; i++) if ($i == want) { print i; exit } print 0 }'
}

# stage NAME FILE MIN_COLS REQUIRED: staging table stg_NAME; a missing optional file gives an
# empty table of MIN_COLS columns.
stage() {
  local name=$1 file=$DATA_DIR/$2 min=$3 required=$4 n cols i
  if [ -f "$file" ]; then
    n=$(head -n1 "$file" | tr -d '\r' | awk -F'|' '{print NF}')
    [ "$n" -ge "$min" ] || die "$file: expected at least $min '|'-separated columns, header has $n"
  else
    [ "$required" = optional ] || die "missing required file $file"
    echo "load.sh: note: $2 not found, loading it as empty" >&2
    n=$min
  fi
  cols=""
  for ((i = 1; i <= n; i++)); do cols+="${cols:+, }c$i text"; done
  echo "CREATE UNLOGGED TABLE stg_$name (ord bigserial, $cols);"
  if [ -f "$file" ]; then
    local list=""
    for ((i = 1; i <= n; i++)); do list+="${list:+, }c$i"; done
    # CSV with a quote character that never occurs: LDBC text is unquoted and may hold '"' or '\'.
    # An empty field becomes NULL.
    echo "\\copy stg_$name ($list) FROM '$file' WITH (FORMAT csv, DELIMITER '|', HEADER true, QUOTE E'\\x01')"
  fi
}

# col VAR FILE NAME [ALIAS]: "ALIAS.cK" for LDBC column NAME of FILE, or NULL if the file lacks it
col() {
  local k; k=$(header_index "$DATA_DIR/$2" "$3")
  if [ "$k" -gt 0 ]; then printf -v "$1" '%sc%s' "${4:+$4.}" "$k"; else printf -v "$1" 'NULL'; fi
}

P=dynamic/person_0_0.csv
PO=dynamic/post_0_0.csv
CO=dynamic/comment_0_0.csv
PL=static/place_0_0.csv
TG=static/tag_0_0.csv

# Rider props: every person column except id and creationDate, under its LDBC name (as Pillion's
# import keeps them). Names come from the header; values stay text.
props="'{}'::jsonb"
if [ -f "$DATA_DIR/$P" ]; then
  props=$(head -n1 "$DATA_DIR/$P" | tr -d '\r' | awk -F'|' '{
    out = ""
    for (i = 1; i <= NF; i++) if ($i != "id" && $i != "creationDate" && $i ~ /^[A-Za-z_.]+$/)
      out = out (out == "" ? "" : ", ") "'"'"'" $i "'"'"', c" i
    print (out == "" ? "'"'"'{}'"'"'::jsonb" : "jsonb_strip_nulls(jsonb_build_object(" out "))")
  }')
fi
col p_id "$P" id; col p_first "$P" firstName; col p_last "$P" lastName; col p_created "$P" creationDate
col po_id "$PO" id p; col po_img "$PO" imageFile p; col po_created "$PO" creationDate p
col po_content "$PO" content p; col po_vis "$PO" visibility p
col co_id "$CO" id c; col co_created "$CO" creationDate c; col co_content "$CO" content c
col pl_id "$PL" id; col pl_name "$PL" name; col pl_url "$PL" url; col pl_type "$PL" type
col pl_lat "$PL" lat; col pl_lon "$PL" lon
col tg_id "$TG" id; col tg_name "$TG" name; col tg_url "$TG" url
# need FILE VAR...: the file, if present, must have these columns
need() {
  local f=$1 v; shift
  [ -f "$DATA_DIR/$f" ] || return 0
  for v in "$@"; do
    [ "${!v}" != NULL ] || die "$DATA_DIR/$f: the header lacks a required column (${v#*_})"
  done
}
need "$P" p_id p_created; need "$PO" po_id po_created; need "$CO" co_id co_created
need "$TG" tg_id tg_name; need "$PL" pl_id pl_name

{
  echo '\set ON_ERROR_STOP on'
  echo 'SET client_min_messages = warning;'
  echo 'SET maintenance_work_mem = '"'256MB'"';'
  echo 'SET work_mem = '"'64MB'"';'
  stage place            static/place_0_0.csv                        4 optional
  stage tag              static/tag_0_0.csv                          3 optional
  stage person           dynamic/person_0_0.csv                      3 required
  stage knows            dynamic/person_knows_person_0_0.csv         3 optional
  stage has_interest     dynamic/person_hasInterest_tag_0_0.csv      2 optional
  stage post             dynamic/post_0_0.csv                        8 required
  stage post_creator     dynamic/post_hasCreator_person_0_0.csv      2 required
  stage post_tag         dynamic/post_hasTag_tag_0_0.csv             2 optional
  stage post_place       dynamic/post_isLocatedIn_place_0_0.csv      2 optional
  stage likes_post       dynamic/person_likes_post_0_0.csv           3 optional
  stage comment          dynamic/comment_0_0.csv                     6 optional
  stage comment_creator  dynamic/comment_hasCreator_person_0_0.csv   2 optional
  stage comment_on_post  dynamic/comment_replyOf_post_0_0.csv        2 optional
  stage comment_on_comm  dynamic/comment_replyOf_comment_0_0.csv     2 optional
  cat <<EOF
\\echo staged; transforming
DO \$\$
DECLARE bad bigint;
BEGIN
  SELECT count(*) INTO bad FROM stg_post p WHERE $po_vis IS NOT NULL AND $po_vis NOT IN ('public', 'friends');
  IF bad > 0 THEN
    RAISE EXCEPTION 'post_0_0.csv: % rows have a visibility other than public|friends', bad;
  END IF;
END
\$\$;

INSERT INTO places (id, name, url, type, lat, lon)
SELECT $pl_id::bigint, coalesce($pl_name, ''), $pl_url, $pl_type, $pl_lat::float8, $pl_lon::float8 FROM stg_place;

-- Tags are interests. Names compare case-insensitively in the API, so every tag points at a
-- canonical interest (the smallest id among tags with the same lower(name)); follows and the
-- feed's interest index use the canonical id, display uses the tag's own name.
INSERT INTO interests (id, name, url, canon_id)
SELECT $tg_id::bigint, coalesce($tg_name, ''), $tg_url,
       min($tg_id::bigint) OVER (PARTITION BY lower(coalesce($tg_name, '')))
FROM stg_tag;

INSERT INTO riders (id, handle, name, created_at, props)
SELECT $p_id::bigint, 'p' || $p_id, concat_ws(' ', $p_first, $p_last), $p_created::bigint, $props
FROM stg_person;

-- One friendship, two rows: (a,b) and (b,a). Self-loops and repeated pairs are dropped.
INSERT INTO friends (rider_id, friend_id, since)
SELECT a, b, min(since) FROM (
  SELECT c1::bigint AS a, c2::bigint AS b, c3::bigint AS since FROM stg_knows
  UNION ALL
  SELECT c2::bigint, c1::bigint, c3::bigint FROM stg_knows
) e WHERE a <> b GROUP BY a, b;

INSERT INTO follows (rider_id, interest_id)
SELECT DISTINCT h.c1::bigint, i.canon_id FROM stg_has_interest h JOIN interests i ON i.id = h.c2::bigint;

INSERT INTO posts (id, author_id, body, is_public, created_at, image_file, place_id)
SELECT $po_id::bigint, hc.c2::bigint, coalesce($po_content, ''),
       coalesce($po_vis, 'public') = 'public', $po_created::bigint, $po_img, pl.c2::bigint
FROM stg_post p
JOIN stg_post_creator hc ON hc.c1 = $po_id
LEFT JOIN stg_post_place pl ON pl.c1 = $po_id;

INSERT INTO post_tags (post_id, tag_id, pos, interest_id, created_at, is_public)
SELECT p.id, t.c2::bigint, row_number() OVER (PARTITION BY p.id ORDER BY t.ord), i.canon_id,
       p.created_at, p.is_public
FROM stg_post_tag t JOIN posts p ON p.id = t.c1::bigint JOIN interests i ON i.id = t.c2::bigint;

INSERT INTO likes (post_id, rider_id, created_at)
SELECT c2::bigint, c1::bigint, min(c3::bigint) FROM stg_likes_post GROUP BY 1, 2;

INSERT INTO comments (id, post_id, reply_to_comment_id, author_id, body, created_at)
SELECT $co_id::bigint, rp.c2::bigint, rc.c2::bigint, hc.c2::bigint, coalesce($co_content, ''),
       $co_created::bigint
FROM stg_comment c
JOIN stg_comment_creator hc ON hc.c1 = $co_id
LEFT JOIN stg_comment_on_post rp ON rp.c1 = $co_id
LEFT JOIN stg_comment_on_comm rc ON rc.c1 = $co_id;

DROP TABLE stg_place, stg_tag, stg_person, stg_knows, stg_has_interest, stg_post, stg_post_creator,
  stg_post_tag, stg_post_place, stg_likes_post, stg_comment, stg_comment_creator,
  stg_comment_on_post, stg_comment_on_comm;

\\echo loaded; building indexes and constraints
\\ir '$HERE/indexes.sql'
EOF
} > "$SQL"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
  -c "CREATE DATABASE $DB" >/dev/null
# Per-database planner settings a team would use for small OLTP queries on SSD (server config untouched).
psql -X -q -v ON_ERROR_STOP=1 -d postgres \
  -c "ALTER DATABASE $DB SET jit = off" -c "ALTER DATABASE $DB SET random_page_cost = 1.1" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$HERE/schema.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$SQL" || die "load failed (the database '$DB' is incomplete)"

t1=$(date +%s.%N)
echo "loaded $DATA_DIR into database '$DB' in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
psql -X -q -d "$DB" -P footer=off -c "
SELECT 'riders' AS \"table\", count(*) AS rows FROM riders
UNION ALL SELECT 'friends (2 rows per friendship)', count(*) FROM friends
UNION ALL SELECT 'friend_requests', count(*) FROM friend_requests
UNION ALL SELECT 'interests (tags)', count(*) FROM interests
UNION ALL SELECT 'follows', count(*) FROM follows
UNION ALL SELECT 'places', count(*) FROM places
UNION ALL SELECT 'posts', count(*) FROM posts
UNION ALL SELECT '  of which public', count(*) FROM posts WHERE is_public
UNION ALL SELECT 'post_tags', count(*) FROM post_tags
UNION ALL SELECT 'likes', count(*) FROM likes
UNION ALL SELECT 'comments', count(*) FROM comments
UNION ALL SELECT '  of which on a post', count(*) FROM comments WHERE post_id IS NOT NULL
UNION ALL SELECT 'database size (MB)', pg_database_size(current_database()) / 1048576"
