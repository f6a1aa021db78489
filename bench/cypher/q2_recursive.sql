-- Q2 as a recursive walk: q1_recursive.sql, then the ends that are friends of the start dropped.
-- Same rows as q2.sql.
\set i random(1, :nriders)
WITH RECURSIVE walk (depth, start, prev, node) AS (
  SELECT 0, rider_id, NULL::bigint, rider_id FROM bench_riders WHERE idx = :i
  UNION ALL
  SELECT w.depth + 1, w.start, w.node, f.friend_id
  FROM walk w JOIN friends f ON f.rider_id = w.node
  WHERE w.depth < 2 AND f.friend_id IS DISTINCT FROM w.prev
)
SELECT c.id, c.handle, c.name, c.created_at, c.props
FROM walk w JOIN riders c ON c.id = w.node
WHERE w.depth = 2
  AND NOT EXISTS (SELECT 1 FROM friends f3 WHERE f3.rider_id = w.start AND f3.friend_id = w.node);
