//! The embedded store: one SQLite file in WAL mode, written by one connection.

mod load;
mod schema;

use std::path::{Path, PathBuf};

use pillion_model::{Change, RiderId, Timestamp};
use rusqlite::{params, Connection, TransactionBehavior};

use crate::{LoadInfo, Store, StoreError};

/// A [`Store`] in one SQLite file.
///
/// The connection belongs to whoever owns the store (the single writer thread); the type is
/// `Send` but not `Sync`. Every `commit` is one `BEGIN IMMEDIATE ... COMMIT` with a full sync of
/// the write-ahead log, so batching many changes into one call is what makes writes fast.
///
/// ```
/// use pillion_model::{Change, RiderId, Timestamp};
/// use pillion_store::{SqliteStore, Store};
///
/// let dir = tempfile::tempdir()?;
/// let mut store = SqliteStore::open(&dir.path().join("pillion.db"))?;
/// store.commit(&[Change::RevokeToken { token_id: 7, expires_at: Timestamp(i64::MAX) }])?;
///
/// let mut state = Vec::new();
/// let info = store.load(&mut |change| state.push(change))?;
/// assert_eq!(state.len(), 1);
/// assert_eq!(info.next_id, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// During a bulk load: the secondary indexes dropped at its start, to build at its end.
    deferred_indexes: Vec<String>,
}

impl SqliteStore {
    /// Opens the store at `path`, creating the file and its schema if they are missing and
    /// upgrading an older schema. Revoked tokens that have expired are pruned.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = Connection::open(path)?;
        schema::configure(&conn)?;
        schema::migrate(&mut conn)?;
        let pruned = conn.execute(
            "DELETE FROM revoked_tokens WHERE expires_at <= ?1",
            [Timestamp::now().millis()],
        )?;
        tracing::debug!(path = %path.display(), pruned, "opened sqlite store");
        Ok(SqliteStore {
            conn,
            path: path.to_owned(),
            deferred_indexes: Vec::new(),
        })
    }

    /// Creates a new store file for a bulk load (an import): no journal, no syncs and no
    /// foreign-key checks while it fills, because a failed import deletes the file anyway.
    /// [`SqliteStore::finish_bulk`] checks the references, syncs, and leaves a normal store.
    pub fn create_bulk(path: &Path) -> Result<SqliteStore, StoreError> {
        if path.exists() {
            return Err(StoreError::Corrupt(format!(
                "{} already exists; a bulk load needs a new file",
                path.display()
            )));
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "cache_size", -1_048_576)?; // KiB, i.e. 1 GiB
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        // Rows arrive in file order, which is random for most secondary indexes; building each
        // index once at the end (a sort) is much faster than keeping it up to date row by row.
        // The definitions are read from the schema itself, so they always match it.
        let deferred_indexes = {
            let mut stmt = conn.prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
            rows.collect::<Result<Vec<(String, String)>, _>>()?
        };
        for (name, _) in &deferred_indexes {
            conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        Ok(SqliteStore {
            conn,
            path: path.to_owned(),
            deferred_indexes: deferred_indexes.into_iter().map(|(_, sql)| sql).collect(),
        })
    }

    /// Ends a bulk load: the secondary indexes are built (a unique one refuses duplicates),
    /// every reference must resolve (else [`StoreError::Corrupt`]), and the file is switched to
    /// WAL mode and synced to disk.
    pub fn finish_bulk(self) -> Result<(), StoreError> {
        for sql in &self.deferred_indexes {
            self.conn.execute_batch(sql).map_err(|e| {
                StoreError::Corrupt(format!("building an index failed ({e}): {sql}"))
            })?;
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let mut rows = stmt.query([])?;
        if let Some(row) = rows.next()? {
            let table: String = row.get(0)?;
            let parent: String = row.get(2)?;
            return Err(StoreError::Corrupt(format!(
                "a row of {table} refers to a missing row of {parent}"
            )));
        }
        drop(rows);
        drop(stmt);
        self.conn.pragma_update(None, "locking_mode", "NORMAL")?;
        let mode: String =
            self.conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt(format!(
                "the store did not switch to WAL mode ({mode})"
            )));
        }
        let path = self.path.clone();
        self.conn.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&path)?.sync_all()?;
        Ok(())
    }

    /// Finds a rider by handle, or by numeric id, without loading the store (for `pillion token`).
    pub fn find_rider(&self, handle_or_id: &str) -> Result<Option<RiderId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM riders WHERE handle = ?1 OR id = ?2")?;
        let id: Option<i64> = handle_or_id.parse::<i64>().ok();
        let mut rows = stmt.query(params![handle_or_id, id])?;
        match rows.next()? {
            Some(row) => Ok(Some(RiderId(row.get::<_, i64>(0)? as u64))),
            None => Ok(None),
        }
    }

    /// How many rows the graph-only tables hold, by label and by relationship type: what an
    /// import reports and its tests check.
    pub fn graph_extras(&self) -> Result<GraphExtras, StoreError> {
        let mut extras = GraphExtras::default();
        let mut stmt = self
            .conn
            .prepare("SELECT labels, count(*) FROM nodes GROUP BY labels ORDER BY labels")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            extras
                .nodes
                .push((row.get(0)?, row.get::<_, i64>(1)? as u64));
        }
        let mut stmt = self
            .conn
            .prepare("SELECT type, count(*) FROM rels GROUP BY type ORDER BY type")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            extras
                .rels
                .push((row.get(0)?, row.get::<_, i64>(1)? as u64));
        }
        extras.node_props = self
            .conn
            .query_row("SELECT count(*) FROM node_props", [], |row| {
                row.get::<_, i64>(0)
            })? as u64;
        Ok(extras)
    }

    /// Every rider's id, in id order (for `pillion token --sample`).
    pub fn rider_ids(&self) -> Result<Vec<RiderId>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM riders ORDER BY id")?;
        let ids = stmt
            .query_map([], |row| row.get::<_, i64>(0))?
            .map(|id| id.map(|id| RiderId(id as u64)))
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The file this store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Counts of the graph-only tables (see [`SqliteStore::graph_extras`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphExtras {
    /// (labels as a JSON array, count), by labels.
    pub nodes: Vec<(String, u64)>,
    /// (type, count), by type.
    pub rels: Vec<(String, u64)>,
    /// Posts, comments and interests with extra properties.
    pub node_props: u64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store for SqliteStore {
    fn load(&mut self, sink: &mut dyn FnMut(Change)) -> Result<LoadInfo, StoreError> {
        load::load(&mut self.conn, sink)
    }

    fn commit(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        // Dropping `tx` on any error rolls the whole batch back.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for change in changes {
            apply(&tx, change)?;
        }
        if let Some(max_id) = changes.iter().filter_map(Change::created_id).max() {
            tx.prepare_cached("UPDATE meta SET value = max(value, ?1) WHERE key = 'next_id'")?
                .execute([max_id.saturating_add(1)])?;
        }
        if let Some(max_id) = changes.iter().filter_map(Change::created_rel_id).max() {
            tx.prepare_cached("UPDATE meta SET value = max(value, ?1) WHERE key = 'next_rel_id'")?
                .execute([max_id.saturating_add(1)])?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Writes one change. Each statement leaves the row as it is when the change already holds.
/// Ids bind as `u64`, which rusqlite refuses above `i64::MAX` instead of wrapping.
fn apply(conn: &Connection, change: &Change) -> rusqlite::Result<()> {
    match change {
        Change::CreateRider(r) => {
            conn.prepare_cached(
                "INSERT INTO riders (id, handle, name, password_hash, props, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                r.id.0,
                r.handle.as_str(),
                r.name.as_str(),
                r.password_hash,
                to_json(&r.props)?,
                r.created_at.0,
            ])?;
        }
        Change::UpdateRider { id, name, props } => {
            conn.prepare_cached("UPDATE riders SET name = ?2, props = ?3 WHERE id = ?1")?
                .execute(params![id.0, name.as_str(), to_json(props)?])?;
        }
        Change::CreateFriendRequest {
            from,
            to,
            created_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![from.0, to.0, created_at.0])?;
        }
        Change::DeleteFriendRequest { from, to } => {
            conn.prepare_cached("DELETE FROM friend_requests WHERE from_id = ?1 AND to_id = ?2")?
                .execute(params![from.0, to.0])?;
        }
        Change::CreateFriendship {
            requester,
            accepter,
            since,
        } => {
            conn.prepare_cached(
                "INSERT INTO friendships (requester, accepter, since) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![requester.0, accepter.0, since.0])?;
        }
        Change::DeleteFriendship { a, b } => {
            // Spelled exactly as the `friendships_pair` index so that the index is used.
            conn.prepare_cached(
                "DELETE FROM friendships
                 WHERE min(requester, accepter) = ?1 AND max(requester, accepter) = ?2",
            )?
            .execute(params![a.0.min(b.0), a.0.max(b.0)])?;
        }
        Change::CreateInterest { id, name } => {
            conn.prepare_cached(
                "INSERT INTO interests (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![id.0, name.as_str()])?;
        }
        Change::Follow {
            rider,
            interest,
            created_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO follows (rider, interest, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![rider.0, interest.0, created_at.0])?;
        }
        Change::Unfollow { rider, interest } => {
            conn.prepare_cached("DELETE FROM follows WHERE rider = ?1 AND interest = ?2")?
                .execute(params![rider.0, interest.0])?;
        }
        Change::CreatePost(p) => {
            let photos = if p.photos.is_empty() {
                None
            } else {
                Some(to_json(&p.photos)?)
            };
            let place = p.place.as_ref();
            conn.prepare_cached(
                "INSERT INTO posts (id, author, body, visibility, photos,
                                    place_name, place_lat, place_lon, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                p.id.0,
                p.author.0,
                p.body.as_str(),
                p.visibility.as_str(),
                photos,
                place.map(|pl| pl.name.as_str()),
                place.map(|pl| pl.lat),
                place.map(|pl| pl.lon),
                p.created_at.0,
            ])?;
            if !p.interests.is_empty() {
                let mut tag = conn.prepare_cached(
                    "INSERT INTO post_interests (post, position, interest) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                )?;
                for (position, interest) in p.interests.iter().enumerate() {
                    tag.execute(params![p.id.0, position, interest.0])?;
                }
            }
        }
        Change::DeletePost { id } => {
            for sql in [
                "DELETE FROM rels WHERE src IN (SELECT id FROM comments WHERE post = ?1)
                                     OR dst IN (SELECT id FROM comments WHERE post = ?1)",
                "DELETE FROM node_props WHERE id IN (SELECT id FROM comments WHERE post = ?1)",
                "DELETE FROM rels WHERE src = ?1 OR dst = ?1",
                "DELETE FROM node_props WHERE id = ?1",
                "DELETE FROM likes WHERE post = ?1",
                "DELETE FROM comments WHERE post = ?1",
                "DELETE FROM post_interests WHERE post = ?1",
                "DELETE FROM posts WHERE id = ?1",
            ] {
                conn.prepare_cached(sql)?.execute([id.0])?;
            }
        }
        Change::Like {
            rider,
            post,
            created_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO likes (post, rider, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![post.0, rider.0, created_at.0])?;
        }
        Change::Unlike { rider, post } => {
            conn.prepare_cached("DELETE FROM likes WHERE post = ?1 AND rider = ?2")?
                .execute(params![post.0, rider.0])?;
        }
        Change::CreateComment(c) => {
            conn.prepare_cached(
                "INSERT INTO comments (id, post, author, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                c.id.0,
                c.post.0,
                c.author.0,
                c.body.as_str(),
                c.created_at.0
            ])?;
        }
        Change::CreateNode(n) => {
            conn.prepare_cached(
                "INSERT INTO nodes (id, labels, props) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![n.id.0, to_json(&n.labels)?, to_json(&n.props)?])?;
        }
        Change::DeleteComment { id } => {
            for sql in [
                "DELETE FROM rels WHERE src = ?1 OR dst = ?1",
                "DELETE FROM node_props WHERE id = ?1",
                "DELETE FROM comments WHERE id = ?1",
            ] {
                conn.prepare_cached(sql)?.execute([id.0])?;
            }
        }
        Change::UpdateNode(n) => {
            conn.prepare_cached("UPDATE nodes SET labels = ?2, props = ?3 WHERE id = ?1")?
                .execute(params![n.id.0, to_json(&n.labels)?, to_json(&n.props)?])?;
        }
        Change::DeleteNode { id } => {
            for sql in [
                "DELETE FROM rels WHERE src = ?1 OR dst = ?1",
                "DELETE FROM nodes WHERE id = ?1",
            ] {
                conn.prepare_cached(sql)?.execute([id.0])?;
            }
        }
        Change::CreateRel(r) => {
            conn.prepare_cached(
                "INSERT INTO rels (type, src, dst, props) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![r.rel_type, r.from.0, r.to.0, to_json(&r.props)?])?;
        }
        Change::CreateRelWithId { id, rel: r } => {
            conn.prepare_cached(
                "INSERT INTO rels (id, type, src, dst, props) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                id,
                r.rel_type,
                r.from.0,
                r.to.0,
                to_json(&r.props)?
            ])?;
        }
        Change::SetRelProps { id, props } => {
            conn.prepare_cached("UPDATE rels SET props = ?2 WHERE id = ?1")?
                .execute(params![id, to_json(props)?])?;
        }
        Change::DeleteRel { id } => {
            conn.prepare_cached("DELETE FROM rels WHERE id = ?1")?
                .execute([id])?;
        }
        Change::SetNodeProps { id, props } => {
            conn.prepare_cached(
                "INSERT INTO node_props (id, props) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET props = excluded.props",
            )?
            .execute(params![id.0, to_json(props)?])?;
        }
        Change::RevokeToken {
            token_id,
            expires_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO revoked_tokens (token_id, expires_at) VALUES (?1, ?2)
                 ON CONFLICT (token_id) DO NOTHING",
            )?
            .execute(params![token_id_to_sql(*token_id), expires_at.0])?;
        }
    }
    Ok(())
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Token ids use all 64 bits; SQLite integers are signed. The cast is a bijection.
fn token_id_to_sql(id: u64) -> i64 {
    id as i64
}

fn token_id_from_sql(v: i64) -> u64 {
    v as u64
}
