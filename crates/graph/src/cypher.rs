//! The social graph as Cypher sees it (API.md, "The graph, as Cypher sees it"): riders, posts,
//! comments, interests and places as nodes, friendships, requests, posts, likes, comments,
//! follows, tags and places as relationships, all derived on the fly from the engine's own
//! structures, so a Cypher read costs what the same walk over the feed engine costs.
//!
//! Node ids are the API ids (one sequence for riders, posts, comments and interests). A place is
//! not an entity of its own: each post with a place has a `Place` node whose id is the post's id
//! with bit 52 set ([`PLACE_BIT`]), which no API id reaches in practice (ids are allocated from 1
//! upwards). Relationships have no stored ids; [`RelId::id`] is a hash of type and ends, and the
//! ends and type identify a relationship exactly.
//!
//! Some directions have no index in the engine (a rider's likes and comments, an interest's
//! followers): they are answered by a scan of the posts, comments or riders. Queries that start
//! from the indexed end (a post's likers, a comment's author) cost nothing extra.

use pillion_cypher::{Direction, GraphRead, NodeId, RelId, Value};
use pillion_model::{CommentId, InterestId, PostId, RiderId, Timestamp};

use crate::state::{Comment, Graph, Interest, Post, Rider};

/// Set in the id of a post's `Place` node.
pub const PLACE_BIT: u64 = 1 << 52;

const IS_FRIEND: u32 = 0;
const FRIEND_REQUEST: u32 = 1;
const POSTED: u32 = 2;
const LIKES: u32 = 3;
const COMMENTED: u32 = 4;
const ON: u32 = 5;
const FOLLOWS: u32 = 6;
const TAGGED: u32 = 7;
const AT: u32 = 8;
const TYPES: [&str; 9] = [
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

enum Node<'g> {
    Rider(&'g Rider),
    Post(&'g Post),
    Comment(&'g Comment),
    Interest(&'g Interest),
    /// The place of this post.
    Place(&'g Post),
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
        self.interests.get(&InterestId(id)).map(Node::Interest)
    }
}

/// A relationship's stable display id: a hash of its type and ends, below 2^53.
fn rel(ty: u32, start: u64, end: u64) -> RelId {
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

fn time(t: Timestamp) -> Value {
    Value::String(t.to_rfc3339())
}

fn int(id: u64) -> Value {
    Value::Int(i64::try_from(id).unwrap_or(i64::MAX))
}

/// A rider's JSON `props` value as a Cypher value; `None` for JSON null (an absent property).
fn json(v: serde_json::Value) -> Option<Value> {
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

fn wants(types: &[&str], ty: u32) -> bool {
    types.is_empty() || types.contains(&TYPES[ty as usize])
}

fn outgoing(d: Direction) -> bool {
    matches!(d, Direction::Outgoing | Direction::Both)
}

fn incoming(d: Direction) -> bool {
    matches!(d, Direction::Incoming | Direction::Both)
}

impl Graph {
    fn expand_rider(&self, r: &Rider, d: Direction, types: &[&str], out: &mut Vec<RelId>) {
        let me = r.id.0;
        if wants(types, IS_FRIEND) {
            for f in &r.friends {
                // A friendship points from the requester to the accepter.
                let from_me = self.friendship(r.id, *f).is_none_or(|(req, _)| req == r.id);
                if from_me && outgoing(d) {
                    out.push(rel(IS_FRIEND, me, f.0));
                } else if !from_me && incoming(d) {
                    out.push(rel(IS_FRIEND, f.0, me));
                }
            }
        }
        if wants(types, FRIEND_REQUEST) {
            if outgoing(d) {
                out.extend(
                    r.requests_out
                        .iter()
                        .map(|to| rel(FRIEND_REQUEST, me, to.0)),
                );
            }
            if incoming(d) {
                out.extend(
                    r.requests_in
                        .iter()
                        .map(|(_, from)| rel(FRIEND_REQUEST, from.0, me)),
                );
            }
        }
        if outgoing(d) {
            if wants(types, POSTED) {
                out.extend(r.posts.iter().map(|(_, p)| rel(POSTED, me, p.0)));
            }
            if wants(types, FOLLOWS) {
                out.extend(r.follows.iter().map(|i| rel(FOLLOWS, me, i.0)));
            }
            // No index from a rider to its likes and comments: a scan (see the module docs).
            if wants(types, LIKES) {
                let mut liked: Vec<u64> = self
                    .posts
                    .values()
                    .filter(|p| crate::sorted::contains(&p.likers, &r.id))
                    .map(|p| p.id.0)
                    .collect();
                liked.sort_unstable();
                out.extend(liked.into_iter().map(|p| rel(LIKES, me, p)));
            }
            if wants(types, COMMENTED) {
                let mut said: Vec<u64> = self
                    .comments
                    .values()
                    .filter(|c| c.author == r.id)
                    .map(|c| c.id.0)
                    .collect();
                said.sort_unstable();
                out.extend(said.into_iter().map(|c| rel(COMMENTED, me, c)));
            }
        }
    }

    fn expand_post(&self, p: &Post, d: Direction, types: &[&str], out: &mut Vec<RelId>) {
        let me = p.id.0;
        if incoming(d) {
            if wants(types, POSTED) {
                out.push(rel(POSTED, p.author.0, me));
            }
            if wants(types, LIKES) {
                out.extend(p.likers.iter().map(|r| rel(LIKES, r.0, me)));
            }
            if wants(types, ON) {
                out.extend(p.comments.iter().map(|(_, c)| rel(ON, c.0, me)));
            }
        }
        if outgoing(d) {
            if wants(types, TAGGED) {
                out.extend(p.interests.iter().map(|i| rel(TAGGED, me, i.0)));
            }
            if wants(types, AT) && p.place.is_some() {
                out.push(rel(AT, me, me | PLACE_BIT));
            }
        }
    }
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
                .chain(self.places()),
        )
    }

    fn nodes_with_label(&self, label: &str) -> Box<dyn Iterator<Item = NodeId> + '_> {
        match label {
            "Rider" => Box::new(self.riders.values().map(|r| r.id.0)),
            "Post" => Box::new(self.posts.values().map(|p| p.id.0)),
            "Comment" => Box::new(self.comments.values().map(|c| c.id.0)),
            "Interest" => Box::new(self.interests.values().map(|i| i.id.0)),
            "Place" => Box::new(self.places()),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn has_node(&self, id: NodeId) -> bool {
        self.node(id).is_some()
    }

    fn labels(&self, node: NodeId) -> Vec<String> {
        let label = match self.node(node) {
            Some(Node::Rider(_)) => "Rider",
            Some(Node::Post(_)) => "Post",
            Some(Node::Comment(_)) => "Comment",
            Some(Node::Interest(_)) => "Interest",
            Some(Node::Place(_)) => "Place",
            None => return Vec::new(),
        };
        vec![label.to_owned()]
    }

    fn has_label(&self, node: NodeId, label: &str) -> bool {
        self.labels(node).iter().any(|l| l == label)
    }

    fn node_property(&self, node: NodeId, key: &str) -> Option<Value> {
        match self.node(node)? {
            Node::Rider(r) => match key {
                "id" => Some(int(r.id.0)),
                "handle" => Some(Value::String(r.handle.as_str().to_owned())),
                "name" => Some(Value::String(r.name.as_str().to_owned())),
                "created_at" => Some(time(r.created_at)),
                _ => r.props.get(key).and_then(json),
            },
            Node::Post(p) => match key {
                "id" => Some(int(p.id.0)),
                "body" => Some(Value::String(p.body.as_str().to_owned())),
                "visibility" => Some(Value::String(p.visibility.as_str().to_owned())),
                "created_at" => Some(time(p.created_at)),
                _ => None,
            },
            Node::Comment(c) => match key {
                "id" => Some(int(c.id.0)),
                "body" => Some(Value::String(c.body.as_str().to_owned())),
                "created_at" => Some(time(c.created_at)),
                _ => None,
            },
            Node::Interest(i) => (key == "name").then(|| Value::String(i.name.as_str().to_owned())),
            Node::Place(p) => {
                let place = p.place.as_deref()?;
                match key {
                    "name" => Some(Value::String(place.name.clone())),
                    "lat" => Some(Value::Float(place.lat)),
                    "lon" => Some(Value::Float(place.lon)),
                    _ => None,
                }
            }
        }
    }

    fn node_properties(&self, node: NodeId) -> Vec<(String, Value)> {
        let keys: Vec<String> = match self.node(node) {
            Some(Node::Rider(r)) => ["id", "handle", "name", "created_at"]
                .into_iter()
                .map(str::to_owned)
                .chain(r.props.map().into_keys())
                .collect(),
            Some(Node::Post(_)) => vec![
                "id".into(),
                "body".into(),
                "visibility".into(),
                "created_at".into(),
            ],
            Some(Node::Comment(_)) => vec!["id".into(), "body".into(), "created_at".into()],
            Some(Node::Interest(_)) => vec!["name".into()],
            Some(Node::Place(_)) => vec!["name".into(), "lat".into(), "lon".into()],
            None => Vec::new(),
        };
        let mut props: Vec<(String, Value)> = keys
            .into_iter()
            .filter_map(|k| self.node_property(node, &k).map(|v| (k, v)))
            .collect();
        props.sort_by(|a, b| a.0.cmp(&b.0));
        props.dedup_by(|a, b| a.0 == b.0);
        props
    }

    fn expand(&self, node: NodeId, direction: Direction, types: &[&str], out: &mut Vec<RelId>) {
        let d = direction;
        match self.node(node) {
            Some(Node::Rider(r)) => self.expand_rider(r, d, types, out),
            Some(Node::Post(p)) => self.expand_post(p, d, types, out),
            Some(Node::Comment(c)) => {
                if incoming(d) && wants(types, COMMENTED) {
                    out.push(rel(COMMENTED, c.author.0, c.id.0));
                }
                if outgoing(d) && wants(types, ON) {
                    out.push(rel(ON, c.id.0, c.post.0));
                }
            }
            Some(Node::Interest(i)) => {
                if incoming(d) && wants(types, TAGGED) {
                    out.extend(i.posts.iter().map(|(_, p)| rel(TAGGED, p.0, i.id.0)));
                }
                if incoming(d) && wants(types, FOLLOWS) {
                    let mut fans: Vec<u64> = self
                        .riders
                        .values()
                        .filter(|r| crate::sorted::contains(&r.follows, &i.id))
                        .map(|r| r.id.0)
                        .collect();
                    fans.sort_unstable();
                    out.extend(fans.into_iter().map(|r| rel(FOLLOWS, r, i.id.0)));
                }
            }
            Some(Node::Place(p)) => {
                if incoming(d) && wants(types, AT) {
                    out.push(rel(AT, p.id.0, p.id.0 | PLACE_BIT));
                }
            }
            None => {}
        }
    }

    fn rel_type(&self, ty: u32) -> &str {
        TYPES.get(ty as usize).copied().unwrap_or("")
    }

    fn has_rel(&self, r: RelId) -> bool {
        let mut all = Vec::new();
        self.expand(
            r.start,
            Direction::Outgoing,
            &[self.rel_type(r.ty)],
            &mut all,
        );
        all.contains(&r)
    }

    fn rel_property(&self, r: RelId, key: &str) -> Option<Value> {
        match (r.ty, key) {
            (IS_FRIEND, "since") => self
                .friendship(RiderId(r.start), RiderId(r.end))
                .map(|(_, since)| time(since)),
            (FRIEND_REQUEST, "created_at") => self
                .riders
                .get(&RiderId(r.end))?
                .requests_in
                .iter()
                .find(|(_, from)| from.0 == r.start)
                .map(|(at, _)| time(*at)),
            _ => None,
        }
    }

    fn rel_properties(&self, r: RelId) -> Vec<(String, Value)> {
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
