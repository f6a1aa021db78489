-- The reference schema: what a team would build in PostgreSQL instead of Pillion.
-- Tables only; keys, indexes and foreign keys are in indexes.sql (built after the bulk load,
-- which is much faster than maintaining them row by row). Times are epoch milliseconds (bigint),
-- as in LDBC; ids are bigint and unique across riders, posts and comments (as in the API).

CREATE TABLE riders (
  id            bigint NOT NULL,
  handle        text   NOT NULL,              -- 'p' || LDBC id for imported persons
  name          text   NOT NULL,              -- firstName || ' ' || lastName
  password_hash text,                         -- argon2; NULL for imported riders
  props         jsonb  NOT NULL DEFAULT '{}',  -- schema-free; the LDBC person columns
  created_at    bigint NOT NULL
);

-- A friendship is stored as TWO rows, (a,b) and (b,a): "friends of X" is then one range of the
-- primary key (index-only), "are X and Y friends" one probe, and friends-of-friends a plain
-- self-join. Friendships are rare writes; feeds and suggestions read them on every request.
CREATE TABLE friends (
  rider_id  bigint NOT NULL,
  friend_id bigint NOT NULL,
  since     bigint NOT NULL
);

CREATE TABLE friend_requests (               -- pending requests only
  from_id    bigint NOT NULL,
  to_id      bigint NOT NULL,
  created_at bigint NOT NULL
);

-- LDBC tags are the interests. Names compare case-insensitively in the API, so each tag points at
-- the canonical interest of its lower(name) (the smallest tag id with that name).
CREATE TABLE interests (
  id       bigint NOT NULL,
  name     text   NOT NULL,
  url      text,
  canon_id bigint NOT NULL
);

CREATE TABLE follows (                       -- rider follows interest (canonical id)
  rider_id    bigint NOT NULL,
  interest_id bigint NOT NULL
);

CREATE TABLE places (
  id   bigint NOT NULL,
  name text   NOT NULL,
  url  text,
  type text,
  lat  double precision,
  lon  double precision
);

CREATE TABLE posts (
  id         bigint  NOT NULL,
  author_id  bigint  NOT NULL,
  body       text    NOT NULL,
  is_public  boolean NOT NULL,               -- visibility: public | friends
  created_at bigint  NOT NULL,
  image_file text,                           -- LDBC imageFile: the post's one photo
  place_id   bigint
);

-- Post -> interest, with the post's created_at and visibility copied in (both immutable) so that
-- "newest public posts with interest I" is one index range.
CREATE TABLE post_tags (
  post_id     bigint   NOT NULL,
  tag_id      bigint   NOT NULL,             -- the tag as written (display)
  pos         smallint NOT NULL,             -- order on the post
  interest_id bigint   NOT NULL,             -- canonical interest (feed)
  created_at  bigint   NOT NULL,
  is_public   boolean  NOT NULL
);

CREATE TABLE likes (
  post_id    bigint NOT NULL,
  rider_id   bigint NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE comments (
  id                  bigint NOT NULL,
  post_id             bigint,                -- NULL for LDBC replies to a comment
  reply_to_comment_id bigint,
  author_id           bigint NOT NULL,
  body                text   NOT NULL,
  created_at          bigint NOT NULL
);
