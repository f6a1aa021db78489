//! Semantic checks run after parsing and before execution: the errors openCypher raises "at
//! compile time" (undefined or doubly bound variables, misplaced aggregation, ...).

use crate::ast::Query;
use crate::CypherError;

/// Checks `query` (parsed from `text`, for error positions).
pub(crate) fn check(_query: &Query, _text: &str) -> Result<(), CypherError> {
    Ok(())
}
