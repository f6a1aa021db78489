//! A plain in-memory property graph: what the TCK harness and the differential tests run on.

/// An in-memory property graph.
#[derive(Debug, Clone, Default)]
pub struct MemGraph {}
