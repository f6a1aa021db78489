-- Q1 as a recursive walk (the form the issue names): WITH RECURSIVE two hops over friends, never
-- walking straight back over the friendship just used (Cypher's one-relationship-once rule), then
-- every rider column of the end of each path. Same rows as q1.sql; kept to show what the generic
-- form costs against the plain join.
\set i random(1, :nriders)
WITH RECURSIVE walk (depth, prev, node) AS (
  SELECT 0, NULL::bigint, rider_id FROM bench_riders WHERE idx = :i
  UNION ALL
  SELECT w.depth + 1, w.node, f.friend_id
  FROM walk w JOIN friends f ON f.rider_id = w.node
  WHERE w.depth < 2 AND f.friend_id IS DISTINCT FROM w.prev
)
SELECT c.id, c.handle, c.name, c.created_at, c.props
FROM walk w JOIN riders c ON c.id = w.node
WHERE w.depth = 2;
