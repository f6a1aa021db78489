-- A write transaction: a rider creates a post and likes a random existing post (the original
-- system's post+like mix). New post ids come from object_id_seq (above every loaded id).
-- The like follows PUT /v1/posts/{id}/like: idempotent (ON CONFLICT DO NOTHING) and only on a
-- post the rider may see (public, their own, or a friend's; otherwise nothing is inserted, where
-- the API would answer 404). The post is drawn from bench_posts, the loaded PUBLIC posts, so the
-- check always passes and every transaction writes a post and a like (bar a repeated like).
-- :i / :p pick the rider / post through bench_riders / bench_posts.
\set i random(1, :nriders)
\set p random(1, :nposts)
BEGIN;
INSERT INTO posts (id, author_id, body, is_public, created_at)
SELECT nextval('object_id_seq'), rider_id, 'Col de la Bonette at dawn, 2802 m, no traffic', false,
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint
FROM bench_riders WHERE idx = :i
RETURNING id, created_at;
INSERT INTO likes (post_id, rider_id, created_at)
SELECT p.id, b.rider_id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint
FROM bench_riders b, bench_posts bp JOIN posts p ON p.id = bp.post_id
WHERE b.idx = :i AND bp.idx = :p
  AND (p.is_public OR p.author_id = b.rider_id
       OR EXISTS (SELECT 1 FROM friends f WHERE f.rider_id = b.rider_id AND f.friend_id = p.author_id))
ON CONFLICT DO NOTHING;
COMMIT;
