//! A read-only view of either kind of target graph, so that expression evaluation and matching
//! take one `&dyn GraphRead` whatever the query may write.

use crate::graph::{Direction, GraphRead, GraphWrite, NodeId, RelId};
use crate::value::Value;

pub(crate) enum View<'g> {
    Read(&'g dyn GraphRead),
    Write(&'g dyn GraphWrite),
}

macro_rules! delegate {
    ($self:ident, $g:ident => $e:expr) => {
        match $self {
            View::Read($g) => $e,
            View::Write($g) => $e,
        }
    };
}

impl GraphRead for View<'_> {
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeId> + '_> {
        delegate!(self, g => g.nodes())
    }
    fn nodes_with_label(&self, label: &str) -> Box<dyn Iterator<Item = NodeId> + '_> {
        delegate!(self, g => g.nodes_with_label(label))
    }
    fn has_node(&self, id: NodeId) -> bool {
        delegate!(self, g => g.has_node(id))
    }
    fn labels(&self, node: NodeId) -> Vec<String> {
        delegate!(self, g => g.labels(node))
    }
    fn has_label(&self, node: NodeId, label: &str) -> bool {
        delegate!(self, g => g.has_label(node, label))
    }
    fn node_property(&self, node: NodeId, key: &str) -> Option<Value> {
        delegate!(self, g => g.node_property(node, key))
    }
    fn node_properties(&self, node: NodeId) -> Vec<(String, Value)> {
        delegate!(self, g => g.node_properties(node))
    }
    fn expand(&self, node: NodeId, direction: Direction, types: &[&str], out: &mut Vec<RelId>) {
        delegate!(self, g => g.expand(node, direction, types, out))
    }
    fn rel_type(&self, ty: u32) -> &str {
        delegate!(self, g => g.rel_type(ty))
    }
    fn has_rel(&self, rel: RelId) -> bool {
        delegate!(self, g => g.has_rel(rel))
    }
    fn rel_property(&self, rel: RelId, key: &str) -> Option<Value> {
        delegate!(self, g => g.rel_property(rel, key))
    }
    fn rel_properties(&self, rel: RelId) -> Vec<(String, Value)> {
        delegate!(self, g => g.rel_properties(rel))
    }
    fn end_labels(&self, ty: u32) -> Option<(&str, &str)> {
        delegate!(self, g => g.end_labels(ty))
    }
}
