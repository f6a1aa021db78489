//! The graph as Cypher sees it (API.md, "The graph, as Cypher sees it"): riders, posts,
//! comments, interests and places as nodes, friendships, requests, posts, likes, comments,
//! follows, tags and places as relationships, all derived on the fly from the engine's own
//! structures (`social.rs`), so a Cypher read costs what the same walk over the feed engine
//! costs; plus the graph-only nodes, relationships and extra properties of `extras` (`extra.rs`).
//!
//! Node ids are the API ids (one sequence for riders, posts, comments, interests and graph-only
//! nodes). A place is not an entity of its own: each post with a place has a `Place` node whose
//! id is the post's id with bit 52 set ([`PLACE_BIT`]), which no API id reaches in practice (ids
//! are allocated from 1 upwards). The social relationships have no stored ids; [`RelId::id`] is
//! a hash of type and ends, and the ends and type identify such a relationship exactly.
//! Graph-only relationships have ids of their own, and type numbers from [`SOCIAL_TYPES`] up.

mod extra;
mod social;

use pillion_cypher::{Direction, GraphRead, NodeId, RelId, Value};
use pillion_model::{CommentId, InterestId, PostId, RiderId, Timestamp};

use crate::extras::ExtraNode;
use crate::state::{Comment, Graph, Interest, Post, Rider};

/// Set in the id of a post's `Place` node.
pub const PLACE_BIT: u64 = 1 << 52;

pub(crate) const IS_FRIEND: u32 = 0;
pub(crate) const FRIEND_REQUEST: u32 = 1;
pub(crate) const POSTED: u32 = 2;
pub(crate) const LIKES: u32 = 3;
pub(crate) const COMMENTED: u32 = 4;
pub(crate) const ON: u32 = 5;
pub(crate) const FOLLOWS: u32 = 6;
pub(crate) const TAGGED: u32 = 7;
pub(crate) const AT: u32 = 8;
pub(crate) const TYPES: [&str; 9] = [
    "IS_FRIEND",
    "FRIEND_REQUEST",
    "POSTED",
    "LIKES",
    "COMMENTED",
    "ON",
    "FOLLOWS",
    "TAGGED",
    "AT",
];
/// Type numbers below this are the social model's; a graph-only type is this plus its name's
/// number.
pub(crate) const SOCIAL_TYPES: u32 = TYPES.len() as u32;

/// What a node is: one of the social model's kinds, or a graph-only node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Rider,
    Post,
    Comment,
    Interest,
    /// A post's place (its id is the post's with [`PLACE_BIT`]).
    Place,
    Other,
}

impl Kind {
    /// The label of a social node.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Rider => "Rider",
            Kind::Post => "Post",
            Kind::Comment => "Comment",
            Kind::Interest => "Interest",
            Kind::Place => "Place",
            Kind::Other => "",
        }
    }
}

enum Node<'g> {
    Rider(&'g Rider),
    Post(&'g Post),
    Comment(&'g Comment),
    Interest(&'g Interest),
    /// The place of this post.
    Place(&'g Post),
    Other(&'g ExtraNode),
}

impl Node<'_> {
    fn kind(&self) -> Kind {
        match self {
            Node::Rider(_) => Kind::Rider,
            Node::Post(_) => Kind::Post,
            Node::Comment(_) => Kind::Comment,
            Node::Interest(_) => Kind::Interest,
            Node::Place(_) => Kind::Place,
            Node::Other(_) => Kind::Other,
        }
    }
}

impl Graph {
    fn node(&self, id: NodeId) -> Option<Node<'_>> {
        if id & PLACE_BIT != 0 {
            let post = self.posts.get(&PostId(id & !PLACE_BIT))?;
            return post.place.is_some().then_some(Node::Place(post));
        }
        if let Some(r) = self.riders.get(&RiderId(id)) {
            return Some(Node::Rider(r));
        }
        if let Some(p) = self.posts.get(&PostId(id)) {
            return Some(Node::Post(p));
        }
        if let Some(c) = self.comments.get(&CommentId(id)) {
            return Some(Node::Comment(c));
        }
        if let Some(i) = self.interests.get(&InterestId(id)) {
            return Some(Node::Interest(i));
        }
        self.extras.node(id).map(Node::Other)
    }

    /// What node `id` is, if it exists.
    pub(crate) fn kind(&self, id: NodeId) -> Option<Kind> {
        self.node(id).map(|n| n.kind())
    }
}

/// A social relationship's stable display id: a hash of its type and ends, below 2^53.
pub(crate) fn rel(ty: u32, start: u64, end: u64) -> RelId {
    let mut h = (u64::from(ty) << 56) ^ start.rotate_left(17) ^ end;
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    RelId {
        id: (h ^ (h >> 31)) & pillion_model::MAX_ID,
        ty,
        start,
        end,
    }
}

pub(crate) fn time(t: Timestamp) -> Value {
    Value::String(t.to_rfc3339())
}

pub(crate) fn int(id: u64) -> Value {
    Value::Int(i64::try_from(id).unwrap_or(i64::MAX))
}

/// A rider's JSON `props` value as a Cypher value; `None` for JSON null (an absent property).
pub(crate) fn json(v: serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::List(
            a.into_iter()
                .map(|x| json(x).unwrap_or(Value::Null))
                .collect(),
        ),
        serde_json::Value::Object(o) => Value::Map(
            o.into_iter()
                .map(|(k, x)| (k, json(x).unwrap_or(Value::Null)))
                .collect(),
        ),
    })
}

/// The kinds of node at the start and end of every relationship of social type `ty` (a
/// graph-only type promises nothing: `None`).
pub(crate) fn end_kinds(ty: u32) -> Option<(Kind, Kind)> {
    Some(match ty {
        IS_FRIEND | FRIEND_REQUEST => (Kind::Rider, Kind::Rider),
        POSTED | LIKES => (Kind::Rider, Kind::Post),
        COMMENTED => (Kind::Rider, Kind::Comment),
        ON => (Kind::Comment, Kind::Post),
        FOLLOWS => (Kind::Rider, Kind::Interest),
        TAGGED => (Kind::Post, Kind::Interest),
        AT => (Kind::Post, Kind::Place),
        _ => return None,
    })
}

fn wants(types: &[&str], ty: u32) -> bool {
    types.is_empty() || types.contains(&TYPES[ty as usize])
}

pub(crate) fn outgoing(d: Direction) -> bool {
    matches!(d, Direction::Outgoing | Direction::Both)
}

pub(crate) fn incoming(d: Direction) -> bool {
    matches!(d, Direction::Incoming | Direction::Both)
}

/// The keys of a social node's own fields (a rider's `props` are read separately).
fn own_keys(node: &Node<'_>) -> Vec<String> {
    let keys: &[&str] = match node {
        Node::Rider(_) => &["id", "handle", "name", "created_at"],
        Node::Post(_) => &["id", "body", "visibility", "created_at"],
        Node::Comment(_) => &["id", "body", "created_at"],
        Node::Interest(_) => &["name"],
        Node::Place(_) => &["name", "lat", "lon"],
        Node::Other(_) => &[],
    };
    keys.iter().map(|k| (*k).to_owned()).collect()
}

impl GraphRead for Graph {
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeId> + '_> {
        Box::new(
            self.riders
                .values()
                .map(|r| r.id.0)
                .chain(self.posts.values().map(|p| p.id.0))
                .chain(self.comments.values().map(|c| c.id.0))
                .chain(self.interests.values().map(|i| i.id.0))
                .chain(self.places())
                .chain(self.extras.nodes.values().map(|n| n.id)),
        )
    }

    fn nodes_with_label(&self, label: &str) -> Box<dyn Iterator<Item = NodeId> + '_> {
        let social: Box<dyn Iterator<Item = NodeId> + '_> = match label {
            "Rider" => Box::new(self.riders.values().map(|r| r.id.0)),
            "Post" => Box::new(self.posts.values().map(|p| p.id.0)),
            "Comment" => Box::new(self.comments.values().map(|c| c.id.0)),
            "Interest" => Box::new(self.interests.values().map(|i| i.id.0)),
            "Place" => Box::new(self.places()),
            _ => Box::new(std::iter::empty()),
        };
        match self.extras.names.get(label) {
            Some(sym) => Box::new(
                social.chain(
                    self.extras
                        .nodes
                        .values()
                        .filter(move |n| n.labels.binary_search(&sym).is_ok())
                        .map(|n| n.id),
                ),
            ),
            None => social,
        }
    }

    fn has_node(&self, id: NodeId) -> bool {
        self.node(id).is_some()
    }

    fn labels(&self, node: NodeId) -> Vec<String> {
        match self.node(node) {
            Some(Node::Other(n)) => self.label_names(n),
            Some(n) => vec![n.kind().label().to_owned()],
            None => Vec::new(),
        }
    }

    fn has_label(&self, node: NodeId, label: &str) -> bool {
        // On every row of most patterns: one lookup, no label list built.
        match self.node(node) {
            Some(Node::Other(n)) => self
                .extras
                .names
                .get(label)
                .is_some_and(|sym| n.labels.binary_search(&sym).is_ok()),
            Some(n) => n.kind().label() == label,
            None => false,
        }
    }

    fn node_property(&self, node: NodeId, key: &str) -> Option<Value> {
        let own = match self.node(node)? {
            Node::Rider(r) => Self::rider_property(r, key),
            Node::Post(p) => Self::post_property(p, key),
            Node::Comment(c) => Self::comment_property(c, key),
            Node::Interest(i) => (key == "name").then(|| Value::String(i.name.as_str().to_owned())),
            Node::Place(p) => return Self::place_property(p, key),
            Node::Other(_) => None,
        };
        // The node's own fields win over an extra property of the same name.
        own.or_else(|| self.extra_property(node, key))
    }

    fn node_properties(&self, node: NodeId) -> Vec<(String, Value)> {
        let Some(n) = self.node(node) else {
            return Vec::new();
        };
        let mut props: Vec<(String, Value)> = own_keys(&n)
            .into_iter()
            .filter_map(|k| self.node_property(node, &k).map(|v| (k, v)))
            .collect();
        // A rider's `props` are JSON text: parsed once here, not once per key (that was ~35% of
        // a friends-of-friends answer's time, bench/cypher).
        if let Node::Rider(r) = &n {
            for (k, v) in r.props.map() {
                if !props.iter().any(|(o, _)| *o == k) {
                    if let Some(v) = json(v) {
                        props.push((k, v));
                    }
                }
            }
        }
        let own = props.len();
        for (k, v) in self.extra_properties(node) {
            if !props[..own].iter().any(|(o, _)| *o == k) {
                props.push((k, v));
            }
        }
        props.sort_by(|a, b| a.0.cmp(&b.0));
        props.dedup_by(|a, b| a.0 == b.0);
        props
    }

    fn expand(&self, node: NodeId, direction: Direction, types: &[&str], out: &mut Vec<RelId>) {
        let d = direction;
        match self.node(node) {
            Some(Node::Rider(r)) => self.expand_rider(r, d, types, out),
            Some(Node::Post(p)) => self.expand_post(p, d, types, out),
            Some(Node::Comment(c)) => self.expand_comment(c, d, types, out),
            Some(Node::Interest(i)) => self.expand_interest(i, d, types, out),
            Some(Node::Place(p)) => {
                if incoming(d) && wants(types, AT) {
                    out.push(rel(AT, p.id.0, p.id.0 | PLACE_BIT));
                }
                return;
            }
            Some(Node::Other(_)) => {}
            None => return,
        }
        self.expand_extras(node, d, types, out);
    }

    fn rel_type(&self, ty: u32) -> &str {
        match TYPES.get(ty as usize) {
            Some(name) => name,
            None => self.extras.names.name(ty - SOCIAL_TYPES),
        }
    }

    fn has_rel(&self, r: RelId) -> bool {
        if r.ty >= SOCIAL_TYPES {
            return self.has_extra_rel(r);
        }
        self.has_social_rel(r)
    }

    fn rel_property(&self, r: RelId, key: &str) -> Option<Value> {
        if r.ty >= SOCIAL_TYPES {
            return self.extra_rel_property(r, key);
        }
        self.social_rel_property(r, key)
    }

    fn end_labels(&self, ty: u32) -> Option<(&str, &str)> {
        end_kinds(ty).map(|(s, e)| (s.label(), e.label()))
    }

    fn rel_properties(&self, r: RelId) -> Vec<(String, Value)> {
        if r.ty >= SOCIAL_TYPES {
            return self.extra_rel_properties(r);
        }
        ["since", "created_at"]
            .into_iter()
            .filter_map(|k| self.rel_property(r, k).map(|v| (k.to_owned(), v)))
            .collect()
    }
}

impl Graph {
    fn places(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.posts
            .values()
            .filter(|p| p.place.is_some())
            .map(|p| p.id.0 | PLACE_BIT)
    }
}
