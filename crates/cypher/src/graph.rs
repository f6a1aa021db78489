//! The interface between the engine and a property graph. The executor only ever reads and
//! writes through these traits, so the same engine answers over [`crate::MemGraph`] and over
//! Pillion's social graph.

use crate::value::Value;
use crate::CypherError;

/// A node's id: unique among the graph's nodes, and what `id(n)` returns.
pub type NodeId = u64;

/// A relationship: its id, type and ends. Graphs whose relationships have no stored id (a
/// friendship is a pair of riders) may derive `id` from the ends, as long as it is unique among
/// the relationships of `ty`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelId {
    pub id: u64,
    /// The graph's own number for the relationship type (see [`GraphRead::rel_type`]).
    pub ty: u32,
    pub start: NodeId,
    pub end: NodeId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Relationships that start at the node.
    Outgoing,
    /// Relationships that end at the node.
    Incoming,
    /// Both; a self-loop is reported once.
    Both,
}

/// Reading a property graph. Property values are never [`Value::Null`] (a null property is an
/// absent one) and never nodes, relationships or paths.
pub trait GraphRead {
    /// Every node, in the graph's own order (id order for [`crate::MemGraph`]).
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeId> + '_>;
    /// The nodes carrying `label`, in the graph's own order.
    fn nodes_with_label(&self, label: &str) -> Box<dyn Iterator<Item = NodeId> + '_>;
    /// Whether node `id` exists.
    fn has_node(&self, id: NodeId) -> bool;
    /// The node's labels, sorted.
    fn labels(&self, node: NodeId) -> Vec<String>;
    fn has_label(&self, node: NodeId, label: &str) -> bool;
    fn node_property(&self, node: NodeId, key: &str) -> Option<Value>;
    /// All of the node's properties, sorted by key.
    fn node_properties(&self, node: NodeId) -> Vec<(String, Value)>;
    /// Appends to `out` the relationships at `node` in `direction` whose type is one of `types`
    /// (any type when `types` is empty).
    fn expand(&self, node: NodeId, direction: Direction, types: &[&str], out: &mut Vec<RelId>);
    /// The name of relationship type number `ty`.
    fn rel_type(&self, ty: u32) -> &str;
    /// Whether the relationship still exists.
    fn has_rel(&self, rel: RelId) -> bool;
    fn rel_property(&self, rel: RelId, key: &str) -> Option<Value>;
    fn rel_properties(&self, rel: RelId) -> Vec<(String, Value)>;
    /// The label that every relationship of type number `ty` guarantees at its start node and
    /// at its end node, if the graph's schema makes such a promise (Pillion's `IS_FRIEND` joins
    /// two `Rider`s). A pattern node that asks for only that label at such an end is then not
    /// checked row by row. `None` promises nothing. (No default: a wrapper that forgot to
    /// forward it would silently lose the promise.)
    fn end_labels(&self, ty: u32) -> Option<(&str, &str)>;
}

/// Changing a property graph. A graph used by [`crate::execute`] must be able to undo every
/// change of a failed query (the caller discards them); each method may refuse a change that
/// breaks the graph's own rules with [`CypherError::Refused`].
pub trait GraphWrite: GraphRead {
    fn create_node(
        &mut self,
        labels: &[String],
        properties: Vec<(String, Value)>,
    ) -> Result<NodeId, CypherError>;
    fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        properties: Vec<(String, Value)>,
    ) -> Result<RelId, CypherError>;
    /// Sets (`Some`) or removes (`None`) a property.
    fn set_node_property(
        &mut self,
        node: NodeId,
        key: &str,
        value: Option<Value>,
    ) -> Result<(), CypherError>;
    fn set_rel_property(
        &mut self,
        rel: RelId,
        key: &str,
        value: Option<Value>,
    ) -> Result<(), CypherError>;
    /// True if the label was not there before.
    fn add_label(&mut self, node: NodeId, label: &str) -> Result<bool, CypherError>;
    /// True if the label was there.
    fn remove_label(&mut self, node: NodeId, label: &str) -> Result<bool, CypherError>;
    /// Deletes a node that has no relationships left (the executor deletes them first).
    fn delete_node(&mut self, node: NodeId) -> Result<(), CypherError>;
    fn delete_rel(&mut self, rel: RelId) -> Result<(), CypherError>;
}
