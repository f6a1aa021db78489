//! Execution: runs a checked [`crate::ast::Query`] against a graph.
//!
//! A query is a pipeline of clauses, each mapping a [`Table`] (named columns, rows of values) to
//! the next; a single query starts from one empty row. Matching is planned per `MATCH` clause
//! ([`plan`]) and run per input row ([`match_`], with [`fits`] for what a bound element must
//! satisfy, [`varlen`] for variable-length relationships and shortest paths, and [`memo`] for
//! what a read-only query remembers of the graph between rows); expressions are evaluated by
//! [`eval`] ([`ops`], [`functions`]); `WITH` / `RETURN` by [`project`] ([`aggregate`]); writes by
//! [`create`] and [`write`], which record every change so that [`stats`] can count it the way
//! the openCypher TCK counts side effects.
//!
//! The executor touches the graph only through [`GraphRead`] / [`GraphWrite`], checks its
//! [`Limits`] while it works, and never panics on any input.

mod aggregate;
mod create;
mod eval;
mod fits;
mod functions;
mod match_;
mod memo;
mod ops;
mod plan;
mod project;
mod stats;
mod varlen;
mod view;
mod walk;
mod write;

use std::cell::Cell;
use std::time::Instant;

use crate::ast::{Clause, Expr, Query, SingleQuery};
use crate::error::ErrorKind;
use crate::graph::{GraphRead, GraphWrite};
use crate::value::{GroupKey, Value};
use crate::{CypherError, Limits, Params, Position, QueryResult};

use eval::{Cx, Env};
use stats::Changes;
use view::View;

/// The graph a query runs against: writable, or read-only.
pub(crate) enum Target<'g> {
    Read(&'g dyn GraphRead),
    Write(&'g mut dyn GraphWrite),
}

/// One row of values, in the order of its table's names.
pub(crate) type Row = Vec<Value>;

/// What a clause hands to the next: the variables in scope and their rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub names: Vec<String>,
    pub rows: Vec<Row>,
}

pub(crate) fn run(
    target: Target<'_>,
    query: &Query,
    params: &Params,
    limits: Limits,
) -> Result<QueryResult, CypherError> {
    let cache = ops::Cache::default();
    if let Target::Read(_) = target {
        if let Some(clause) = first_write_clause(query) {
            return Err(CypherError::ReadOnly { clause });
        }
        cache.between.enable();
        cache.nodes.enable();
    }
    let mut ex = Executor {
        target,
        params,
        guard: Guard::new(limits),
        cache,
        changes: Changes::default(),
    };
    let (columns, mut rows) = ex.run_single(&query.first)?;
    let mut distinct = false;
    for (all, part) in &query.unions {
        let (_, more) = ex.run_single(part)?;
        rows.extend(more);
        ex.guard.check_rows(rows.len())?;
        distinct |= !all;
        if !all {
            rows = dedup_rows(rows);
        }
    }
    if distinct {
        rows = dedup_rows(rows);
    }
    let stats = ex.changes.finish(&ex.view());
    Ok(QueryResult {
        columns,
        rows,
        stats,
    })
}

fn first_write_clause(query: &Query) -> Option<&'static str> {
    std::iter::once(&query.first)
        .chain(query.unions.iter().map(|(_, q)| q))
        .flat_map(|q| q.clauses.iter())
        .find_map(|c| match c {
            Clause::Create { .. } => Some("CREATE"),
            Clause::Merge { .. } => Some("MERGE"),
            Clause::Set { .. } => Some("SET"),
            Clause::Remove { .. } => Some("REMOVE"),
            Clause::Delete { .. } => Some("DELETE"),
            _ => None,
        })
}

/// Keeps the first of each set of equivalent rows, in order.
pub(crate) fn dedup_rows(rows: Vec<Row>) -> Vec<Row> {
    let mut seen = std::collections::BTreeSet::new();
    rows.into_iter()
        .filter(|r| seen.insert(r.iter().cloned().map(GroupKey).collect::<Vec<_>>()))
        .collect()
}

/// Checks the query's time and size limits.
pub(crate) struct Guard {
    deadline: Option<Instant>,
    max_rows: usize,
    ticks: Cell<u32>,
}

impl Guard {
    fn new(limits: Limits) -> Guard {
        Guard {
            deadline: limits.deadline,
            max_rows: limits.max_rows,
            ticks: Cell::new(0),
        }
    }

    /// Counts one unit of work; looks at the clock every 1024 units.
    pub fn tick(&self) -> Result<(), CypherError> {
        let t = self.ticks.get().wrapping_add(1);
        self.ticks.set(t);
        if t & 1023 == 0 {
            if let Some(deadline) = self.deadline {
                if Instant::now() >= deadline {
                    return Err(CypherError::Timeout);
                }
            }
        }
        Ok(())
    }

    pub fn check_rows(&self, n: usize) -> Result<(), CypherError> {
        if n > self.max_rows {
            Err(CypherError::TooLarge {
                limit: self.max_rows,
            })
        } else {
            Ok(())
        }
    }
}

pub(crate) struct Executor<'g, 'p> {
    target: Target<'g>,
    params: &'p Params,
    guard: Guard,
    cache: ops::Cache,
    changes: Changes,
}

impl Executor<'_, '_> {
    /// A read view of the graph.
    fn view(&self) -> View<'_> {
        match &self.target {
            Target::Read(g) => View::Read(*g),
            Target::Write(g) => View::Write(&**g),
        }
    }

    fn graph_mut(&mut self) -> Result<&mut dyn GraphWrite, CypherError> {
        match &mut self.target {
            Target::Write(g) => Ok(&mut **g),
            Target::Read(_) => Err(CypherError::ReadOnly { clause: "write" }),
        }
    }

    /// Runs `f` with an evaluation context over the current graph.
    fn with_cx<T>(&self, f: impl FnOnce(&Cx<'_>) -> T) -> T {
        let view = self.view();
        let cx = Cx {
            graph: &view,
            params: self.params,
            guard: &self.guard,
            cache: &self.cache,
            aggs: None,
        };
        f(&cx)
    }

    fn run_single(&mut self, query: &SingleQuery) -> Result<(Vec<String>, Vec<Row>), CypherError> {
        let mut table = Table {
            names: Vec::new(),
            rows: vec![Vec::new()],
        };
        let mut columns = Vec::new();
        let mut returned = false;
        for (i, clause) in query.clauses.iter().enumerate() {
            let next = query.clauses.get(i + 1);
            table = match clause {
                Clause::Match { .. } | Clause::Unwind { .. } | Clause::With(_) => {
                    self.with_cx(|cx| read_clause(cx, table, clause, next))?
                }
                Clause::Return(_) => {
                    let t = self.with_cx(|cx| read_clause(cx, table, clause, None))?;
                    columns = t.names.clone();
                    returned = true;
                    t
                }
                Clause::Create { pattern, .. } => self.create(table, pattern)?,
                Clause::Merge {
                    part,
                    on_create,
                    on_match,
                    ..
                } => self.merge(table, part, on_create, on_match)?,
                Clause::Set { items, .. } => self.set(table, items)?,
                Clause::Remove { items, .. } => self.remove(table, items)?,
                Clause::Delete { detach, exprs, .. } => self.delete(table, exprs, *detach)?,
                Clause::Call { .. } => return Err(CypherError::unsupported("CALL procedures")),
            };
            self.guard.check_rows(table.rows.len())?;
        }
        if returned {
            Ok((columns, table.rows))
        } else {
            Ok((Vec::new(), Vec::new()))
        }
    }
}

/// Runs a clause that only reads. `next` is the clause after it, if that may bound how many
/// rows this one needs to make.
pub(crate) fn read_clause(
    cx: &Cx<'_>,
    table: Table,
    clause: &Clause,
    next: Option<&Clause>,
) -> Result<Table, CypherError> {
    let cap = next.and_then(|n| row_cap(cx, n)).unwrap_or(usize::MAX);
    match clause {
        Clause::Match {
            optional,
            pattern,
            where_,
            ..
        } => {
            let keep = next.and_then(used_by);
            let how = match_::Output {
                optional: *optional,
                cap,
                keep: keep.as_ref(),
            };
            match_::match_clause(cx, table, pattern, where_.as_ref(), how)
        }
        Clause::Unwind { expr, alias, .. } => unwind(cx, table, expr, &alias.name, cap),
        Clause::With(p) | Clause::Return(p) => project::project(cx, table, p),
        _ => Err(CypherError::unsupported(
            "updating clauses inside a subquery",
        )),
    }
}

/// The variables a projection (`WITH` / `RETURN` without `*`) reads: all that a clause before it
/// needs to hand on. `None` when that cannot be told.
fn used_by(next: &Clause) -> Option<std::collections::BTreeSet<String>> {
    let (Clause::With(p) | Clause::Return(p)) = next else {
        return None;
    };
    if p.star {
        return None;
    }
    let mut vars = std::collections::BTreeSet::new();
    let exprs = p.items.iter().map(|i| &i.expr);
    let sorts = p.order_by.iter().map(|s| &s.expr);
    let rest = p.where_.iter().chain(p.skip.iter()).chain(p.limit.iter());
    for e in exprs.chain(sorts).chain(rest) {
        walk::mentioned_vars(e, &mut vars);
    }
    (!vars.contains(walk::ANY_VARIABLE)).then_some(vars)
}

/// How many rows a clause followed by `next` needs to make: `next` projects row by row (no
/// aggregation, `DISTINCT` or `ORDER BY`) and keeps only `SKIP + LIMIT` of them.
fn row_cap(cx: &Cx<'_>, next: &Clause) -> Option<usize> {
    let (Clause::With(p) | Clause::Return(p)) = next else {
        return None;
    };
    if p.distinct || !p.order_by.is_empty() || p.items.iter().any(|i| walk::has_aggregate(&i.expr))
    {
        return None;
    }
    let count = |e: &Option<Expr>| match e.as_ref().map(|e| eval::eval(cx, &Env::empty(), e)) {
        None => Some(0),
        Some(Ok(Value::Int(i))) if i >= 0 => usize::try_from(i).ok(),
        Some(_) => None,
    };
    p.limit.as_ref()?;
    count(&p.skip)?.checked_add(count(&p.limit)?)
}

fn unwind(
    cx: &Cx<'_>,
    table: Table,
    expr: &Expr,
    alias: &str,
    cap: usize,
) -> Result<Table, CypherError> {
    let mut names = table.names.clone();
    names.push(alias.to_string());
    let mut rows = Vec::new();
    for row in table.rows {
        if rows.len() >= cap {
            break;
        }
        cx.guard.tick()?;
        let v = eval::eval(cx, &Env::new(&table.names, &row), expr)?;
        let items = match v {
            Value::Null => Vec::new(),
            Value::List(items) => items,
            other => vec![other],
        };
        for item in items.into_iter().take(cap.saturating_sub(rows.len())) {
            let mut r = row.clone();
            r.push(item);
            rows.push(r);
        }
        cx.guard.check_rows(rows.len())?;
    }
    Ok(Table { names, rows })
}

/// A runtime error of openCypher class `kind` with TCK detail code `detail`.
pub(crate) fn runtime(
    kind: ErrorKind,
    detail: &'static str,
    message: impl Into<String>,
) -> CypherError {
    CypherError::Runtime {
        kind,
        detail,
        message: message.into(),
    }
}

/// An error the semantic checker should have raised; the executor reports it the same way,
/// without a position of its own.
pub(crate) fn compile_error(detail: &'static str, message: impl Into<String>) -> CypherError {
    CypherError::Compile {
        kind: ErrorKind::SyntaxError,
        detail,
        message: message.into(),
        position: Position { line: 1, column: 1 },
    }
}
