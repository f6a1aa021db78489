//! A graph that misbehaves on purpose, standing in for an engine that panics or hangs: the
//! harness must survive both. Its construction (`Default`) is where it misbehaves, since every
//! scenario builds a fresh graph first.

use std::sync::atomic::{AtomicBool, Ordering};

use pillion_cypher::{CypherError, Direction, GraphRead, GraphWrite, NodeId, RelId, Value};

/// Every construction panics.
pub const PANIC: u8 = 0;
/// The first construction in the process never returns; later ones succeed.
pub const HANG_ONCE: u8 = 1;

static HUNG: AtomicBool = AtomicBool::new(false);

#[derive(Clone)]
pub struct StubGraph<const MODE: u8>;

impl<const MODE: u8> Default for StubGraph<MODE> {
    fn default() -> Self {
        match MODE {
            PANIC => panic!("boom at construction"),
            _ => {
                if !HUNG.swap(true, Ordering::SeqCst) {
                    loop {
                        std::thread::park();
                    }
                }
                StubGraph
            }
        }
    }
}

impl<const MODE: u8> GraphRead for StubGraph<MODE> {
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeId> + '_> {
        Box::new(std::iter::empty())
    }
    fn nodes_with_label(&self, _: &str) -> Box<dyn Iterator<Item = NodeId> + '_> {
        Box::new(std::iter::empty())
    }
    fn has_node(&self, _: NodeId) -> bool {
        false
    }
    fn labels(&self, _: NodeId) -> Vec<String> {
        Vec::new()
    }
    fn has_label(&self, _: NodeId, _: &str) -> bool {
        false
    }
    fn node_property(&self, _: NodeId, _: &str) -> Option<Value> {
        None
    }
    fn node_properties(&self, _: NodeId) -> Vec<(String, Value)> {
        Vec::new()
    }
    fn expand(&self, _: NodeId, _: Direction, _: &[&str], _: &mut Vec<RelId>) {}
    fn rel_type(&self, _: u32) -> &str {
        ""
    }
    fn has_rel(&self, _: RelId) -> bool {
        false
    }
    fn rel_property(&self, _: RelId, _: &str) -> Option<Value> {
        None
    }
    fn rel_properties(&self, _: RelId) -> Vec<(String, Value)> {
        Vec::new()
    }
    fn end_labels(&self, _: u32) -> Option<(&str, &str)> {
        None
    }
}

fn refused<T>() -> Result<T, CypherError> {
    Err(CypherError::unsupported("writes to a stub graph"))
}

impl<const MODE: u8> GraphWrite for StubGraph<MODE> {
    fn create_node(
        &mut self,
        _: &[String],
        _: Vec<(String, Value)>,
    ) -> Result<NodeId, CypherError> {
        refused()
    }
    fn create_rel(
        &mut self,
        _: NodeId,
        _: NodeId,
        _: &str,
        _: Vec<(String, Value)>,
    ) -> Result<RelId, CypherError> {
        refused()
    }
    fn set_node_property(
        &mut self,
        _: NodeId,
        _: &str,
        _: Option<Value>,
    ) -> Result<(), CypherError> {
        refused()
    }
    fn set_rel_property(&mut self, _: RelId, _: &str, _: Option<Value>) -> Result<(), CypherError> {
        refused()
    }
    fn add_label(&mut self, _: NodeId, _: &str) -> Result<bool, CypherError> {
        refused()
    }
    fn remove_label(&mut self, _: NodeId, _: &str) -> Result<bool, CypherError> {
        refused()
    }
    fn delete_node(&mut self, _: NodeId) -> Result<(), CypherError> {
        refused()
    }
    fn delete_rel(&mut self, _: RelId) -> Result<(), CypherError> {
        refused()
    }
}
