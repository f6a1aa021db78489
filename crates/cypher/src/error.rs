//! The one error type of the crate. Its [`ErrorKind`] is the openCypher error class the TCK
//! expects; the server maps it to the HTTP contract's codes.

use std::fmt;

/// 1-based line and column (counted in characters) of a place in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to its end).
    pub fn of(text: &str, offset: usize) -> Position {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The openCypher error classes (as named by the TCK's `Then a <Kind> should be raised`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    SyntaxError,
    SemanticError,
    TypeError,
    ArgumentError,
    EntityNotFound,
    ConstraintVerificationFailed,
    ParameterMissing,
    ProcedureError,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::SemanticError => "SemanticError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ArgumentError => "ArgumentError",
            ErrorKind::EntityNotFound => "EntityNotFound",
            ErrorKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorKind::ParameterMissing => "ParameterMissing",
            ErrorKind::ProcedureError => "ProcedureError",
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CypherError {
    /// The query is not valid Cypher, or uses names wrongly (an undefined variable, a variable
    /// bound twice, an aggregate inside an aggregate). Found before anything runs.
    /// `detail` is the TCK's detail code where one applies (`UndefinedVariable`,
    /// `VariableAlreadyBound`, `InvalidAggregation`, ...), else empty.
    #[error("{kind:?}{}: {message} at {position}", detail_suffix(.detail))]
    Compile {
        kind: ErrorKind,
        detail: &'static str,
        message: String,
        position: Position,
    },
    /// The query failed while running (a type error in an expression, deleting a node that
    /// still has relationships, a missing parameter).
    #[error("{kind:?}{}: {message}", detail_suffix(.detail))]
    Runtime {
        kind: ErrorKind,
        detail: &'static str,
        message: String,
    },
    /// Valid Cypher that this engine does not run; names the feature.
    #[error("unsupported: {feature}")]
    Unsupported { feature: String },
    /// A write in a query given to [`crate::execute_read`].
    #[error("the query writes ({clause}), but only reading is allowed here")]
    ReadOnly { clause: &'static str },
    /// The graph refused a write that would break its rules (e.g. the social model's).
    #[error("write refused: {reason}")]
    Refused { reason: String },
    #[error("the query ran past its time limit")]
    Timeout,
    #[error("the query holds more than {limit} rows")]
    TooLarge { limit: usize },
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

impl CypherError {
    /// The openCypher error class, for errors that have one.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            CypherError::Compile { kind, .. } | CypherError::Runtime { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// True for errors found before the query ran (the TCK's "at compile time").
    pub fn at_compile_time(&self) -> bool {
        matches!(self, CypherError::Compile { .. })
    }

    pub fn syntax(text: &str, offset: usize, message: impl Into<String>) -> CypherError {
        CypherError::Compile {
            kind: ErrorKind::SyntaxError,
            detail: "",
            message: message.into(),
            position: Position::of(text, offset),
        }
    }

    pub fn unsupported(feature: impl Into<String>) -> CypherError {
        CypherError::Unsupported {
            feature: feature.into(),
        }
    }

    pub fn type_error(message: impl Into<String>) -> CypherError {
        CypherError::Runtime {
            kind: ErrorKind::TypeError,
            detail: "",
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "MATCH (n)\nRETURN é, x";
        assert_eq!(Position::of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of(text, 10), Position { line: 2, column: 1 });
        // 'é' is two bytes but one column.
        let x = text.find('x').unwrap_or_default();
        assert_eq!(
            Position::of(text, x),
            Position {
                line: 2,
                column: 11
            }
        );
        assert_eq!(Position::of(text, 999).line, 2);
    }
}
