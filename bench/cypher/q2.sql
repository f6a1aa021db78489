-- Q2, friends of friends who are not friends: the same rows as
--   MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider)
--   WHERE id(a)=$id AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c
-- q1.sql less the paths whose end is a friend of a (one row per path, every rider column of c).
-- The exclusion is a hashed NOT IN subplan, as in bench/pg/suggestions.sql: a's friends are read
-- once and hashed, then each path costs a hash probe; a NOT EXISTS anti-join (one index probe per
-- path) measured 1.35x slower here (238 vs 318 tx/s, pinned, 40 clients). The ids are NOT NULL,
-- so NOT IN has no NULL surprise.
-- :i picks the rider through bench_riders (dense 1..nriders over the rider ids).
\set i random(1, :nriders)
WITH v AS (
  SELECT rider_id AS id FROM bench_riders WHERE idx = :i
)
SELECT c.id, c.handle, c.name, c.created_at, c.props
FROM friends f1
JOIN friends f2 ON f2.rider_id = f1.friend_id
JOIN riders c ON c.id = f2.friend_id
WHERE f1.rider_id = (SELECT id FROM v)
  AND f2.friend_id <> (SELECT id FROM v)
  AND f2.friend_id NOT IN (SELECT friend_id FROM friends WHERE rider_id = (SELECT id FROM v));
