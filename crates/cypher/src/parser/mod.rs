//! Recursive-descent parser: query text -> [`crate::ast::Query`].

use crate::ast::Query;
use crate::CypherError;

pub(crate) fn parse(_query: &str) -> Result<Query, CypherError> {
    Err(CypherError::unsupported("parser under construction"))
}
