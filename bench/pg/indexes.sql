-- Keys, indexes and foreign keys of the reference schema (after the bulk load), the id sequence,
-- the benchmark's helper tables, and VACUUM ANALYZE. Run by load.sh.
\set ON_ERROR_STOP on

ALTER TABLE riders ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX riders_handle ON riders (handle);

-- (rider_id, friend_id): a rider's friends (index-only), friendship probes, friends of friends.
ALTER TABLE friends ADD PRIMARY KEY (rider_id, friend_id);

ALTER TABLE friend_requests ADD PRIMARY KEY (from_id, to_id);
CREATE INDEX friend_requests_incoming ON friend_requests (to_id, from_id);

ALTER TABLE interests ADD PRIMARY KEY (id);
CREATE INDEX interests_lower_name ON interests (lower(name));      -- /v1/interests/{name}/...

ALTER TABLE follows ADD PRIMARY KEY (rider_id, interest_id);
CREATE INDEX follows_by_interest ON follows (interest_id, rider_id);

ALTER TABLE places ADD PRIMARY KEY (id);

ALTER TABLE posts ADD PRIMARY KEY (id);
-- A rider's newest posts (feed per author, wall): index-only for (created_at, id).
CREATE INDEX posts_author_time ON posts (author_id, created_at DESC, id DESC);
-- All posts newest first, with the author: the feed of riders with 256+ friends walks this
-- (index-only) instead of one range per friend.
CREATE INDEX posts_time ON posts (created_at DESC, id DESC) INCLUDE (author_id);

ALTER TABLE post_tags ADD PRIMARY KEY (post_id, tag_id);
-- Newest public posts with an interest (feed's interest part, interest page).
CREATE INDEX post_tags_public_interest_time ON post_tags (interest_id, created_at DESC, post_id DESC)
  WHERE is_public;

-- (post_id, rider_id): like counts (index-only), liked_by_me, who liked; (rider_id, post_id): a
-- rider's likes.
ALTER TABLE likes ADD PRIMARY KEY (post_id, rider_id);
CREATE INDEX likes_by_rider ON likes (rider_id, post_id);

ALTER TABLE comments ADD PRIMARY KEY (id);
CREATE INDEX comments_by_post ON comments (post_id, created_at, id);   -- counts, oldest-first list

ALTER TABLE friends ADD FOREIGN KEY (rider_id) REFERENCES riders ON DELETE CASCADE,
                    ADD FOREIGN KEY (friend_id) REFERENCES riders ON DELETE CASCADE;
ALTER TABLE friend_requests ADD FOREIGN KEY (from_id) REFERENCES riders ON DELETE CASCADE,
                            ADD FOREIGN KEY (to_id) REFERENCES riders ON DELETE CASCADE;
ALTER TABLE follows ADD FOREIGN KEY (rider_id) REFERENCES riders ON DELETE CASCADE,
                    ADD FOREIGN KEY (interest_id) REFERENCES interests;
ALTER TABLE posts ADD FOREIGN KEY (author_id) REFERENCES riders ON DELETE CASCADE,
                  ADD FOREIGN KEY (place_id) REFERENCES places;
ALTER TABLE post_tags ADD FOREIGN KEY (post_id) REFERENCES posts ON DELETE CASCADE,
                      ADD FOREIGN KEY (tag_id) REFERENCES interests;
ALTER TABLE likes ADD FOREIGN KEY (post_id) REFERENCES posts ON DELETE CASCADE,
                  ADD FOREIGN KEY (rider_id) REFERENCES riders ON DELETE CASCADE;
ALTER TABLE comments ADD FOREIGN KEY (post_id) REFERENCES posts ON DELETE CASCADE,
                     ADD FOREIGN KEY (author_id) REFERENCES riders ON DELETE CASCADE;

-- New riders, posts and comments take ids from one sequence above every loaded id.
CREATE SEQUENCE object_id_seq;
SELECT setval('object_id_seq', greatest(1,
  (SELECT max(id) FROM riders), (SELECT max(id) FROM posts), (SELECT max(id) FROM comments)))
  \gset ignored_

-- Benchmark helpers: dense 1..N indexes over the loaded riders and posts (LDBC ids are sparse), so
-- pgbench can draw `random(1, :nriders)` and map it to an id inside the measured statement.
CREATE TABLE bench_riders (idx int PRIMARY KEY, rider_id bigint NOT NULL);
INSERT INTO bench_riders SELECT row_number() OVER (ORDER BY id), id FROM riders;
-- bench_posts holds the PUBLIC posts (all posts if there are none): post_like.sql likes one, so
-- every like is allowed (anyone may see a public post) and is really written.
CREATE TABLE bench_posts (idx int PRIMARY KEY, post_id bigint NOT NULL);
INSERT INTO bench_posts SELECT row_number() OVER (ORDER BY id), id FROM posts
WHERE is_public OR NOT EXISTS (SELECT 1 FROM posts WHERE is_public);

VACUUM (ANALYZE) ;
