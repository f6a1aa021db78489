//! A plain in-memory property graph: what the TCK harness and the differential tests run on.
//!
//! Everything is kept in ordered maps, so every listing is in id order and a run is
//! deterministic. Ids are never reused. It refuses nothing but what the executor must never ask
//! (a relationship to a missing node, deleting a node that still has relationships).

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{Direction, GraphRead, GraphWrite, NodeId, RelId};
use crate::value::Value;
use crate::CypherError;

#[derive(Debug, Clone, Default)]
struct NodeData {
    labels: BTreeSet<String>,
    props: BTreeMap<String, Value>,
    /// Relationship ids starting here, and ending here.
    out: BTreeSet<u64>,
    inc: BTreeSet<u64>,
}

#[derive(Debug, Clone)]
struct RelData {
    rel: RelId,
    props: BTreeMap<String, Value>,
}

/// An in-memory property graph.
#[derive(Debug, Clone, Default)]
pub struct MemGraph {
    nodes: BTreeMap<NodeId, NodeData>,
    rels: BTreeMap<u64, RelData>,
    by_label: BTreeMap<String, BTreeSet<NodeId>>,
    /// Relationship type names; a type's number is its index.
    types: Vec<String>,
    next_node: NodeId,
    next_rel: u64,
}

impl MemGraph {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn rel_count(&self) -> usize {
        self.rels.len()
    }

    /// Every relationship, in id order.
    pub fn rels(&self) -> impl Iterator<Item = RelId> + '_ {
        self.rels.values().map(|r| r.rel)
    }

    fn type_number(&mut self, ty: &str) -> u32 {
        let at = match self.types.iter().position(|t| t == ty) {
            Some(at) => at,
            None => {
                self.types.push(ty.to_string());
                self.types.len() - 1
            }
        };
        u32::try_from(at).unwrap_or(u32::MAX)
    }

    fn node_mut(&mut self, node: NodeId) -> Result<&mut NodeData, CypherError> {
        self.nodes
            .get_mut(&node)
            .ok_or_else(|| missing("node", node))
    }
}

fn missing(what: &str, id: u64) -> CypherError {
    CypherError::Refused {
        reason: format!("{what} {id} does not exist"),
    }
}

fn live_rel(rels: &BTreeMap<u64, RelData>, rel: RelId) -> Option<&RelData> {
    rels.get(&rel.id).filter(|r| r.rel == rel)
}

impl GraphRead for MemGraph {
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeId> + '_> {
        Box::new(self.nodes.keys().copied())
    }

    fn nodes_with_label(&self, label: &str) -> Box<dyn Iterator<Item = NodeId> + '_> {
        match self.by_label.get(label) {
            Some(set) => Box::new(set.iter().copied()),
            None => Box::new(std::iter::empty()),
        }
    }

    fn has_node(&self, id: NodeId) -> bool {
        self.nodes.contains_key(&id)
    }

    fn labels(&self, node: NodeId) -> Vec<String> {
        self.nodes
            .get(&node)
            .map(|n| n.labels.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn has_label(&self, node: NodeId, label: &str) -> bool {
        self.nodes
            .get(&node)
            .is_some_and(|n| n.labels.contains(label))
    }

    fn node_property(&self, node: NodeId, key: &str) -> Option<Value> {
        self.nodes.get(&node)?.props.get(key).cloned()
    }

    fn node_properties(&self, node: NodeId) -> Vec<(String, Value)> {
        self.nodes
            .get(&node)
            .map(|n| {
                n.props
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn expand(&self, node: NodeId, direction: Direction, types: &[&str], out: &mut Vec<RelId>) {
        let Some(data) = self.nodes.get(&node) else {
            return;
        };
        let wanted = |rel: &RelId| {
            types.is_empty()
                || self
                    .types
                    .get(rel.ty as usize)
                    .is_some_and(|t| types.contains(&t.as_str()))
        };
        let mut ids: Vec<u64> = match direction {
            Direction::Outgoing => data.out.iter().copied().collect(),
            Direction::Incoming => data.inc.iter().copied().collect(),
            // A self-loop is in both sets; the union reports it once.
            Direction::Both => data.out.union(&data.inc).copied().collect(),
        };
        ids.dedup();
        out.extend(
            ids.iter()
                .filter_map(|id| self.rels.get(id))
                .map(|r| r.rel)
                .filter(wanted),
        );
    }

    fn rel_type(&self, ty: u32) -> &str {
        self.types.get(ty as usize).map_or("", String::as_str)
    }

    fn has_rel(&self, rel: RelId) -> bool {
        live_rel(&self.rels, rel).is_some()
    }

    fn rel_property(&self, rel: RelId, key: &str) -> Option<Value> {
        live_rel(&self.rels, rel)?.props.get(key).cloned()
    }

    fn rel_properties(&self, rel: RelId) -> Vec<(String, Value)> {
        live_rel(&self.rels, rel)
            .map(|r| {
                r.props
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A schemaless graph promises nothing.
    fn end_labels(&self, _: u32) -> Option<(&str, &str)> {
        None
    }
}

impl GraphWrite for MemGraph {
    fn create_node(
        &mut self,
        labels: &[String],
        properties: Vec<(String, Value)>,
    ) -> Result<NodeId, CypherError> {
        let id = self.next_node;
        self.next_node += 1;
        let data = NodeData {
            labels: labels.iter().cloned().collect(),
            props: properties
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect(),
            ..NodeData::default()
        };
        for label in &data.labels {
            self.by_label.entry(label.clone()).or_default().insert(id);
        }
        self.nodes.insert(id, data);
        Ok(id)
    }

    fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        properties: Vec<(String, Value)>,
    ) -> Result<RelId, CypherError> {
        if !self.has_node(end) {
            return Err(missing("node", end));
        }
        let rel = RelId {
            id: self.next_rel,
            ty: self.type_number(ty),
            start,
            end,
        };
        self.node_mut(start)?.out.insert(rel.id);
        self.node_mut(end)?.inc.insert(rel.id);
        self.next_rel += 1;
        let props = properties
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .collect();
        self.rels.insert(rel.id, RelData { rel, props });
        Ok(rel)
    }

    fn set_node_property(
        &mut self,
        node: NodeId,
        key: &str,
        value: Option<Value>,
    ) -> Result<(), CypherError> {
        let data = self.node_mut(node)?;
        match value.filter(|v| !v.is_null()) {
            Some(v) => data.props.insert(key.to_string(), v),
            None => data.props.remove(key),
        };
        Ok(())
    }

    fn set_rel_property(
        &mut self,
        rel: RelId,
        key: &str,
        value: Option<Value>,
    ) -> Result<(), CypherError> {
        let data = self
            .rels
            .get_mut(&rel.id)
            .filter(|r| r.rel == rel)
            .ok_or_else(|| missing("relationship", rel.id))?;
        match value.filter(|v| !v.is_null()) {
            Some(v) => data.props.insert(key.to_string(), v),
            None => data.props.remove(key),
        };
        Ok(())
    }

    fn add_label(&mut self, node: NodeId, label: &str) -> Result<bool, CypherError> {
        let added = self.node_mut(node)?.labels.insert(label.to_string());
        if added {
            self.by_label
                .entry(label.to_string())
                .or_default()
                .insert(node);
        }
        Ok(added)
    }

    fn remove_label(&mut self, node: NodeId, label: &str) -> Result<bool, CypherError> {
        let removed = self.node_mut(node)?.labels.remove(label);
        if removed {
            if let Some(set) = self.by_label.get_mut(label) {
                set.remove(&node);
                if set.is_empty() {
                    self.by_label.remove(label);
                }
            }
        }
        Ok(removed)
    }

    fn delete_node(&mut self, node: NodeId) -> Result<(), CypherError> {
        let data = self.nodes.get(&node).ok_or_else(|| missing("node", node))?;
        if !data.out.is_empty() || !data.inc.is_empty() {
            return Err(CypherError::Refused {
                reason: format!("node {node} still has relationships"),
            });
        }
        let labels: Vec<String> = data.labels.iter().cloned().collect();
        for label in labels {
            self.remove_label(node, &label)?;
        }
        self.nodes.remove(&node);
        Ok(())
    }

    fn delete_rel(&mut self, rel: RelId) -> Result<(), CypherError> {
        if live_rel(&self.rels, rel).is_none() {
            return Err(missing("relationship", rel.id));
        }
        self.rels.remove(&rel.id);
        if let Some(n) = self.nodes.get_mut(&rel.start) {
            n.out.remove(&rel.id);
        }
        if let Some(n) = self.nodes.get_mut(&rel.end) {
            n.inc.remove(&rel.id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_reports_self_loops_once_and_filters_types() -> Result<(), CypherError> {
        let mut g = MemGraph::new();
        let a = g.create_node(&["A".to_string()], vec![])?;
        let b = g.create_node(&[], vec![("x".to_string(), Value::Int(1))])?;
        let ab = g.create_rel(a, b, "T", vec![])?;
        let aa = g.create_rel(a, a, "LOOP", vec![])?;
        let mut out = Vec::new();
        g.expand(a, Direction::Both, &[], &mut out);
        assert_eq!(out, vec![ab, aa]);
        out.clear();
        g.expand(a, Direction::Outgoing, &["LOOP"], &mut out);
        assert_eq!(out, vec![aa]);
        out.clear();
        g.expand(b, Direction::Incoming, &["T", "X"], &mut out);
        assert_eq!(out, vec![ab]);
        assert_eq!(g.nodes_with_label("A").collect::<Vec<_>>(), vec![a]);
        assert_eq!(g.node_property(b, "x"), Some(Value::Int(1)));
        Ok(())
    }

    #[test]
    fn deleting_keeps_indexes_consistent() -> Result<(), CypherError> {
        let mut g = MemGraph::new();
        let a = g.create_node(&["A".to_string()], vec![])?;
        let r = g.create_rel(a, a, "LOOP", vec![])?;
        assert!(g.delete_node(a).is_err());
        g.delete_rel(r)?;
        assert!(!g.has_rel(r));
        g.delete_node(a)?;
        assert!(!g.has_node(a));
        assert_eq!(g.nodes_with_label("A").count(), 0);
        assert_eq!(g.rel_count(), 0);
        Ok(())
    }
}
