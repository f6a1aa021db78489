//! Semantic checks run after parsing and before execution: the errors openCypher raises "at
//! compile time" (undefined or doubly bound variables, misplaced aggregation, columns that
//! clash, arguments of a type that can never work, ...). The order of clauses and where a
//! pattern may stand for a boolean are the parser's to check (`parser/clauses.rs`).
//!
//! The checker knows only the query text, so it raises an error only when every execution of
//! the query would be wrong: a variable's type is inferred only from what binds it (a pattern,
//! a literal), never guessed. A valid query must never be refused here; a doubtful case is left
//! for the executor to decide on the data.

mod aggregation;
mod clauses;
mod expr;
mod functions;
mod local;
mod patterns;
mod projection;
mod scope;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use crate::ast::{Clause, Query, SingleQuery, Span};
use crate::{CypherError, ErrorKind, Position};

use scope::Scope;

type Checked<T = ()> = Result<T, CypherError>;

/// Checks `query` (parsed from `text`, for error positions).
pub(crate) fn check(query: &Query, text: &str) -> Result<(), CypherError> {
    Checker { text }.query(query, &Scope::default())
}

/// The checker over one query text; every error points into it.
struct Checker<'t> {
    text: &'t str,
}

impl Checker<'_> {
    /// A compile-time error of the given class at the start of `span`.
    fn error(
        &self,
        kind: ErrorKind,
        detail: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> CypherError {
        CypherError::Compile {
            kind,
            detail,
            message: message.into(),
            position: Position::of(self.text, span.start),
        }
    }

    /// A compile-time `SyntaxError`, the class the TCK expects for nearly every semantic error.
    fn syntax(&self, detail: &'static str, span: Span, message: impl Into<String>) -> CypherError {
        self.error(ErrorKind::SyntaxError, detail, span, message)
    }

    /// The source text of `span` without whitespace: two expressions written alike compare equal.
    fn normalized(&self, span: Span) -> String {
        self.text
            .get(span.start..span.end)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// Checks a whole query whose clauses start with `outer` in scope (the enclosing query's
    /// variables, for an `EXISTS { ... }` subquery).
    fn query(&self, query: &Query, outer: &Scope) -> Checked {
        let first = self.single_query(&query.first, outer)?;
        for (_, part) in &query.unions {
            let columns = self.single_query(part, outer)?;
            if let (Some(first), Some(columns)) = (&first, &columns) {
                let a: BTreeSet<&String> = first.iter().collect();
                let b: BTreeSet<&String> = columns.iter().collect();
                if a != b {
                    return Err(self.syntax(
                        "DifferentColumnsInUnion",
                        part.span,
                        format!(
                            "all parts of a UNION must return the same columns, but ({}) differs \
                             from ({})",
                            columns.join(", "),
                            first.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks one `UNION` part; returns the columns of its final `RETURN`, if it has one.
    fn single_query(&self, query: &SingleQuery, outer: &Scope) -> Checked<Option<Vec<String>>> {
        let mut scope = outer.clone();
        let mut columns = None;
        for clause in &query.clauses {
            match clause {
                Clause::With(projection) => {
                    scope = self.projection(projection, &scope, false)?.0;
                }
                Clause::Return(projection) => {
                    let (_, names) = self.projection(projection, &scope, true)?;
                    columns = Some(names);
                }
                other => self.clause(other, &mut scope)?,
            }
        }
        Ok(columns)
    }
}
