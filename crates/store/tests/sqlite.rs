//! The SQLite store: the conformance suite, plus what only a file on disk can show.

use std::path::{Path, PathBuf};

use pillion_model::{
    Change, Handle, PostBody, PostId, PostRecord, Props, RiderId, RiderName, RiderRecord,
    Timestamp, Visibility,
};
use pillion_store::conformance::{self, Backend};
use pillion_store::{SqliteStore, Store, StoreError};

/// Each store is a file of its own in a directory that lives as long as the test.
struct Sqlite {
    dir: tempfile::TempDir,
    opened: usize,
}

impl Sqlite {
    fn new() -> Self {
        Sqlite {
            dir: tempfile::tempdir().expect("temporary directory"),
            opened: 0,
        }
    }
}

impl Backend for Sqlite {
    type Store = SqliteStore;

    fn fresh(&mut self) -> SqliteStore {
        self.opened += 1;
        let path = self.dir.path().join(format!("store-{}.db", self.opened));
        SqliteStore::open(&path).expect("open a new store")
    }

    fn reopen(&mut self, store: SqliteStore) -> SqliteStore {
        let path = store.path().to_owned();
        drop(store);
        SqliteStore::open(&path).expect("reopen the store")
    }
}

mod suite {
    pillion_store::store_conformance_suite!(super::Sqlite::new());
}

// ---- SQLite only ------------------------------------------------------------------------------

fn rider(id: u64, handle: &str) -> RiderRecord {
    RiderRecord {
        id: RiderId(id),
        handle: Handle::parse(handle).expect("valid handle"),
        name: RiderName::from_trusted(handle.to_uppercase()),
        password_hash: "$argon2id$v=19$hash".to_owned(),
        props: Props::default(),
        created_at: Timestamp(1_700_000_000_000),
    }
}

fn post(id: u64, author: u64) -> PostRecord {
    PostRecord {
        id: PostId(id),
        author: RiderId(author),
        body: PostBody::from_trusted("hello".to_owned()),
        visibility: Visibility::Public,
        photos: Vec::new(),
        place: None,
        interests: Vec::new(),
        created_at: Timestamp(1_700_000_000_100),
    }
}

/// A store at `dir/name` holding rider 1 and their post 2.
fn small_store(dir: &Path, name: &str) -> (SqliteStore, PathBuf) {
    let path = dir.join(name);
    let mut store = SqliteStore::open(&path).expect("open");
    store
        .commit(&[
            Change::CreateRider(rider(1, "ann")),
            Change::CreatePost(post(2, 1)),
        ])
        .expect("commit");
    (store, path)
}

/// The file opened directly, with nothing enforced, as a careless tool or a bad disk might.
fn raw(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open the file directly");
    conn.pragma_update(None, "foreign_keys", "OFF")
        .expect("foreign keys off");
    conn
}

#[test]
fn open_creates_the_file_with_the_current_schema_in_wal_mode() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("new.db");
    assert!(!path.exists());
    let store = SqliteStore::open(&path).expect("open");
    assert!(path.exists());

    let conn = raw(&path);
    let version: i64 = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .expect("schema version");
    assert_eq!(version, 3);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    drop(store);

    // Opening again neither fails nor re-creates anything.
    let mut store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(conformance::load_all(&mut store).0, Vec::new());
}

#[test]
fn a_file_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (store, path) = small_store(dir.path(), "newer.db");
    drop(store);
    raw(&path)
        .execute(
            "UPDATE meta SET value = 99 WHERE key = 'schema_version'",
            [],
        )
        .expect("bump the version");
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(msg)) => assert!(msg.contains("99"), "{msg}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_older_file_gets_the_relationship_id_mark_above_its_rows() {
    use pillion_model::{NodeId, RelRecord};
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut store, path) = small_store(dir.path(), "v2.db");
    let rel = RelRecord {
        rel_type: "KNOWS".into(),
        from: NodeId(1),
        to: NodeId(1),
        props: Props::default(),
    };
    store
        .commit(&[Change::CreateRel(rel.clone()), Change::CreateRel(rel)])
        .expect("commit");
    drop(store);
    // What a file written before schema 3 looks like: no mark for relationship ids.
    let conn = raw(&path);
    conn.execute_batch(
        "DELETE FROM meta WHERE key = 'next_rel_id';
         UPDATE meta SET value = 2 WHERE key = 'schema_version';",
    )
    .expect("downgrade");
    drop(conn);
    let mut store = SqliteStore::open(&path).expect("upgrade");
    let mark: i64 = raw(&path)
        .query_row(
            "SELECT value FROM meta WHERE key = 'next_rel_id'",
            [],
            |r| r.get(0),
        )
        .expect("the mark");
    assert_eq!(mark, 3);
    assert_eq!(conformance::load_all(&mut store).1.next_rel_id, 3);
}

#[test]
fn corrupt_rows_are_reported_with_table_and_key() {
    let cases = [
        (
            "UPDATE riders SET props = '{not json' WHERE id = 1",
            "riders row 1",
        ),
        (
            "UPDATE riders SET props = '[1, 2]' WHERE id = 1",
            "riders row 1",
        ),
        (
            "UPDATE riders SET created_at = 'noon' WHERE id = 1",
            "riders row 1",
        ),
        (
            "UPDATE riders SET handle = x'00ff' WHERE id = 1",
            "riders row 1",
        ),
        (
            "UPDATE posts SET visibility = 'secret' WHERE id = 2",
            "posts row 2",
        ),
        (
            "UPDATE posts SET photos = '[{\"url\": 1}]' WHERE id = 2",
            "posts row 2",
        ),
        (
            "UPDATE posts SET place_name = 'Somewhere' WHERE id = 2",
            "posts row 2",
        ),
        ("UPDATE posts SET author = -5 WHERE id = 2", "posts row 2"),
        (
            "INSERT INTO revoked_tokens VALUES (5, 'never')",
            "revoked_tokens row 5",
        ),
        (
            "UPDATE meta SET value = 'many' WHERE key = 'next_id'",
            "next_id",
        ),
    ];
    let dir = tempfile::tempdir().expect("temporary directory");
    for (i, (sql, expected)) in cases.iter().enumerate() {
        let (mut store, path) = small_store(dir.path(), &format!("corrupt-{i}.db"));
        let conn = raw(&path);
        conn.execute(sql, []).expect("corrupt the row");
        let mut loaded = 0;
        match store.load(&mut |_| loaded += 1) {
            Err(StoreError::Corrupt(msg)) => assert!(msg.contains(expected), "{sql}: {msg}"),
            other => panic!("{sql}: expected Corrupt, got {other:?}"),
        }
    }
}

#[test]
fn expired_revoked_tokens_are_pruned_at_open() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("tokens.db");
    let mut store = SqliteStore::open(&path).expect("open");
    let tomorrow = Timestamp(Timestamp::now().millis() + 86_400_000);
    store
        .commit(&[
            Change::RevokeToken {
                token_id: 1,
                expires_at: Timestamp(1_000),
            },
            Change::RevokeToken {
                token_id: 2,
                expires_at: tomorrow,
            },
        ])
        .expect("commit");
    drop(store);
    let _store = SqliteStore::open(&path).expect("reopen");
    let ids: Vec<i64> = raw(&path)
        .prepare("SELECT token_id FROM revoked_tokens")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read tokens");
    assert_eq!(ids, [2]);
}

#[test]
fn a_change_referring_to_nothing_fails_the_batch() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut store, _) = small_store(dir.path(), "fk.db");
    let orphan = Change::Like {
        rider: RiderId(99),
        post: PostId(2),
        created_at: Timestamp(1_700_000_000_200),
    };
    let result = store.commit(&[Change::CreatePost(post(3, 1)), orphan]);
    assert!(matches!(result, Err(StoreError::Database(_))), "{result:?}");
    let (loaded, info) = conformance::load_all(&mut store);
    assert_eq!(loaded.len(), 2, "only the first commit is kept: {loaded:?}");
    assert_eq!(info.next_id, 3);
}

fn comment(id: u64, post: u64, author: u64) -> pillion_model::CommentRecord {
    pillion_model::CommentRecord {
        id: pillion_model::CommentId(id),
        post: pillion_model::PostId(post),
        author: pillion_model::RiderId(author),
        body: pillion_model::CommentBody::from_trusted("c".into()),
        created_at: pillion_model::Timestamp(10),
    }
}

fn props(k: &str, v: &str) -> pillion_model::Props {
    pillion_model::Props::from_trusted([(k.to_owned(), serde_json::json!(v))].into())
}

#[test]
fn graph_only_data_is_counted_replayed_and_leaves_with_its_post() {
    use pillion_model::{NodeId, NodeRecord, RelRecord};
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut store, _) = small_store(dir.path(), "extras.db");
    let rel = |t: &str, from: u64, to: u64| {
        Change::CreateRel(RelRecord {
            rel_type: t.into(),
            from: NodeId(from),
            to: NodeId(to),
            props: props("since", "2010"),
        })
    };
    store
        .commit(&[
            Change::CreatePost(post(3, 1)),
            Change::CreateComment(comment(4, 2, 1)),
            Change::CreateNode(NodeRecord {
                id: NodeId(10),
                labels: vec!["Place".into()],
                props: props("name", "Lyon"),
            }),
            Change::SetNodeProps {
                id: NodeId(2),
                props: props("browserUsed", "Firefox"),
            },
            Change::SetNodeProps {
                id: NodeId(4),
                props: props("browserUsed", "Chrome"),
            },
            rel("IS_LOCATED_IN", 2, 10),
            rel("IS_LOCATED_IN", 3, 10),
            rel("REPLY_OF", 4, 4),
            rel("WORK_AT", 1, 10),
        ])
        .expect("commit");
    let extras = store.graph_extras().expect("extras");
    assert_eq!(extras.nodes, vec![("[\"Place\"]".to_owned(), 1)]);
    assert_eq!(
        extras.rels,
        vec![
            ("IS_LOCATED_IN".to_owned(), 2),
            ("REPLY_OF".to_owned(), 1),
            ("WORK_AT".to_owned(), 1)
        ]
    );
    assert_eq!(extras.node_props, 2);

    // A load replays all of it after the social state, relationships numbered in row order.
    // The node's id counts for the high-water mark.
    let (loaded, info) = conformance::load_all(&mut store);
    let graph_only = loaded
        .iter()
        .filter(|c| {
            matches!(
                c,
                Change::CreateNode(_)
                    | Change::CreateRelWithId { .. }
                    | Change::SetNodeProps { .. }
            )
        })
        .count();
    assert_eq!(graph_only, 1 + 2 + 4);
    assert!(loaded.contains(&Change::CreateRelWithId {
        id: 4,
        rel: RelRecord {
            rel_type: "WORK_AT".into(),
            from: NodeId(1),
            to: NodeId(10),
            props: props("since", "2010"),
        }
    }));
    assert_eq!(info.next_id, 11);
    assert_eq!(info.next_rel_id, 5);

    // Deleting post 2 takes its rows and its comment's rows with it; post 3's stay.
    store
        .commit(&[Change::DeletePost {
            id: pillion_model::PostId(2),
        }])
        .expect("delete");
    let extras = store.graph_extras().expect("extras");
    assert_eq!(
        extras.rels,
        vec![("IS_LOCATED_IN".to_owned(), 1), ("WORK_AT".to_owned(), 1)]
    );
    assert_eq!(extras.node_props, 0);
}

#[test]
fn a_bulk_load_ends_as_a_normal_store_and_checks_references() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bulk.db");
    let mut store = SqliteStore::create_bulk(&path).expect("create");
    assert!(SqliteStore::create_bulk(&path).is_err(), "only a new file");
    store
        .commit(&[
            Change::CreateRider(rider(1, "ann")),
            Change::CreatePost(post(2, 1)),
        ])
        .expect("commit");
    store.finish_bulk().expect("finish");
    let mode: String = raw(&path)
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let mut store = SqliteStore::open(&path).expect("open");
    assert_eq!(conformance::load_all(&mut store).0.len(), 2);

    // A like of a post nobody made: refused when the load ends, not silently kept.
    let path = dir.path().join("dangling.db");
    let mut store = SqliteStore::create_bulk(&path).expect("create");
    store
        .commit(&[
            Change::CreateRider(rider(1, "ann")),
            Change::Like {
                rider: pillion_model::RiderId(1),
                post: pillion_model::PostId(99),
                created_at: pillion_model::Timestamp(1),
            },
        ])
        .expect("commit without checks");
    let err = store.finish_bulk().expect_err("dangling reference");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
}
