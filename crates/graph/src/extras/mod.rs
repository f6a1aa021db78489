//! Graph-only data in memory: what the social model has no field for, kept for graph queries.
//!
//! Nodes outside the social model (an import's organisations, forums, places, or anything Cypher
//! creates) with their labels and properties; the extra properties of posts, comments and
//! interests (an import's LDBC columns, or what Cypher sets); and relationships of any type
//! between any two nodes, social or not (`(:Rider)-[:WORK_AT]->(:Organisation)`), with ids of
//! their own. No feed, wall or profile reads any of it; `cypher/` does.
//!
//! Memory is what matters here: scale 100 of the benchmark brings 12 million posts and comments
//! with extra properties and 5.2 million relationships. Properties are compact bytes
//! ([`blob`]), stored only where there are some, back to back in an [`arena`] that the owner
//! points into from its own struct; relationships cost 40 bytes each ([`rels`]).

mod arena;
pub(crate) mod blob;
mod names;
mod rels;
#[cfg(test)]
mod tests;

use pillion_model::{NodeId, NodeRecord, Props, RelRecord};
use rustc_hash::FxHashMap;

use arena::Arena;
pub(crate) use arena::PropsRef;
pub(crate) use blob::Owner;
pub(crate) use names::Names;
pub(crate) use rels::Rel;
use rels::{Adjacency, End, RelTable};

use crate::shard::{shard_of, ShardKey, ShardedMap};

/// A property map's JSON text (`Props` keeps it as text; this copies it out).
fn text(props: &Props) -> String {
    serde_json::to_string(props).unwrap_or_default()
}

impl ShardKey for NodeId {
    fn shard(&self) -> usize {
        shard_of(self.0)
    }
}

#[derive(Debug)]
pub(crate) struct ExtraNode {
    pub id: u64,
    /// Name numbers, sorted, without duplicates.
    pub labels: Box<[u32]>,
    pub props: Option<Box<[u8]>>,
}

#[derive(Debug)]
pub(crate) struct Extras {
    pub names: Names,
    pub nodes: ShardedMap<NodeId, ExtraNode>,
    /// The extra properties of posts, comments and interests (each keeps its [`PropsRef`]).
    arena: Arena,
    rels: RelTable,
    rel_props: FxHashMap<u64, Box<[u8]>>,
    out: Adjacency,
    inn: Adjacency,
    /// Above every relationship id seen (and the store's mark, see [`crate::Graph::reserve_rel_ids`]).
    pub next_rel_id: u64,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            names: Names::default(),
            nodes: ShardedMap::default(),
            arena: Arena::default(),
            rels: RelTable::default(),
            rel_props: FxHashMap::default(),
            out: Adjacency::new(End::Start),
            inn: Adjacency::new(End::End),
            next_rel_id: 1,
        }
    }
}

impl Extras {
    pub fn node(&self, id: u64) -> Option<&ExtraNode> {
        self.nodes.get(&NodeId(id))
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn rel_count(&self) -> usize {
        self.rels.len()
    }

    pub fn create_node(&mut self, n: &NodeRecord) {
        if !self.nodes.contains_key(&n.id) {
            self.update_node(n);
        }
    }

    /// Replaces the node's labels and properties (creating it if needed).
    pub fn update_node(&mut self, n: &NodeRecord) {
        let mut labels: Vec<u32> = n.labels.iter().map(|l| self.names.intern(l)).collect();
        labels.sort_unstable();
        labels.dedup();
        let props = blob::encode_text(&text(&n.props), &mut self.names, Owner::default());
        self.nodes.insert(
            n.id,
            ExtraNode {
                id: n.id.0,
                labels: labels.into_boxed_slice(),
                props,
            },
        );
    }

    /// Removes a graph-only node and every relationship at it.
    pub fn delete_node(&mut self, id: u64) {
        self.nodes.remove(&NodeId(id));
        self.drop_node_data(id, None);
    }

    /// Removes what hangs off a node that goes away: its extra properties and relationships.
    pub fn drop_node_data(&mut self, id: u64, props: Option<PropsRef>) {
        if let Some(r) = props {
            self.arena.free(id, r);
        }
        let mut ids = Vec::new();
        self.out.each(&self.rels, id, |r| ids.push(r));
        self.inn.each(&self.rels, id, |r| ids.push(r));
        for r in ids {
            self.delete_rel(r);
        }
    }

    /// The extra properties of post, comment or interest `id`, kept at `r`.
    pub fn props(&self, id: u64, r: PropsRef) -> &[u8] {
        self.arena.get(id, r)
    }

    /// Stores the extra properties of post, comment or interest `id` in place of `old`; where
    /// they are now (`None`: there are none).
    pub fn store_props(
        &mut self,
        id: u64,
        old: Option<PropsRef>,
        props: &Props,
        owner: Owner<'_>,
    ) -> Option<PropsRef> {
        if let Some(r) = old {
            self.arena.free(id, r);
        }
        let bytes = blob::encode_text(&text(props), &mut self.names, owner)?;
        Some(self.arena.put(id, &bytes))
    }

    /// Bytes of extra properties held, of which given up by changes since the start.
    pub fn props_bytes(&self) -> (usize, usize) {
        self.arena.bytes()
    }

    pub fn rel(&self, id: u64) -> Option<Rel> {
        self.rels.get(id)
    }

    pub fn rel_props(&self, id: u64) -> Option<&[u8]> {
        self.rel_props.get(&id).map(|b| &**b)
    }

    /// Adds a relationship; the caller checked that both ends exist.
    pub fn create_rel(&mut self, id: u64, r: &RelRecord) {
        self.next_rel_id = self.next_rel_id.max(id.saturating_add(1));
        let rel = Rel {
            start: r.from.0,
            end: r.to.0,
            ty: self.names.intern(&r.rel_type),
        };
        if !self.rels.insert(id, rel) {
            return;
        }
        self.out.insert(&self.rels, rel.start, id);
        self.inn.insert(&self.rels, rel.end, id);
        self.set_rel_props(id, &r.props);
    }

    pub fn set_rel_props(&mut self, id: u64, props: &Props) {
        if self.rels.get(id).is_none() {
            return;
        }
        match blob::encode_text(&text(props), &mut self.names, Owner::default()) {
            Some(b) => self.rel_props.insert(id, b),
            None => self.rel_props.remove(&id),
        };
    }

    pub fn delete_rel(&mut self, id: u64) {
        if let Some(rel) = self.rels.remove(id) {
            self.out.remove(rel.start, id);
            self.inn.remove(rel.end, id);
            self.rel_props.remove(&id);
        }
    }

    /// Calls `f` with the id and relationship of every relationship starting (`outgoing`) or
    /// ending at `node`.
    pub fn rels_at(&self, node: u64, outgoing: bool, mut f: impl FnMut(u64, Rel)) {
        let index = if outgoing { &self.out } else { &self.inn };
        index.each(&self.rels, node, |id| {
            if let Some(rel) = self.rels.get(id) {
                f(id, rel);
            }
        });
    }
}
