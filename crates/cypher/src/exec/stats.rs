//! Counting a query's changes as the openCypher TCK counts side effects: by comparing the graph
//! after the query with the graph before it. A property set to the value it had is no change;
//! one overwritten with another value is one added and one removed; a label counts when the
//! graph as a whole gains or loses it (not per node); a node created and deleted in the same
//! query counts neither way.
//!
//! Only what the query touched is compared, recorded just before it is first changed.

use std::collections::{HashMap, HashSet};

use crate::graph::{GraphRead, NodeId, RelId};
use crate::value::Value;
use crate::WriteStats;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Entity {
    Node(NodeId),
    Rel(RelId),
}

#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Each touched property's value before the query (`None`: absent).
    props: HashMap<(Entity, String), Option<Value>>,
    /// Each touched label: whether some node had it before the query.
    labels: HashMap<String, bool>,
    nodes_created: HashSet<NodeId>,
    rels_created: HashSet<RelId>,
    nodes_deleted: u64,
    rels_deleted: u64,
}

fn property(g: &dyn GraphRead, e: Entity, key: &str) -> Option<Value> {
    match e {
        Entity::Node(n) => g.node_property(n, key),
        Entity::Rel(r) => g.rel_property(r, key),
    }
}

fn exists(g: &dyn GraphRead, e: Entity) -> bool {
    match e {
        Entity::Node(n) => g.has_node(n),
        Entity::Rel(r) => g.has_rel(r),
    }
}

impl Changes {
    /// Call before changing `key` of `e`.
    pub fn before_property(&mut self, g: &dyn GraphRead, e: Entity, key: &str) {
        self.props
            .entry((e, key.to_string()))
            .or_insert_with(|| property(g, e, key));
    }

    /// Call before adding or removing `label` anywhere.
    pub fn before_label(&mut self, g: &dyn GraphRead, label: &str) {
        if !self.labels.contains_key(label) {
            self.labels.insert(
                label.to_string(),
                g.nodes_with_label(label).next().is_some(),
            );
        }
    }

    /// Call after creating an entity with the properties `keys`.
    pub fn created(&mut self, e: Entity, keys: impl Iterator<Item = String>) {
        match e {
            Entity::Node(n) => self.nodes_created.insert(n),
            Entity::Rel(r) => self.rels_created.insert(r),
        };
        for k in keys {
            self.props.entry((e, k)).or_insert(None);
        }
    }

    /// Call before deleting `e`.
    pub fn before_delete(&mut self, g: &dyn GraphRead, e: Entity) {
        let props = match e {
            Entity::Node(n) => {
                for label in g.labels(n) {
                    self.before_label(g, &label);
                }
                g.node_properties(n)
            }
            Entity::Rel(r) => g.rel_properties(r),
        };
        for (k, _) in props {
            self.before_property(g, e, &k);
        }
        match e {
            Entity::Node(n) => {
                if !self.nodes_created.remove(&n) {
                    self.nodes_deleted += 1;
                }
            }
            Entity::Rel(r) => {
                if !self.rels_created.remove(&r) {
                    self.rels_deleted += 1;
                }
            }
        }
    }

    pub fn finish(&self, g: &dyn GraphRead) -> WriteStats {
        let mut s = WriteStats {
            nodes_created: self.nodes_created.len() as u64,
            nodes_deleted: self.nodes_deleted,
            relationships_created: self.rels_created.len() as u64,
            relationships_deleted: self.rels_deleted,
            ..WriteStats::default()
        };
        for ((e, key), before) in &self.props {
            let after = if exists(g, *e) {
                property(g, *e, key)
            } else {
                None
            };
            match (before, after) {
                (None, Some(_)) => s.properties_set += 1,
                (Some(_), None) => s.properties_removed += 1,
                (Some(a), Some(b)) if *a != b => {
                    s.properties_set += 1;
                    s.properties_removed += 1;
                }
                _ => {}
            }
        }
        for (label, before) in &self.labels {
            let after = g.nodes_with_label(label).next().is_some();
            match (before, after) {
                (false, true) => s.labels_added += 1,
                (true, false) => s.labels_removed += 1,
                _ => {}
            }
        }
        s
    }
}
