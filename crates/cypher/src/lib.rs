//! Cypher over a property graph: lexer -> parser -> AST -> execution over the [`GraphRead`] /
//! [`GraphWrite`] interface.
//!
//! The crate knows no storage, HTTP or async. It answers a query against whatever implements the
//! graph traits: [`MemGraph`] (a plain in-memory property graph, used by the openCypher TCK
//! harness and the differential tests) or Pillion's social graph (an adapter in the server crate).
//! Errors carry the openCypher error kind (`SyntaxError`, `TypeError`, ...) and, for syntax errors,
//! the line and column of the offending token. What the engine does not support is refused by
//! name ([`CypherError::Unsupported`]), never answered wrongly.
//!
//! It must never panic on any input, never loop without checking its [`Limits`], and never hold
//! state between queries.

pub mod ast;
mod check;
mod error;
mod exec;
mod graph;
mod lexer;
mod mem;
mod parser;
mod temporal;
mod value;

pub use error::{CypherError, ErrorKind, Position};
pub use graph::{Direction, GraphRead, GraphWrite, NodeId, RelId};
pub use mem::MemGraph;
pub use temporal::{Date, DateTime, Duration, LocalDateTime, LocalTime, Temporal, Time};
pub use value::{Path, Value};

use std::collections::BTreeMap;
use std::time::Instant;

/// Query parameters (`$name`).
pub type Params = BTreeMap<String, Value>;

/// Bounds on one query's work.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The query fails with [`CypherError::Timeout`] once this instant has passed.
    pub deadline: Option<Instant>,
    /// The most rows any clause may hold at once; beyond it [`CypherError::TooLarge`].
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: None,
            max_rows: 1_000_000,
        }
    }
}

/// What a write query changed, counted as the openCypher TCK counts side effects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
    pub properties_set: u64,
    pub properties_removed: u64,
}

/// The answer to a query: named columns and rows of values in column order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub stats: WriteStats,
}

/// Parses `query` into its syntax tree and runs the semantic checks on it.
pub fn parse(query: &str) -> Result<ast::Query, CypherError> {
    let ast = parser::parse(query)?;
    check::check(&ast, query)?;
    Ok(ast)
}

/// Runs `query` against `graph`, which it may change. On error the caller must discard the
/// graph's changes (see [`GraphWrite`]): a query is all or nothing.
pub fn execute(
    graph: &mut dyn GraphWrite,
    query: &str,
    params: &Params,
    limits: Limits,
) -> Result<QueryResult, CypherError> {
    let ast = parse(query)?;
    exec::run(exec::Target::Write(graph), &ast, params, limits)
}

/// Runs a query that only reads; a query with a write clause is refused before it starts
/// ([`CypherError::ReadOnly`]).
pub fn execute_read(
    graph: &dyn GraphRead,
    query: &str,
    params: &Params,
    limits: Limits,
) -> Result<QueryResult, CypherError> {
    let ast = parse(query)?;
    exec::run(exec::Target::Read(graph), &ast, params, limits)
}
