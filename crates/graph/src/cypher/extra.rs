//! Graph-only data as Cypher sees it: the labels and properties of graph-only nodes, the extra
//! properties of posts, comments and interests, and graph-only relationships (type numbers from
//! [`SOCIAL_TYPES`] up, ids their own).

use pillion_cypher::{Direction, NodeId, RelId, Value};
use pillion_model::{CommentId, InterestId, PostId};

use super::{incoming, outgoing, SOCIAL_TYPES};
use crate::extras::{blob, ExtraNode, Owner};
use crate::state::Graph;

impl Graph {
    pub(super) fn label_names(&self, n: &ExtraNode) -> Vec<String> {
        let mut labels: Vec<String> = n
            .labels
            .iter()
            .map(|l| self.extras.names.name(*l).to_owned())
            .collect();
        labels.sort();
        labels
    }

    /// The bytes holding a node's graph-only properties, and the owner fields they may repeat.
    fn extra_blob(&self, node: NodeId) -> Option<(&[u8], Owner<'_>)> {
        if let Some(n) = self.extras.node(node) {
            return n.props.as_deref().map(|b| (b, Owner::default()));
        }
        let (r, owner) = if let Some(p) = self.posts.get(&PostId(node)) {
            let owner = Owner {
                body: Some(p.body.as_str()),
                created_ms: Some(p.created_at.millis()),
                visibility: Some(p.visibility.as_str()),
            };
            (p.extra?, owner)
        } else if let Some(c) = self.comments.get(&CommentId(node)) {
            let owner = Owner {
                body: Some(c.body.as_str()),
                created_ms: Some(c.created_at.millis()),
                visibility: None,
            };
            (c.extra?, owner)
        } else {
            (
                self.interests.get(&InterestId(node))?.extra?,
                Owner::default(),
            )
        };
        Some((self.extras.props(node, r), owner))
    }

    pub(crate) fn extra_property(&self, node: NodeId, key: &str) -> Option<Value> {
        let key = self.extras.names.get(key)?;
        let (bytes, owner) = self.extra_blob(node)?;
        blob::get(bytes, key, owner)
    }

    /// A node's graph-only properties (all of a graph-only node's; a social node's extra ones).
    pub(crate) fn extra_properties(&self, node: NodeId) -> Vec<(String, Value)> {
        self.extra_blob(node)
            .map(|(bytes, owner)| blob::all(bytes, &self.extras.names, owner))
            .unwrap_or_default()
    }

    /// The same as JSON, for a change that rewrites them as a whole.
    pub(crate) fn extra_properties_json(
        &self,
        node: NodeId,
    ) -> std::collections::BTreeMap<String, serde_json::Value> {
        self.extra_blob(node)
            .map(|(bytes, owner)| blob::to_json(bytes, &self.extras.names, owner))
            .unwrap_or_default()
    }

    /// The graph-only relationships at `node`. A self-loop is reported once for [`Direction::Both`].
    pub(super) fn expand_extras(
        &self,
        node: NodeId,
        d: Direction,
        types: &[&str],
        out: &mut Vec<RelId>,
    ) {
        let wanted: Vec<u32> = types
            .iter()
            .filter_map(|t| self.extras.names.get(t))
            .collect();
        if !types.is_empty() && wanted.is_empty() {
            return;
        }
        let fits = |ty: u32| types.is_empty() || wanted.contains(&ty);
        if outgoing(d) {
            self.extras.rels_at(node, true, |id, r| {
                if fits(r.ty) {
                    out.push(extra_rel(id, r));
                }
            });
        }
        if incoming(d) {
            self.extras.rels_at(node, false, |id, r| {
                let seen = d == Direction::Both && r.start == node;
                if fits(r.ty) && !seen {
                    out.push(extra_rel(id, r));
                }
            });
        }
    }

    /// The graph-only type number of `name`, if some relationship ever had it.
    pub(crate) fn extra_type(&self, name: &str) -> Option<u32> {
        self.extras.names.get(name).map(|n| n + SOCIAL_TYPES)
    }

    /// How many type numbers the graph has given out (the next new one is this).
    pub(crate) fn type_count(&self) -> u32 {
        SOCIAL_TYPES + u32::try_from(self.extras.names.len()).unwrap_or(u32::MAX - SOCIAL_TYPES)
    }

    pub(super) fn has_extra_rel(&self, r: RelId) -> bool {
        self.extras
            .rel(r.id)
            .is_some_and(|x| extra_rel(r.id, x) == r)
    }

    pub(super) fn extra_rel_property(&self, r: RelId, key: &str) -> Option<Value> {
        if !self.has_extra_rel(r) {
            return None;
        }
        let key = self.extras.names.get(key)?;
        blob::get(self.extras.rel_props(r.id)?, key, Owner::default())
    }

    pub(crate) fn extra_rel_properties(&self, r: RelId) -> Vec<(String, Value)> {
        if !self.has_extra_rel(r) {
            return Vec::new();
        }
        self.extras
            .rel_props(r.id)
            .map(|b| blob::all(b, &self.extras.names, Owner::default()))
            .unwrap_or_default()
    }
}

fn extra_rel(id: u64, r: crate::extras::Rel) -> RelId {
    RelId {
        id,
        ty: r.ty + SOCIAL_TYPES,
        start: r.start,
        end: r.end,
    }
}
