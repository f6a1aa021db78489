//! The cases for graph-only data: nodes outside the social model, the extra properties of posts,
//! comments and interests, and relationships with ids of their own.

use pillion_model::{Change, CommentId, NodeId, NodeRecord, PostId, RelRecord};

use super::{assert_loads, commit, load_all, props, world, Backend};
use crate::Store;

fn node(id: u64, labels: &[&str], value: serde_json::Value) -> NodeRecord {
    NodeRecord {
        id: NodeId(id),
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        props: props(value),
    }
}

fn rel(rel_type: &str, from: u64, to: u64, value: serde_json::Value) -> RelRecord {
    RelRecord {
        rel_type: rel_type.to_owned(),
        from: NodeId(from),
        to: NodeId(to),
        props: props(value),
    }
}

fn with_id(id: u64, rel: RelRecord) -> Change {
    Change::CreateRelWithId { id, rel }
}

/// [`world`] plus graph-only data on every kind of node: an organisation and a place, the extra
/// properties of a post, a comment and an interest, and relationships between all of them.
fn graph_world() -> Vec<Change> {
    let mut changes = world();
    changes.extend([
        Change::CreateNode(node(
            40,
            &["Organisation"],
            serde_json::json!({"name": "BMW"}),
        )),
        Change::CreateNode(node(
            41,
            &["City", "Place"],
            serde_json::json!({"name": "Lyon", "lat": 45.76, "id": 7}),
        )),
        Change::CreateNode(node(42, &[], serde_json::json!({}))),
        Change::SetNodeProps {
            id: NodeId(21),
            props: props(serde_json::json!({"browserUsed": "Firefox", "length": 21})),
        },
        Change::SetNodeProps {
            id: NodeId(30),
            props: props(serde_json::json!({"locationIP": "10.0.0.1"})),
        },
        Change::SetNodeProps {
            id: NodeId(10),
            props: props(serde_json::json!({"url": "http://dbpedia.org/resource/Alps"})),
        },
        with_id(
            1,
            rel("WORK_AT", 1, 40, serde_json::json!({"workFrom": 2010})),
        ),
        with_id(2, rel("IS_LOCATED_IN", 21, 41, serde_json::json!({}))),
        with_id(3, rel("REPLY_OF", 31, 30, serde_json::json!({}))),
        with_id(4, rel("IS_LOCATED_IN", 40, 41, serde_json::json!({}))),
        // A self-loop, and a second relationship of the same type between the same nodes.
        with_id(5, rel("KNOWS", 42, 42, serde_json::json!({}))),
        with_id(6, rel("KNOWS", 42, 42, serde_json::json!({"n": 2}))),
    ]);
    changes
}

pub fn graph_only_data_round_trips_with_ids<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &graph_world());
    let info = assert_loads(&mut store, &graph_world());
    assert_eq!(info.next_id, 43, "graph-only nodes share the id sequence");
    assert_eq!(info.next_rel_id, 7);

    // An import's relationship has no id yet: the store numbers it above every other, and a
    // load replays it with that id.
    let imported = rel("HAS_MEMBER", 42, 1, serde_json::json!({"joinDate": 1}));
    commit(&mut store, &[Change::CreateRel(imported.clone())]);
    let mut expected = graph_world();
    expected.push(with_id(7, imported));
    let info = assert_loads(&mut store, &expected);
    assert_eq!(info.next_rel_id, 8);
}

pub fn graph_only_data_changes_and_goes_with_its_owner<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &graph_world());
    let renamed = node(
        40,
        &["Company", "Organisation"],
        serde_json::json!({"founded": 1916}),
    );
    commit(
        &mut store,
        &[
            Change::UpdateNode(renamed.clone()),
            Change::SetRelProps {
                id: 1,
                props: props(serde_json::json!({"workFrom": 2012, "role": "test rider"})),
            },
            Change::DeleteRel { id: 6 },
            // Takes relationships 2 and 4 with it.
            Change::DeleteNode { id: NodeId(41) },
            // Takes its extra properties and relationship 3 (a reply to it) with it.
            Change::DeleteComment { id: CommentId(30) },
        ],
    );
    let expected: Vec<Change> = graph_world()
        .into_iter()
        .filter_map(|c| match c {
            Change::CreateNode(n) if n.id == NodeId(40) => {
                Some(Change::CreateNode(renamed.clone()))
            }
            Change::CreateNode(n) if n.id == NodeId(41) => None,
            Change::CreateComment(c) if c.id == CommentId(30) => None,
            Change::SetNodeProps { id: NodeId(30), .. } => None,
            Change::CreateRelWithId { id: 1, rel: r } => Some(with_id(
                1,
                RelRecord {
                    props: props(serde_json::json!({"workFrom": 2012, "role": "test rider"})),
                    ..r
                },
            )),
            Change::CreateRelWithId {
                id: 2 | 3 | 4 | 6, ..
            } => None,
            other => Some(other),
        })
        .collect();
    assert_loads(&mut store, &expected);

    // Deleting post 21 takes its extra properties and graph-only relationships with it.
    commit(
        &mut store,
        &[
            with_id(8, rel("IS_LOCATED_IN", 21, 40, serde_json::json!({}))),
            Change::DeletePost { id: PostId(21) },
        ],
    );
    let (loaded, info) = load_all(&mut store);
    assert!(
        !loaded.iter().any(|c| matches!(c,
            Change::SetNodeProps { id, .. } if *id == NodeId(21))),
        "post 21's extra properties are gone"
    );
    assert!(
        !loaded
            .iter()
            .any(|c| matches!(c, Change::CreateRelWithId { id: 8, .. })),
        "post 21's relationship is gone"
    );
    assert_eq!(info.next_rel_id, 9);
}

pub fn graph_only_changes_are_idempotent<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &graph_world());
    commit(&mut store, &graph_world());
    assert_loads(&mut store, &graph_world());
    let absent = [
        Change::DeleteRel { id: 99 },
        Change::DeleteNode { id: NodeId(99) },
        Change::DeleteComment { id: CommentId(99) },
        Change::SetRelProps {
            id: 99,
            props: props(serde_json::json!({"a": 1})),
        },
        Change::UpdateNode(node(99, &["Nothing"], serde_json::json!({}))),
    ];
    commit(&mut store, &absent);
    commit(&mut store, &absent);
    assert_loads(&mut store, &graph_world());
}

pub fn rel_ids_are_never_reused<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &graph_world());
    commit(
        &mut store,
        &[Change::DeleteRel { id: 6 }, Change::DeleteRel { id: 5 }],
    );
    assert_eq!(
        load_all(&mut store).1.next_rel_id,
        7,
        "relationship 6 was deleted, but its id was used"
    );
    // A failed batch does not move the mark.
    let failing = [
        with_id(50, rel("KNOWS", 42, 40, serde_json::json!({}))),
        Change::CreateRider(super::rider(60, "ann")),
    ];
    assert!(store.commit(&failing).is_err(), "the handle ann is taken");
    assert_eq!(load_all(&mut store).1.next_rel_id, 7);

    let mut store = backend.reopen(store);
    assert_eq!(
        load_all(&mut store).1.next_rel_id,
        7,
        "the mark survives reopening"
    );
}
