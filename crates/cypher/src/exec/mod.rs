//! Execution: runs a checked [`crate::ast::Query`] against a graph.

use crate::ast::Query;
use crate::graph::{GraphRead, GraphWrite};
use crate::{CypherError, Limits, Params, QueryResult};

/// The graph a query runs against: writable, or read-only.
pub(crate) enum Target<'g> {
    Read(&'g dyn GraphRead),
    Write(&'g mut dyn GraphWrite),
}

pub(crate) fn run(
    _target: Target<'_>,
    _query: &Query,
    _params: &Params,
    _limits: Limits,
) -> Result<QueryResult, CypherError> {
    Err(CypherError::unsupported("executor under construction"))
}
