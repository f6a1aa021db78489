-- Q2, friends of friends who are not friends: the same rows as
--   MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider)
--   WHERE id(a)=$id AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c
-- q1.sql with an anti-join on a's friends (one row per path, every rider column of c).
-- :i picks the rider through bench_riders (dense 1..nriders over the rider ids).
\set i random(1, :nriders)
SELECT c.id, c.handle, c.name, c.created_at, c.props
FROM bench_riders v
JOIN friends f1 ON f1.rider_id = v.rider_id
JOIN friends f2 ON f2.rider_id = f1.friend_id AND f2.friend_id <> v.rider_id
JOIN riders c ON c.id = f2.friend_id
WHERE v.idx = :i
  AND NOT EXISTS (SELECT 1 FROM friends f3
                  WHERE f3.rider_id = v.rider_id AND f3.friend_id = f2.friend_id);
