//! Connection settings and the schema, as an ordered list of migrations.
//!
//! `meta.schema_version` says how many entries of [`MIGRATIONS`] the file has seen. Opening a file
//! applies the missing ones in one transaction; a file from a newer build is refused rather than
//! misread. To change the schema, append a migration; never edit one that has shipped.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::StoreError;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Ids (riders, interests, posts, comments) are below 2^53 and stored as they are. Token ids are
/// arbitrary `u64`s and stored as the `i64` with the same bits. Timestamps are Unix milliseconds.
/// Deleting a post deletes its likes, comments and tags explicitly (see `commit`), so the foreign
/// keys need no `ON DELETE` actions; they are enforced and catch a change that refers to nothing.
const V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('next_id', 1);

CREATE TABLE riders (
    id            INTEGER PRIMARY KEY,
    handle        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    props         TEXT NOT NULL,     -- a JSON object
    created_at    INTEGER NOT NULL
);

CREATE TABLE interests (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE friend_requests (
    from_id    INTEGER NOT NULL REFERENCES riders (id),
    to_id      INTEGER NOT NULL REFERENCES riders (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;

-- One row per unordered pair, whoever asked: the unique index on (min, max) makes a second
-- friendship between the same two riders a conflict and lets a delete find the pair either way.
CREATE TABLE friendships (
    requester INTEGER NOT NULL REFERENCES riders (id),
    accepter  INTEGER NOT NULL REFERENCES riders (id),
    since     INTEGER NOT NULL
);
CREATE UNIQUE INDEX friendships_pair
    ON friendships (min(requester, accepter), max(requester, accepter));

CREATE TABLE follows (
    rider      INTEGER NOT NULL REFERENCES riders (id),
    interest   INTEGER NOT NULL REFERENCES interests (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (rider, interest)
) WITHOUT ROWID;

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY,
    author     INTEGER NOT NULL REFERENCES riders (id),
    body       TEXT NOT NULL,
    visibility TEXT NOT NULL,         -- 'friends' | 'public'
    photos     TEXT,                  -- a JSON array; NULL when there are none
    place_name TEXT,                  -- the place: all three set, or all three NULL
    place_lat  REAL,
    place_lon  REAL,
    created_at INTEGER NOT NULL
);
CREATE INDEX posts_by_time ON posts (created_at, id);

-- The author's order of a post's interests is its position.
CREATE TABLE post_interests (
    post     INTEGER NOT NULL REFERENCES posts (id),
    position INTEGER NOT NULL,
    interest INTEGER NOT NULL REFERENCES interests (id),
    PRIMARY KEY (post, position)
) WITHOUT ROWID;

CREATE TABLE likes (
    post       INTEGER NOT NULL REFERENCES posts (id),
    rider      INTEGER NOT NULL REFERENCES riders (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post, rider)
) WITHOUT ROWID;

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    post       INTEGER NOT NULL REFERENCES posts (id),
    author     INTEGER NOT NULL REFERENCES riders (id),
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_by_post ON comments (post);
CREATE INDEX comments_by_time ON comments (created_at, id);

CREATE TABLE revoked_tokens (
    token_id   INTEGER PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
";

/// Graph-only data: nodes outside the social model, relationships it has no column for, and the
/// extra properties of posts, comments and interests (an import's LDBC columns). Node ids share
/// the one id sequence. Deleting a post deletes its rows here and its comments' (see `commit`).
const V2: &str = "
CREATE TABLE nodes (
    id     INTEGER PRIMARY KEY,
    labels TEXT NOT NULL,             -- a JSON array of strings
    props  TEXT NOT NULL              -- a JSON object
);

CREATE TABLE node_props (
    id    INTEGER PRIMARY KEY,        -- a post, comment or interest
    props TEXT NOT NULL
);

CREATE TABLE rels (
    id    INTEGER PRIMARY KEY,        -- creation order
    type  TEXT NOT NULL,
    src   INTEGER NOT NULL,
    dst   INTEGER NOT NULL,
    props TEXT NOT NULL
);
CREATE INDEX rels_by_src ON rels (src);
CREATE INDEX rels_by_dst ON rels (dst);
";

/// Relationship ids' own high-water mark: the writer numbers the relationships Cypher creates,
/// and an id is never given out twice, also after the relationship holding it was deleted.
/// (An import's rows are numbered by SQLite in row order; a load starts above them too.)
const V3: &str = "
INSERT INTO meta (key, value) SELECT 'next_rel_id', coalesce(max(id), 0) + 1 FROM rels;
";

/// Sets up a fresh connection. `synchronous = FULL` in WAL mode syncs the log at every commit, so
/// an acknowledged commit survives power loss; the writer batches changes to pay that sync once
/// per batch rather than once per change.
pub(crate) fn configure(conn: &Connection) -> Result<(), StoreError> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(journal_mode = %mode, "sqlite did not switch to wal");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Sorting at load (likes by time) stays in memory; a bigger page cache helps the load scan.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", -32_768)?; // KiB, i.e. 32 MiB
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Enough for every statement `commit` uses, so none is ever re-prepared.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Creates the schema in an empty file, or brings an older one up to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = schema_version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "schema version {found} is newer than this build understands ({SCHEMA_VERSION})"
        )));
    }
    let from = usize::try_from(found)
        .map_err(|_| StoreError::Corrupt(format!("schema version {found} is negative")))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        tracing::info!(version = i + 1, "applying store migration");
        tx.execute_batch(sql)?;
    }
    if found < SCHEMA_VERSION {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [SCHEMA_VERSION],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// 0 for a file without the `meta` table (a new one).
fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta')",
        [],
        |row| row.get(0),
    )?;
    if !has_meta {
        return Ok(0);
    }
    let version = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(version.unwrap_or(0))
}
