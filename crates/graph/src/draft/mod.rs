//! A Cypher write query's working copy of the graph: an overlay over the committed [`Graph`] that
//! records what the query creates, changes and deletes, and answers the query's own reads with
//! those changes in (read-your-writes within the query). Nothing reaches the graph from here:
//! when the query has run, [`Draft::finish`] checks the net effect against the social model's
//! rules and turns it into [`Change`](pillion_model::Change)s for the writer to commit in one
//! transaction and apply; any refusal or error leaves nothing behind.
//!
//! It runs on the writer thread, so the committed graph does not change under it. Ids come from
//! the writer's [`Planner`] (node ids are one sequence with the HTTP routes') and from the
//! graph's relationship id mark; every creation of a query gets the same time, and ids order
//! them.
//!
//! `write.rs` takes the query's writes (refusing at once what can never be valid, such as a
//! second author for a post), `finish.rs` checks what depends on the final state (a post has its
//! author and body, a like is of a visible post) and maps everything to changes; `rules.rs`
//! names the model's rules.

mod facts;
mod finish;
mod rules;
mod write;

use std::collections::BTreeMap;

use pillion_cypher::{Direction, GraphRead, NodeId, RelId, Value};
use pillion_model::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::cypher::{incoming, int, outgoing, time, Kind, FRIEND_REQUEST, IS_FRIEND, SOCIAL_TYPES};
use crate::plan::Planner;
use crate::state::Graph;

/// The most changes (nodes, relationships, properties and labels written) one query may make:
/// the commit and the apply after it hold up every other write and, briefly, every read.
pub const MAX_WRITES: usize = 100_000;

/// The working copy of one write query. See the module docs.
pub struct Draft<'g> {
    graph: &'g Graph,
    planner: &'g mut Planner,
    /// The time of every creation of this query.
    now: Timestamp,
    next_rel_id: u64,
    /// Nodes the query created and still has, by id.
    created: BTreeMap<u64, NewNode>,
    /// Committed nodes it deleted.
    deleted: FxHashSet<u64>,
    /// Committed nodes whose properties or labels it changed.
    edited: FxHashMap<u64, Edit>,
    /// Relationships it created and still has.
    new_rels: FxHashMap<RelId, NewRel>,
    /// Those relationships at each of their ends (a self-loop once).
    new_at: FxHashMap<u64, Vec<RelId>>,
    /// Committed relationships it deleted.
    dead_rels: FxHashSet<RelId>,
    /// Committed graph-only relationships whose properties it changed (`None`: removed).
    rel_edits: FxHashMap<RelId, BTreeMap<String, Option<Value>>>,
    /// Relationship types the graph has never seen, numbered from its `type_count`.
    new_types: Vec<String>,
    /// Counts creations, to keep their order.
    seq: u64,
    writes: usize,
}

struct NewNode {
    kind: Kind,
    /// Sorted, without duplicates.
    labels: Vec<String>,
    props: BTreeMap<String, Value>,
}

struct NewRel {
    seq: u64,
    props: BTreeMap<String, Value>,
}

#[derive(Default)]
struct Edit {
    props: BTreeMap<String, Option<Value>>,
    /// The whole new label set of a graph-only node, sorted.
    labels: Option<Vec<String>>,
}

impl<'g> Draft<'g> {
    pub fn new(graph: &'g Graph, planner: &'g mut Planner) -> Self {
        let now = planner.now();
        Draft {
            graph,
            planner,
            now,
            next_rel_id: graph.next_rel_id(),
            created: BTreeMap::new(),
            deleted: FxHashSet::default(),
            edited: FxHashMap::default(),
            new_rels: FxHashMap::default(),
            new_at: FxHashMap::default(),
            dead_rels: FxHashSet::default(),
            rel_edits: FxHashMap::default(),
            new_types: Vec::new(),
            seq: 0,
            writes: 0,
        }
    }

    /// What node `n` is now, if it exists.
    fn kind(&self, n: NodeId) -> Option<Kind> {
        if let Some(node) = self.created.get(&n) {
            return Some(node.kind);
        }
        if self.deleted.contains(&n) {
            return None;
        }
        self.graph.kind(n)
    }

    /// The relationships the query created at `node`.
    fn new_rels_at(&self, node: NodeId) -> impl Iterator<Item = RelId> + '_ {
        self.new_at.get(&node).into_iter().flatten().copied()
    }

    /// The properties a node the query created shows: its own, and the fields the server gives.
    fn new_node_properties(&self, id: NodeId, node: &NewNode) -> BTreeMap<String, Value> {
        let mut props = node.props.clone();
        match node.kind {
            Kind::Post | Kind::Comment => {
                props.insert("id".into(), int(id));
                props.insert("created_at".into(), time(self.now));
                if node.kind == Kind::Post && !props.contains_key("visibility") {
                    props.insert("visibility".into(), Value::String("friends".into()));
                }
            }
            _ => {}
        }
        props
    }

    /// `since` of a new friendship, `created_at` of a new request: the query's time.
    fn new_social_rel_property(&self, r: RelId, key: &str) -> Option<Value> {
        match (r.ty, key) {
            (IS_FRIEND, "since") | (FRIEND_REQUEST, "created_at") => Some(time(self.now)),
            _ => None,
        }
    }
}

impl GraphRead for Draft<'_> {
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeId> + '_> {
        Box::new(
            self.graph
                .nodes()
                .filter(|n| !self.deleted.contains(n))
                .chain(self.created.keys().copied()),
        )
    }

    fn nodes_with_label(&self, label: &str) -> Box<dyn Iterator<Item = NodeId> + '_> {
        let (l1, l2, l3) = (label.to_owned(), label.to_owned(), label.to_owned());
        let kept = self.graph.nodes_with_label(label).filter(move |n| {
            !self.deleted.contains(n)
                && self
                    .edited
                    .get(n)
                    .and_then(|e| e.labels.as_ref())
                    .is_none_or(|ls| ls.contains(&l1))
        });
        let gained = self.edited.iter().filter_map(move |(n, e)| {
            let has = e.labels.as_ref()?.contains(&l2);
            (has && !self.deleted.contains(n) && !self.graph.has_label(*n, &l2)).then_some(*n)
        });
        let new = self
            .created
            .iter()
            .filter(move |(_, node)| node.labels.contains(&l3))
            .map(|(id, _)| *id);
        Box::new(kept.chain(gained).chain(new))
    }

    fn has_node(&self, id: NodeId) -> bool {
        self.created.contains_key(&id) || (!self.deleted.contains(&id) && self.graph.has_node(id))
    }

    fn labels(&self, node: NodeId) -> Vec<String> {
        if let Some(n) = self.created.get(&node) {
            return n.labels.clone();
        }
        if self.deleted.contains(&node) {
            return Vec::new();
        }
        match self.edited.get(&node).and_then(|e| e.labels.as_ref()) {
            Some(labels) => labels.clone(),
            None => self.graph.labels(node),
        }
    }

    fn has_label(&self, node: NodeId, label: &str) -> bool {
        self.labels(node).iter().any(|l| l == label)
    }

    fn node_property(&self, node: NodeId, key: &str) -> Option<Value> {
        if let Some(n) = self.created.get(&node) {
            return self.new_node_properties(node, n).remove(key);
        }
        if self.deleted.contains(&node) {
            return None;
        }
        match self.edited.get(&node).and_then(|e| e.props.get(key)) {
            Some(v) => v.clone(),
            None => self.graph.node_property(node, key),
        }
    }

    fn node_properties(&self, node: NodeId) -> Vec<(String, Value)> {
        if let Some(n) = self.created.get(&node) {
            return self.new_node_properties(node, n).into_iter().collect();
        }
        if self.deleted.contains(&node) {
            return Vec::new();
        }
        let mut props: BTreeMap<String, Value> =
            self.graph.node_properties(node).into_iter().collect();
        if let Some(e) = self.edited.get(&node) {
            for (k, v) in &e.props {
                match v {
                    Some(v) => props.insert(k.clone(), v.clone()),
                    None => props.remove(k),
                };
            }
        }
        props.into_iter().collect()
    }

    fn expand(&self, node: NodeId, direction: Direction, types: &[&str], out: &mut Vec<RelId>) {
        if !self.created.contains_key(&node) && !self.deleted.contains(&node) {
            let from = out.len();
            self.graph.expand(node, direction, types, out);
            if !self.dead_rels.is_empty() {
                let kept: Vec<RelId> = out
                    .drain(from..)
                    .filter(|r| !self.dead_rels.contains(r))
                    .collect();
                out.extend(kept);
            }
        }
        for r in self.new_rels_at(node) {
            if !types.is_empty() && !types.contains(&self.rel_type(r.ty)) {
                continue;
            }
            let fits =
                (r.start == node && outgoing(direction)) || (r.end == node && incoming(direction));
            if fits {
                out.push(r);
            }
        }
    }

    fn rel_type(&self, ty: u32) -> &str {
        let known = self.graph.type_count();
        if ty < known {
            return self.graph.rel_type(ty);
        }
        self.new_types
            .get((ty - known) as usize)
            .map_or("", String::as_str)
    }

    fn has_rel(&self, r: RelId) -> bool {
        self.new_rels.contains_key(&r) || (!self.dead_rels.contains(&r) && self.graph.has_rel(r))
    }

    fn rel_property(&self, r: RelId, key: &str) -> Option<Value> {
        if let Some(new) = self.new_rels.get(&r) {
            if r.ty < SOCIAL_TYPES {
                return self.new_social_rel_property(r, key);
            }
            return new.props.get(key).cloned();
        }
        if self.dead_rels.contains(&r) {
            return None;
        }
        match self.rel_edits.get(&r).and_then(|e| e.get(key)) {
            Some(v) => v.clone(),
            None => self.graph.rel_property(r, key),
        }
    }

    /// A draft promises nothing: writing queries are not the hot path, and a promise would
    /// have to hold for the nodes the query itself changes.
    fn end_labels(&self, _: u32) -> Option<(&str, &str)> {
        None
    }

    fn rel_properties(&self, r: RelId) -> Vec<(String, Value)> {
        if let Some(new) = self.new_rels.get(&r) {
            if r.ty < SOCIAL_TYPES {
                return ["since", "created_at"]
                    .into_iter()
                    .filter_map(|k| self.new_social_rel_property(r, k).map(|v| (k.into(), v)))
                    .collect();
            }
            return new.props.clone().into_iter().collect();
        }
        if self.dead_rels.contains(&r) {
            return Vec::new();
        }
        let mut props: BTreeMap<String, Value> = self.graph.rel_properties(r).into_iter().collect();
        for (k, v) in self.rel_edits.get(&r).into_iter().flatten() {
            match v {
                Some(v) => props.insert(k.clone(), v.clone()),
                None => props.remove(k),
            };
        }
        props.into_iter().collect()
    }
}
