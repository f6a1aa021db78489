//! Graph-only data through `Graph::apply` and read back through `GraphRead`, as Cypher reads it.

use pillion_cypher::{Direction, GraphRead, Value};
use pillion_model::{
    Change, CommentBody, CommentId, CommentRecord, Handle, NodeId, NodeRecord, PostBody, PostId,
    PostRecord, Props, RelRecord, RiderId, RiderName, RiderRecord, Timestamp, Visibility,
};
use serde_json::json;

use crate::Graph;

fn props(v: serde_json::Value) -> Props {
    Props::parse(&v).unwrap()
}

fn rel(id: u64, ty: &str, from: u64, to: u64, p: serde_json::Value) -> Change {
    Change::CreateRelWithId {
        id,
        rel: RelRecord {
            rel_type: ty.into(),
            from: NodeId(from),
            to: NodeId(to),
            props: props(p),
        },
    }
}

/// Rider 1 with post 2 and comment 3 on it; organisation 10; relationships between them.
fn graph() -> Graph {
    let mut g = Graph::new();
    for c in [
        Change::CreateRider(RiderRecord {
            id: RiderId(1),
            handle: Handle::parse("ann").unwrap(),
            name: RiderName::parse("Ann").unwrap(),
            password_hash: String::new(),
            props: Props::default(),
            created_at: Timestamp(5),
        }),
        Change::CreatePost(PostRecord {
            id: PostId(2),
            author: RiderId(1),
            body: PostBody::parse("Over the pass").unwrap(),
            visibility: Visibility::Public,
            photos: Vec::new(),
            place: None,
            interests: Vec::new(),
            created_at: Timestamp(1_000),
        }),
        Change::CreateComment(CommentRecord {
            id: CommentId(3),
            post: PostId(2),
            author: RiderId(1),
            body: CommentBody::parse("Nice").unwrap(),
            created_at: Timestamp(2_000),
        }),
        Change::CreateNode(NodeRecord {
            id: NodeId(10),
            labels: vec!["Organisation".into(), "Company".into()],
            props: props(json!({"name": "BMW"})),
        }),
        Change::SetNodeProps {
            id: NodeId(2),
            props: props(
                json!({"content": "Over the pass", "creationDate": 1000, "language": "fr"}),
            ),
        },
        rel(1, "WORK_AT", 1, 10, json!({"workFrom": 2010})),
        rel(2, "MENTIONS", 2, 10, json!({})),
        rel(3, "REPLY_OF", 3, 3, json!({})),
        // An end that does not exist: not kept, but its id is used.
        rel(7, "WORK_AT", 1, 99, json!({})),
    ] {
        g.apply(&c);
    }
    g
}

fn rels(g: &Graph, node: u64, d: Direction, types: &[&str]) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    g.expand(node, d, types, &mut out);
    let mut named: Vec<(u64, String)> = out
        .iter()
        .map(|r| (r.id, g.rel_type(r.ty).to_owned()))
        .collect();
    named.sort();
    named
}

#[test]
fn graph_only_nodes_relationships_and_properties_read_as_cypher_sees_them() {
    let g = graph();
    assert_eq!(g.labels(10), ["Company", "Organisation"]);
    assert!(g.nodes_with_label("Company").any(|n| n == 10));
    assert!(g.nodes().any(|n| n == 10));
    assert_eq!(
        g.node_property(10, "name"),
        Some(Value::String("BMW".into()))
    );
    // A post's extra properties, the repeated ones read back from the post itself.
    assert_eq!(
        g.node_property(2, "content"),
        Some(Value::String("Over the pass".into()))
    );
    assert_eq!(g.node_property(2, "creationDate"), Some(Value::Int(1_000)));
    let keys: Vec<String> = g.node_properties(2).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "body",
            "content",
            "created_at",
            "creationDate",
            "id",
            "language",
            "visibility"
        ]
    );
    assert_eq!(
        rels(&g, 1, Direction::Outgoing, &["WORK_AT"]),
        [(1, "WORK_AT".to_owned())]
    );
    assert_eq!(
        rels(&g, 10, Direction::Incoming, &[]),
        [(1, "WORK_AT".to_owned()), (2, "MENTIONS".to_owned())]
    );
    // A self-loop once, both ways; the social relationships of the node are there too.
    assert_eq!(
        rels(&g, 3, Direction::Both, &["REPLY_OF"]),
        [(3, "REPLY_OF".to_owned())]
    );
    assert_eq!(rels(&g, 3, Direction::Both, &[]).len(), 3);
    let mut work = Vec::new();
    g.expand(1, Direction::Outgoing, &["WORK_AT"], &mut work);
    assert!(g.has_rel(work[0]));
    assert_eq!(g.rel_property(work[0], "workFrom"), Some(Value::Int(2010)));
    assert_eq!(g.next_rel_id(), 8, "the dropped relationship's id counts");
}

#[test]
fn graph_only_data_changes_and_leaves_with_its_owner() {
    let mut g = graph();
    g.apply(&Change::UpdateNode(NodeRecord {
        id: NodeId(10),
        labels: vec!["Brand".into()],
        props: props(json!({"name": "KTM"})),
    }));
    assert_eq!(g.labels(10), ["Brand"]);
    assert_eq!(g.nodes_with_label("Company").count(), 0);
    g.apply(&Change::SetRelProps {
        id: 1,
        props: props(json!({"role": "tester"})),
    });
    let mut work = Vec::new();
    g.expand(1, Direction::Outgoing, &["WORK_AT"], &mut work);
    assert_eq!(
        g.rel_properties(work[0]),
        [("role".to_owned(), Value::String("tester".into()))]
    );
    g.apply(&Change::DeleteRel { id: 1 });
    assert!(!g.has_rel(work[0]));
    assert!(rels(&g, 1, Direction::Both, &["WORK_AT"]).is_empty());

    // Deleting the comment takes its self-loop; deleting the post its relationship and props.
    g.apply(&Change::DeleteComment { id: CommentId(3) });
    assert!(!g.has_node(3));
    assert!(g.post(PostId(2)).is_some_and(|p| p.comment_count() == 0));
    assert_eq!(g.stats().graph_only_rels, 1);
    g.apply(&Change::DeletePost { id: PostId(2) });
    assert!(rels(&g, 10, Direction::Both, &[]).is_empty());
    assert_eq!(g.stats().graph_only_rels, 0);
    g.apply(&Change::DeleteNode { id: NodeId(10) });
    assert!(!g.has_node(10));
    assert_eq!(g.stats().graph_only_nodes, 0);
}
