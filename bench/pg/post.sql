-- POST /v1/posts {body}: one post (visibility friends, the API's default), autocommit, returning
-- what the 201 answer needs. New post ids come from object_id_seq (above every loaded id).
-- :i picks the author through bench_riders.
\set i random(1, :nriders)
INSERT INTO posts (id, author_id, body, is_public, created_at)
SELECT nextval('object_id_seq'), rider_id, 'Col de la Bonette at dawn, 2802 m, no traffic', false,
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint
FROM bench_riders WHERE idx = :i
RETURNING id, author_id, body, is_public, created_at;
