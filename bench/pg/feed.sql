-- GET /v1/feed?limit=10 (first page), enriched for the viewer, in one statement.
-- Feed = the viewer's own posts + their friends' posts (any visibility: friends may see them) +
-- PUBLIC posts tagged with an interest the viewer follows; each post once; newest first by
-- (created_at, id). The newest 10 of a union are among the newest 10 of each part, so:
--  * own + friends' posts: the newest 10 of each author (LIMIT inside a LATERAL: an index-only
--    range of posts_author_time per author), top 10 of those. Work ~ friends, never posts.
--    Riders with 256+ friends (Pillion's "heavy" threshold) first try the newest 2,000 posts of
--    everyone (index-only on posts_time) filtered by friendship; if that window holds 10 of theirs
--    they are exactly the newest 10, else the per-author path runs as for everyone else.
--  * public posts with a followed interest: newest 10 per followed interest (partial index
--    post_tags_public_interest_time), deduplicated, top 10.
--  * UNION of the two top-10s (a friend's public tagged post can be in both), top 10.
-- Per page row: author summary, body, visibility, photos, place, interests (as tagged, in order),
-- like_count, comment_count, liked_by_me, friends_who_liked (up to 3 friends of the viewer who
-- liked it, smallest ids first, never the viewer).
-- :i picks the viewer through bench_riders (dense 1..nriders over the possibly sparse rider ids).
\set i random(1, :nriders)
WITH v AS (
  SELECT rider_id AS id FROM bench_riders WHERE idx = :i
), src AS (
  SELECT (SELECT id FROM v) AS author_id
  UNION ALL
  SELECT friend_id FROM friends WHERE rider_id = (SELECT id FROM v)
), heavy AS (         -- 256+ friends (counted no further than that)
  SELECT count(*) = 256 AS yes FROM (
    SELECT 1 FROM friends WHERE rider_id = (SELECT id FROM v) LIMIT 256) x
), recent AS MATERIALIZED (  -- heavy viewers: own/friends' posts among the newest 2,000 of all
  SELECT r.created_at, r.id FROM (
    SELECT created_at, id, author_id FROM posts
    WHERE (SELECT yes FROM heavy)
    ORDER BY created_at DESC, id DESC LIMIT 2000) r
  WHERE r.author_id = (SELECT id FROM v)
     OR EXISTS (SELECT 1 FROM friends f
                WHERE f.rider_id = (SELECT id FROM v) AND f.friend_id = r.author_id)
  ORDER BY r.created_at DESC, r.id DESC LIMIT 10
), by_friends AS (      -- own and friends' posts: one author each, so no duplicates here
  SELECT created_at, id FROM recent
  UNION ALL (           -- everyone else (or too few in the window): newest 10 of each author
  SELECT p.created_at, p.id
  FROM src CROSS JOIN LATERAL (
    SELECT created_at, id FROM posts
    WHERE author_id = src.author_id
    ORDER BY created_at DESC, id DESC LIMIT 10) p
  WHERE (SELECT count(*) FROM recent) < 10
  ORDER BY p.created_at DESC, p.id DESC LIMIT 10)
), by_interest AS (     -- public posts with a followed interest (a post may carry several)
  SELECT DISTINCT t.created_at, t.post_id AS id
  FROM follows fo CROSS JOIN LATERAL (
    SELECT created_at, post_id FROM post_tags
    WHERE interest_id = fo.interest_id AND is_public
    ORDER BY created_at DESC, post_id DESC LIMIT 10) t
  WHERE fo.rider_id = (SELECT id FROM v)
  ORDER BY t.created_at DESC, t.post_id DESC LIMIT 10
), page AS (            -- the newest 10 of the union are among the two top-10s; UNION dedupes
  SELECT created_at, id FROM (SELECT * FROM by_friends UNION SELECT * FROM by_interest) u
  ORDER BY created_at DESC, id DESC LIMIT 10
)
SELECT p.id, p.created_at,
       a.id AS author_id, a.handle AS author_handle, a.name AS author_name,
       p.body,
       CASE WHEN p.is_public THEN 'public' ELSE 'friends' END AS visibility,
       CASE WHEN p.image_file IS NULL THEN '{}'::text[] ELSE ARRAY[p.image_file] END AS photos,
       CASE WHEN pl.id IS NULL THEN NULL
            ELSE jsonb_build_object('name', pl.name, 'lat', pl.lat, 'lon', pl.lon) END AS place,
       ARRAY(SELECT i.name FROM post_tags pt JOIN interests i ON i.id = pt.tag_id
             WHERE pt.post_id = p.id ORDER BY pt.pos) AS interests,
       (SELECT count(*) FROM likes l WHERE l.post_id = p.id) AS like_count,
       (SELECT count(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
       EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.rider_id = (SELECT id FROM v))
         AS liked_by_me,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'handle', r.handle, 'name', r.name)
                                  ORDER BY r.id), '[]'::jsonb)
        FROM (SELECT l.rider_id FROM likes l
              JOIN friends f ON f.rider_id = (SELECT id FROM v) AND f.friend_id = l.rider_id
              WHERE l.post_id = p.id
              ORDER BY l.rider_id LIMIT 3) w
        JOIN riders r ON r.id = w.rider_id) AS friends_who_liked
FROM page
JOIN posts p ON p.id = page.id
JOIN riders a ON a.id = p.author_id
LEFT JOIN places pl ON pl.id = p.place_id
ORDER BY page.created_at DESC, page.id DESC;
