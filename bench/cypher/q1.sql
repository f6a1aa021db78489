-- Q1, friends of friends: the same rows as
--   MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id RETURN c
-- One row per path a-b-c with every rider column of c (the password hash left out). Cypher never
-- uses one relationship twice in a pattern, and a friendship is one relationship, so the path
-- a-b-a is not a match: f2.friend_id <> a. Friendships are stored both ways (bench/pg/schema.sql),
-- so this is two ranges of the primary key (rider_id, friend_id) and a key probe per row.
-- :i picks the rider through bench_riders (dense 1..nriders over the rider ids).
\set i random(1, :nriders)
SELECT c.id, c.handle, c.name, c.created_at, c.props
FROM bench_riders v
JOIN friends f1 ON f1.rider_id = v.rider_id
JOIN friends f2 ON f2.rider_id = f1.friend_id AND f2.friend_id <> v.rider_id
JOIN riders c ON c.id = f2.friend_id
WHERE v.idx = :i;
