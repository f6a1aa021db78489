//! The durable source of truth, behind one narrow interface: [`Store`].
//!
//! A store keeps the committed state and can replay it; it never answers a request's reads (the
//! in-memory engine does) and holds no domain rules (the engine checked every change before it got
//! here). This is the only crate that knows SQL. SQLite (embedded, the default) implements it in
//! [`sqlite`]; PostgreSQL, for several instances sharing one truth, is meant to be a second
//! implementation of the same trait, checked by the same conformance suite ([`conformance`]).

use pillion_model::Change;

pub mod conformance;
pub mod sqlite;

pub use sqlite::{GraphExtras, SqliteStore};

/// The store's file name inside a data directory.
pub const DB_FILE: &str = "pillion.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

/// What a load learned besides the state itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadInfo {
    /// The next unused node id: above every id ever committed, deleted ones included, so an id is
    /// never reused.
    pub next_id: u64,
    /// The same for graph-only relationships, which have ids of their own.
    pub next_rel_id: u64,
}

/// The durable store. Owned by the single writer thread; not shared.
pub trait Store: Send {
    /// Replays the committed state into `sink` as changes, in an order in which every change
    /// only refers to things created before it: riders, interests, friendships and requests,
    /// follows, posts by creation time, likes, comments by creation time, revoked tokens, then
    /// the graph-only data: nodes ([`Change::CreateNode`]), the extra properties of posts,
    /// comments and interests ([`Change::SetNodeProps`]) and relationships, each with its id
    /// ([`Change::CreateRelWithId`]), all by id.
    fn load(&mut self, sink: &mut dyn FnMut(Change)) -> Result<LoadInfo, StoreError>;

    /// Commits `changes` in order, in one transaction with one sync to disk: all or nothing.
    /// When this returns `Ok`, the changes survive a crash of the process or the machine.
    fn commit(&mut self, changes: &[Change]) -> Result<(), StoreError>;
}
