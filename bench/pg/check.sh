#!/usr/bin/env bash
# Check feed.sql and suggestions.sql against brute-force queries written straight from API.md
# (no LATERAL, no per-source limits, no hybrid; interests matched by lower(name)), viewer by viewer.
#
#   bench/pg/check.sh DBNAME [SAMPLE]
#
# SAMPLE viewers (default 300, or all riders if fewer), always including the 5 riders with the
# most friends. Runs inside a transaction that is rolled back: it first adds pending friend
# requests (each way) between some viewers and their top suggestion, so the exclusion is tested.
# Each query is checked as written and in a "stress" variant (heavy threshold 3 friends, window 20
# posts) so that both feed paths (window and per-author) run on any data set.
# Exit status 1 if anything differs.
set -euo pipefail

die() { echo "check.sh: $*" >&2; exit 1; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 DBNAME [SAMPLE]"
DB=$1 SAMPLE=${2:-300}
[[ $SAMPLE =~ ^[1-9][0-9]*$ ]] || die "SAMPLE must be a positive integer"
HERE=$(cd "$(dirname "$0")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

# The statement of a pgbench script as a function body: no \set lines, no whole-line comments,
# no final ';', the viewer index :i as $1.
body() { sed -e '/^\\/d' -e '/^--/d' -e 's/:i\b/$1/g' "$1" | sed -e '$ s/;[[:space:]]*$//'; }
stress() { sed -e 's/= 256 AS yes/= 3 AS yes/' -e 's/LIMIT 256) x/LIMIT 3) x/' -e 's/LIMIT 2000) r/LIMIT 20) r/'; }

FEED=$(body "$HERE/feed.sql")
SUGG=$(body "$HERE/suggestions.sql")
FEED_STRESS=$(stress <<<"$FEED")
[ "$FEED_STRESS" != "$FEED" ] || die "feed.sql no longer has the heavy threshold/window this script rewrites"

psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -P pager=off <<EOF
BEGIN;
CREATE FUNCTION pg_temp.fast_feed(int) RETURNS jsonb LANGUAGE sql AS \$f\$
  SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]') FROM (
$FEED
  ) q \$f\$;
CREATE FUNCTION pg_temp.fast_feed_stress(int) RETURNS jsonb LANGUAGE sql AS \$f\$
  SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]') FROM (
$FEED_STRESS
  ) q \$f\$;
CREATE FUNCTION pg_temp.fast_suggestions(int) RETURNS jsonb LANGUAGE sql AS \$f\$
  SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]') FROM (
$SUGG
  ) q \$f\$;

CREATE FUNCTION pg_temp.are_friends(bigint, bigint) RETURNS boolean LANGUAGE sql AS \$f\$
  SELECT EXISTS (SELECT 1 FROM friends WHERE (rider_id, friend_id) IN ((\$1, \$2), (\$2, \$1)))
\$f\$;

-- "what the viewer's friends and the viewer posted, plus public posts with an interest the
-- viewer follows; newest first; each post once", enriched as API.md's post.
CREATE FUNCTION pg_temp.naive_feed(v bigint) RETURNS jsonb LANGUAGE sql AS \$f\$
  SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]') FROM (
    SELECT p.id, p.created_at, a.id AS author_id, a.handle AS author_handle,
           a.name AS author_name, p.body,
           CASE WHEN p.is_public THEN 'public' ELSE 'friends' END AS visibility,
           CASE WHEN p.image_file IS NULL THEN '{}'::text[] ELSE ARRAY[p.image_file] END AS photos,
           (SELECT jsonb_build_object('name', pl.name, 'lat', pl.lat, 'lon', pl.lon)
              FROM places pl WHERE pl.id = p.place_id) AS place,
           ARRAY(SELECT i.name FROM post_tags pt JOIN interests i ON i.id = pt.tag_id
                 WHERE pt.post_id = p.id ORDER BY pt.pos) AS interests,
           (SELECT count(*) FROM likes l WHERE l.post_id = p.id) AS like_count,
           (SELECT count(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
           EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.rider_id = v) AS liked_by_me,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'handle', r.handle, 'name', r.name)
                                      ORDER BY r.id), '[]')
              FROM (SELECT r.* FROM likes l JOIN riders r ON r.id = l.rider_id
                    WHERE l.post_id = p.id AND r.id <> v AND pg_temp.are_friends(v, r.id)
                    ORDER BY r.id LIMIT 3) r) AS friends_who_liked
    FROM posts p JOIN riders a ON a.id = p.author_id
    WHERE p.author_id = v
       OR pg_temp.are_friends(v, p.author_id)
       OR (p.is_public AND EXISTS (
             SELECT 1 FROM post_tags pt JOIN interests ti ON ti.id = pt.tag_id,
                           follows fo JOIN interests fi ON fi.id = fo.interest_id
             WHERE pt.post_id = p.id AND fo.rider_id = v AND lower(ti.name) = lower(fi.name)))
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT 10) q
\$f\$;

-- "friends of friends who are not the viewer, not friends, and not in a pending request either
-- way; most mutual friends first, ties by smaller id"
CREATE FUNCTION pg_temp.naive_suggestions(v bigint) RETURNS jsonb LANGUAGE sql AS \$f\$
  WITH edge AS (            -- the friendships as unordered pairs, then as neighbour lists
    SELECT DISTINCT least(rider_id, friend_id) AS a, greatest(rider_id, friend_id) AS b FROM friends
  ), nb AS (
    SELECT a AS x, b AS y FROM edge UNION ALL SELECT b, a FROM edge
  ), mine AS (
    SELECT y AS f FROM nb WHERE x = v
  )
  SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]') FROM (
    SELECT r.id, r.handle, r.name, m.n AS mutual_friends
    FROM (SELECT nb.y AS c, count(DISTINCT nb.x) AS n FROM nb JOIN mine ON nb.x = mine.f
          GROUP BY nb.y) m
    JOIN riders r ON r.id = m.c
    WHERE r.id <> v AND r.id NOT IN (SELECT f FROM mine)
      AND NOT EXISTS (SELECT 1 FROM friend_requests q
                      WHERE (q.from_id = v AND q.to_id = r.id) OR (q.from_id = r.id AND q.to_id = v))
    ORDER BY m.n DESC, r.id
    LIMIT 10) q
\$f\$;

CREATE TEMP TABLE sample AS
  (SELECT b.idx, b.rider_id FROM bench_riders b ORDER BY random() LIMIT $SAMPLE)
  UNION
  (SELECT b.idx, b.rider_id FROM bench_riders b
   ORDER BY (SELECT count(*) FROM friends f WHERE f.rider_id = b.rider_id) DESC, b.idx LIMIT 5);

-- Pending requests: every 3rd sampled viewer asks their current top suggestion, every 3rd one
-- after that is asked by theirs.
INSERT INTO friend_requests (from_id, to_id, created_at)
SELECT CASE WHEN k % 3 = 0 THEN rider_id ELSE cand END, CASE WHEN k % 3 = 0 THEN cand ELSE rider_id END, 0
FROM (SELECT s.rider_id, row_number() OVER (ORDER BY s.idx) AS k,
             (pg_temp.naive_suggestions(s.rider_id) -> 0 ->> 'id')::bigint AS cand
      FROM sample s) x
WHERE k % 3 IN (0, 1) AND cand IS NOT NULL
ON CONFLICT DO NOTHING;
ANALYZE friend_requests;
SELECT count(*) AS pending_requests_added FROM friend_requests \gset
\echo pending friend requests added for the check: :pending_requests_added

SELECT count(*) AS asymmetric FROM friends f
WHERE NOT EXISTS (SELECT 1 FROM friends g WHERE g.rider_id = f.friend_id AND g.friend_id = f.rider_id) \gset
\echo friendship rows without their reverse row: :asymmetric

CREATE TEMP TABLE result AS
SELECT s.idx, s.rider_id,
       pg_temp.fast_feed(s.idx) AS feed, pg_temp.fast_feed_stress(s.idx) AS feed_stress,
       pg_temp.naive_feed(s.rider_id) AS feed_ref,
       pg_temp.fast_suggestions(s.idx) AS sugg, pg_temp.naive_suggestions(s.rider_id) AS sugg_ref
FROM sample s;

SELECT count(*) AS viewers,
       count(*) FILTER (WHERE (SELECT count(*) FROM friends f WHERE f.rider_id = r.rider_id) >= 256)
         AS heavy_viewers,
       sum(jsonb_array_length(feed_ref)) AS feed_rows,
       count(*) FILTER (WHERE feed <> feed_ref) AS feed_mismatches,
       count(*) FILTER (WHERE feed_stress <> feed_ref) AS feed_stress_mismatches,
       sum(jsonb_array_length(sugg_ref)) AS suggestion_rows,
       count(*) FILTER (WHERE sugg <> sugg_ref) AS suggestion_mismatches
FROM result r \gset
\echo checked :viewers viewers (:heavy_viewers with 256+ friends): feed :feed_rows rows, :feed_mismatches mismatches (stress variant: :feed_stress_mismatches); suggestions :suggestion_rows rows, :suggestion_mismatches mismatches
SELECT (:feed_mismatches + :feed_stress_mismatches + :suggestion_mismatches + :asymmetric) > 0 AS bad \gset
\if :bad
  \echo first mismatches (viewer rider id, ours, reference):
  SELECT rider_id, feed, feed_stress, feed_ref FROM result
  WHERE feed <> feed_ref OR feed_stress <> feed_ref LIMIT 2;
  SELECT rider_id, sugg, sugg_ref FROM result WHERE sugg <> sugg_ref LIMIT 2;
\endif
ROLLBACK;
\if :bad
  DO \$\$ BEGIN RAISE EXCEPTION 'check FAILED: see the mismatches above'; END \$\$;
\else
  \echo OK
\endif
EOF
