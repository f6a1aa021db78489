//! Cypher values. Nodes and relationships are references into the graph; their labels, types
//! and properties are read through [`crate::GraphRead`] when needed.

use std::collections::BTreeMap;

use crate::graph::{NodeId, RelId};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Node(NodeId),
    Rel(RelId),
    Path(Path),
}

/// `nodes.len() == rels.len() + 1`; `rels[i]` joins `nodes[i]` and `nodes[i + 1]` (in either
/// direction).
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}
