//! The behaviour every [`Store`] must have, written once and run against every backend.
//!
//! A backend's test file implements [`Backend`] (how to get an empty store and how to reopen one)
//! and expands [`store_conformance_suite!`](crate::store_conformance_suite), which generates one
//! `#[test]` per case below; `tests/sqlite.rs` in this crate does so for [`crate::SqliteStore`].
//!
//! Every check of a load goes through [`assert_loads`]: it demands the load-order contract of
//! [`Store::load`] (creations only; by kind; riders, interests and graph-only data by id; posts
//! and comments by time then id; likes by time; nothing referred to before it exists) and then
//! compares the state with what was committed, ignoring the order where the contract leaves it
//! open.

mod cases;
mod graph_only;

use std::collections::HashSet;

use pillion_model::{
    Change, CommentBody, CommentId, CommentRecord, Handle, InterestId, InterestName, Photo, Place,
    PostBody, PostId, PostRecord, Props, RiderId, RiderName, RiderRecord, Timestamp, Visibility,
};

pub use cases::*;
pub use graph_only::*;

use crate::{LoadInfo, Store};

/// How the suite gets stores from a backend.
pub trait Backend {
    type Store: Store;

    /// A new, empty store that shares nothing with any other store this backend made.
    fn fresh(&mut self) -> Self::Store;

    /// Closes `store` and opens the same data again, as a restarted process would.
    fn reopen(&mut self, store: Self::Store) -> Self::Store;
}

/// Generates one `#[test]` per conformance case for the
/// [`Backend`](crate::conformance::Backend) that
/// `$backend` evaluates to; the expression is evaluated anew for every test.
#[macro_export]
macro_rules! store_conformance_suite {
    ($backend:expr) => {
        $crate::store_conformance_suite!(@cases $backend;
            empty_store_loads_nothing,
            round_trips_every_creation,
            round_trips_one_change_per_commit,
            update_rider_replaces_name_and_props,
            deletes_remove_what_they_name,
            delete_post_removes_its_likes_comments_and_tags,
            changes_are_idempotent,
            failed_batch_keeps_nothing,
            ids_are_never_reused,
            state_survives_reopen,
            load_orders_references_first,
            unicode_text_round_trips,
            control_characters_round_trip,
            expired_revoked_tokens_are_not_loaded,
            large_batch_round_trips,
            graph_only_data_round_trips_with_ids,
            graph_only_data_changes_and_goes_with_its_owner,
            graph_only_changes_are_idempotent,
            rel_ids_are_never_reused,
        );
    };
    (@cases $backend:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let mut backend = $backend;
                $crate::conformance::$case(&mut backend);
            }
        )*
    };
}

// ---- checking a load --------------------------------------------------------------------------

/// Loads everything `store` holds.
pub fn load_all<S: Store>(store: &mut S) -> (Vec<Change>, LoadInfo) {
    let mut loaded = Vec::new();
    let info = store
        .load(&mut |change| loaded.push(change))
        .expect("load failed");
    (loaded, info)
}

fn commit<S: Store>(store: &mut S, changes: &[Change]) {
    if let Err(e) = store.commit(changes) {
        panic!("commit of {} changes failed: {e}", changes.len());
    }
}

/// Loads `store`, checks the load-order contract, and compares the state with `expected` (given
/// in any order). Returns what the load said besides the state.
pub fn assert_loads<S: Store>(store: &mut S, expected: &[Change]) -> LoadInfo {
    let (loaded, info) = load_all(store);
    check_load_order(&loaded);
    assert_eq!(
        canonical(loaded),
        canonical(expected.to_vec()),
        "the loaded state is not the committed one"
    );
    info
}

/// The place of a loaded change in the contract's order, and then a key that makes the order
/// total: a load must already be sorted by it where the contract says so (see
/// [`check_load_order`]); elsewhere sorting by it only removes an order nobody promised.
fn order_key(change: &Change) -> (u8, i64, u64, u64) {
    match change {
        Change::CreateRider(r) => (0, 0, r.id.0, 0),
        Change::CreateInterest { id, .. } => (1, 0, id.0, 0),
        Change::CreateFriendship {
            requester,
            accepter,
            ..
        } => (2, 0, requester.0, accepter.0),
        Change::CreateFriendRequest { from, to, .. } => (3, 0, from.0, to.0),
        Change::Follow {
            rider, interest, ..
        } => (4, 0, rider.0, interest.0),
        Change::CreatePost(p) => (5, p.created_at.0, p.id.0, 0),
        Change::Like {
            rider,
            post,
            created_at,
        } => (6, created_at.0, post.0, rider.0),
        Change::CreateComment(c) => (7, c.created_at.0, c.id.0, 0),
        Change::RevokeToken { token_id, .. } => (8, 0, *token_id, 0),
        Change::CreateNode(n) => (9, 0, n.id.0, 0),
        Change::SetNodeProps { id, .. } => (10, 0, id.0, 0),
        Change::CreateRelWithId { id, .. } => (11, 0, *id, 0),
        other => panic!("a load emitted {other:?}, which is not a creation"),
    }
}

fn canonical(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by_key(order_key);
    changes
}

/// Panics unless `loaded` keeps the order [`Store::load`] promises.
pub fn check_load_order(loaded: &[Change]) {
    for pair in loaded.windows(2) {
        let (a, b) = (order_key(&pair[0]), order_key(&pair[1]));
        let in_order = match (a.0, b.0) {
            (x, y) if x != y => x < y,
            // riders, interests, graph-only data: by id; posts, comments: by time, then id
            (0 | 1 | 5 | 7 | 9 | 10 | 11, _) => a < b,
            // likes: by time
            (6, _) => a.1 <= b.1,
            _ => true,
        };
        assert!(
            in_order,
            "load order broken: {:?} came before {:?}",
            pair[0], pair[1]
        );
    }
    let mut riders = HashSet::new();
    let mut interests = HashSet::new();
    let mut posts = HashSet::new();
    // Every node by id, whatever its kind: what graph-only data may refer to.
    let mut nodes = HashSet::new();
    for change in loaded {
        if let Some(id) = change.created_id() {
            nodes.insert(id);
        }
        let refs_ok = match change {
            Change::CreateRider(r) => riders.insert(r.id),
            Change::CreateInterest { id, .. } => interests.insert(*id),
            Change::CreateFriendship {
                requester: a,
                accepter: b,
                ..
            }
            | Change::CreateFriendRequest { from: a, to: b, .. } => {
                riders.contains(a) && riders.contains(b)
            }
            Change::Follow {
                rider, interest, ..
            } => riders.contains(rider) && interests.contains(interest),
            Change::CreatePost(p) => {
                riders.contains(&p.author)
                    && p.interests.iter().all(|i| interests.contains(i))
                    && posts.insert(p.id)
            }
            Change::Like { rider, post, .. } => riders.contains(rider) && posts.contains(post),
            Change::CreateComment(c) => riders.contains(&c.author) && posts.contains(&c.post),
            Change::SetNodeProps { id, .. } => nodes.contains(&id.0),
            Change::CreateRelWithId { rel, .. } => {
                nodes.contains(&rel.from.0) && nodes.contains(&rel.to.0)
            }
            _ => true,
        };
        assert!(
            refs_ok,
            "{change:?} was loaded before what it refers to (or twice)"
        );
    }
}

// ---- fixtures ---------------------------------------------------------------------------------

/// A fixed moment (2023-11-14) so that expected states are plain data.
const T0: i64 = 1_700_000_000_000;

fn at(offset_ms: i64) -> Timestamp {
    Timestamp(T0 + offset_ms)
}

/// 2100-01-01, for tokens that must not expire during a test.
const FAR_FUTURE: Timestamp = Timestamp(4_102_444_800_000);

fn props(value: serde_json::Value) -> Props {
    Props::parse(&value).expect("fixture props are valid")
}

fn rider(id: u64, handle: &str) -> RiderRecord {
    RiderRecord {
        id: RiderId(id),
        handle: Handle::parse(handle).expect("fixture handle is valid"),
        name: RiderName::from_trusted(format!("Rider {handle}")),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${handle}"),
        props: Props::default(),
        created_at: at(id as i64),
    }
}

fn interest(id: u64, name: &str) -> Change {
    Change::CreateInterest {
        id: InterestId(id),
        name: InterestName::from_trusted(name.to_owned()),
    }
}

/// A plain post: friends only, no photos, place or interests.
fn post(id: u64, author: u64, created_at: Timestamp) -> PostRecord {
    PostRecord {
        id: PostId(id),
        author: RiderId(author),
        body: PostBody::from_trusted(format!("post {id}")),
        visibility: Visibility::Friends,
        photos: Vec::new(),
        place: None,
        interests: Vec::new(),
        created_at,
    }
}

fn comment_record(id: u64, post: u64, author: u64, created_at: Timestamp) -> CommentRecord {
    CommentRecord {
        id: CommentId(id),
        post: PostId(post),
        author: RiderId(author),
        body: CommentBody::from_trusted(format!("comment {id}")),
        created_at,
    }
}

fn comment(id: u64, post: u64, author: u64, created_at: Timestamp) -> Change {
    Change::CreateComment(comment_record(id, post, author, created_at))
}

fn like(rider: u64, post: u64, created_at: Timestamp) -> Change {
    Change::Like {
        rider: RiderId(rider),
        post: PostId(post),
        created_at,
    }
}

/// One of every kind of creation, with posts of every shape. Its largest id is 31.
fn world() -> Vec<Change> {
    let mut ann = rider(1, "ann");
    ann.props = props(serde_json::json!({"bike": "R 1200 GS", "cc": 1170, "abs": true}));
    let tagged = PostRecord {
        body: PostBody::from_trusted("Over the pass at dawn".to_owned()),
        visibility: Visibility::Public,
        photos: vec![
            Photo {
                url: "https://img.example/a.jpg".to_owned(),
                width: 1600,
                height: 900,
            },
            Photo {
                url: "https://img.example/b.jpg".to_owned(),
                width: 1,
                height: 100_000,
            },
        ],
        place: Some(Place {
            name: "Stelvio Pass".to_owned(),
            lat: 46.528_611,
            lon: 10.453_333,
        }),
        // The author's order, which is not id order.
        interests: vec![InterestId(12), InterestId(10)],
        ..post(21, 2, at(20))
    };
    vec![
        Change::CreateRider(ann),
        Change::CreateRider(rider(2, "bob")),
        Change::CreateRider(rider(3, "cyd")),
        interest(10, "Alps"),
        interest(11, "BMW R 1200 GS/Adventure"),
        interest(12, "Ölpest 🏍"),
        Change::CreateFriendship {
            requester: RiderId(1),
            accepter: RiderId(2),
            since: at(5),
        },
        // Asked by the higher id, so that no code may assume requester < accepter.
        Change::CreateFriendship {
            requester: RiderId(3),
            accepter: RiderId(2),
            since: at(5),
        },
        Change::CreateFriendRequest {
            from: RiderId(3),
            to: RiderId(1),
            created_at: at(6),
        },
        Change::Follow {
            rider: RiderId(1),
            interest: InterestId(10),
            created_at: at(7),
        },
        Change::Follow {
            rider: RiderId(2),
            interest: InterestId(11),
            created_at: at(8),
        },
        Change::CreatePost(post(20, 1, at(10))),
        Change::CreatePost(tagged),
        like(2, 20, at(30)),
        like(1, 21, at(31)),
        like(3, 21, at(32)),
        comment(30, 21, 1, at(40)),
        comment(31, 20, 2, at(41)),
        Change::RevokeToken {
            token_id: 77,
            expires_at: FAR_FUTURE,
        },
    ]
}
