//! `WITH` and `RETURN`: projection, `DISTINCT`, aggregation with implicit grouping keys,
//! `ORDER BY`, `SKIP`, `LIMIT` and `WITH ... WHERE`.
//!
//! `ORDER BY` sees the projected columns over the row (or, when aggregating, one row of the
//! group) they came from, so it can name aliases, earlier variables and grouping expressions;
//! its own aggregate calls are computed per group alongside the projection's.

use std::collections::BTreeMap;

use super::aggregate::{collect_aggregates, Aggregator};
use super::eval::{eval, is_true, AggValues, Cx, Env};
use super::walk::has_aggregate;
use super::{runtime, Row, Table};
use crate::ast::{Expr, ExprKind, Projection, Span};
use crate::error::ErrorKind;
use crate::value::{GroupKey, Value};
use crate::CypherError;

/// A projected row with the row it came from (for `ORDER BY`).
struct Projected {
    values: Row,
    source: Row,
    aggs: Option<AggValues>,
}

pub(crate) fn project(cx: &Cx<'_>, table: Table, p: &Projection) -> Result<Table, CypherError> {
    let star_exprs: Vec<(String, Expr)> = if p.star {
        let mut names: Vec<&String> = table.names.iter().filter(|n| !n.is_empty()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|n| {
                let e = Expr {
                    kind: ExprKind::Variable(n.clone()),
                    span: Span::default(),
                };
                (n.clone(), e)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut items: Vec<(String, &Expr)> = star_exprs.iter().map(|(n, e)| (n.clone(), e)).collect();
    for item in &p.items {
        let name = item
            .alias
            .as_ref()
            .map_or_else(|| item.text.clone(), |a| a.name.clone());
        items.push((name, &item.expr));
    }
    let names: Vec<String> = items.iter().map(|(n, _)| n.clone()).collect();

    let aggregating = items.iter().any(|(_, e)| has_aggregate(e));
    if !aggregating && p.order_by.is_empty() && p.where_.is_none() {
        let mut rows = project_rows(cx, table, &items)?;
        if p.distinct {
            let mut seen = std::collections::BTreeSet::new();
            rows.retain(|r| seen.insert(r.iter().cloned().map(GroupKey).collect::<Vec<_>>()));
        }
        let skip = count_arg(cx, p.skip.as_ref(), "SKIP")?.unwrap_or(0);
        let limit = count_arg(cx, p.limit.as_ref(), "LIMIT")?;
        rows.drain(..skip.min(rows.len()));
        rows.truncate(limit.unwrap_or(usize::MAX));
        return Ok(Table { names, rows });
    }
    let mut rows = if aggregating {
        aggregate(cx, &table, &items, p)?
    } else {
        let mut out = Vec::with_capacity(table.rows.len());
        for row in table.rows {
            cx.guard.tick()?;
            let env = Env::new(&table.names, &row);
            let values = items
                .iter()
                .map(|(_, e)| eval(cx, &env, e))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Projected {
                values,
                source: row,
                aggs: None,
            });
        }
        out
    };
    if p.distinct {
        let mut seen = std::collections::BTreeSet::new();
        rows.retain(|r| seen.insert(r.values.iter().cloned().map(GroupKey).collect::<Vec<_>>()));
    }
    if !p.order_by.is_empty() {
        rows = order(cx, &table.names, &names, rows, p)?;
    }
    let skip = count_arg(cx, p.skip.as_ref(), "SKIP")?.unwrap_or(0);
    let limit = count_arg(cx, p.limit.as_ref(), "LIMIT")?;
    let page = rows
        .into_iter()
        .skip(skip)
        .take(limit.unwrap_or(usize::MAX));
    let mut out: Vec<Row> = Vec::new();
    match &p.where_ {
        // `WITH ... WHERE` sees the projected columns over the variables they came from.
        Some(w) => {
            for r in page {
                cx.guard.tick()?;
                let outer = Env::new(&table.names, &r.source);
                let keep = match &r.aggs {
                    Some(aggs) => eval(&cx.with_aggs(aggs), &outer.child(&names, &r.values), w)?,
                    None => eval(cx, &outer.child(&names, &r.values), w)?,
                };
                if is_true(&keep)? {
                    out.push(r.values);
                }
            }
        }
        None => out.extend(page.map(|r| r.values)),
    }
    Ok(Table { names, rows: out })
}

/// Projects row by row when nothing later reads the source rows (no `ORDER BY`, no `WHERE`):
/// each row's buffer takes its projection, and a plain variable is found by name once, not
/// once per row.
fn project_rows(
    cx: &Cx<'_>,
    table: Table,
    items: &[(String, &Expr)],
) -> Result<Vec<Row>, CypherError> {
    let columns: Vec<Option<usize>> = items
        .iter()
        .map(|(_, e)| match &e.kind {
            ExprKind::Variable(v) => table.names.iter().rposition(|n| n == v),
            _ => None,
        })
        .collect();
    // `RETURN a, b` over a table of exactly `a, b`: the rows are already the answer.
    let identity = columns.len() == table.names.len()
        && columns.iter().enumerate().all(|(i, c)| *c == Some(i));
    if identity {
        return Ok(table.rows);
    }
    let mut values = Vec::with_capacity(items.len());
    let mut out = Vec::with_capacity(table.rows.len());
    for mut row in table.rows {
        cx.guard.tick()?;
        let env = Env::new(&table.names, &row);
        for ((_, e), column) in items.iter().zip(&columns) {
            values.push(match column.and_then(|c| row.get(c)) {
                Some(v) => v.clone(),
                None => eval(cx, &env, e)?,
            });
        }
        row.clear();
        row.append(&mut values);
        out.push(row);
    }
    Ok(out)
}

/// Groups by the non-aggregate items and computes the aggregates (those of the items and of
/// `ORDER BY`) per group.
fn aggregate(
    cx: &Cx<'_>,
    table: &Table,
    items: &[(String, &Expr)],
    p: &Projection,
) -> Result<Vec<Projected>, CypherError> {
    let keys: Vec<usize> = (0..items.len())
        .filter(|i| items.get(*i).is_some_and(|(_, e)| !has_aggregate(e)))
        .collect();
    let mut calls = Vec::new();
    for (_, e) in items {
        collect_aggregates(e, &mut calls);
    }
    for s in &p.order_by {
        collect_aggregates(&s.expr, &mut calls);
    }
    struct Group<'q> {
        key_values: Vec<Value>,
        source: Row,
        aggs: Vec<Aggregator<'q>>,
    }
    let mut index: BTreeMap<Vec<GroupKey>, usize> = BTreeMap::new();
    let mut groups: Vec<Group<'_>> = Vec::new();
    for row in &table.rows {
        cx.guard.tick()?;
        let env = Env::new(&table.names, row);
        let key_values = keys
            .iter()
            .filter_map(|i| items.get(*i))
            .map(|(_, e)| eval(cx, &env, e))
            .collect::<Result<Vec<_>, _>>()?;
        let key: Vec<GroupKey> = key_values.iter().cloned().map(GroupKey).collect();
        let at = match index.get(&key) {
            Some(at) => *at,
            None => {
                groups.push(Group {
                    key_values,
                    source: row.clone(),
                    aggs: calls
                        .iter()
                        .map(|c| Aggregator::new(c))
                        .collect::<Result<_, _>>()?,
                });
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some(g) = groups.get_mut(at) {
            for a in &mut g.aggs {
                a.feed(cx, &env)?;
            }
        }
    }
    if groups.is_empty() && keys.is_empty() {
        groups.push(Group {
            key_values: Vec::new(),
            source: vec![Value::Null; table.names.len()],
            aggs: calls
                .iter()
                .map(|c| Aggregator::new(c))
                .collect::<Result<_, _>>()?,
        });
    }
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let mut aggs = AggValues::new();
        for (call, a) in calls.iter().zip(g.aggs) {
            aggs.insert(*call as *const Expr as usize, a.finish()?);
        }
        let gcx = cx.with_aggs(&aggs);
        let env = Env::new(&table.names, &g.source);
        let mut key_values = g.key_values.into_iter();
        let mut values = Vec::with_capacity(items.len());
        for (i, (_, e)) in items.iter().enumerate() {
            values.push(if keys.contains(&i) {
                key_values.next().unwrap_or(Value::Null)
            } else {
                eval(&gcx, &env, e)?
            });
        }
        out.push(Projected {
            values,
            source: g.source,
            aggs: Some(aggs),
        });
    }
    Ok(out)
}

fn order(
    cx: &Cx<'_>,
    source_names: &[String],
    names: &[String],
    rows: Vec<Projected>,
    p: &Projection,
) -> Result<Vec<Projected>, CypherError> {
    let mut keyed = Vec::with_capacity(rows.len());
    for r in rows {
        cx.guard.tick()?;
        let outer = Env::new(source_names, &r.source);
        let env = outer.child(names, &r.values);
        let keys = match &r.aggs {
            Some(aggs) => {
                let gcx = cx.with_aggs(aggs);
                p.order_by
                    .iter()
                    .map(|s| eval(&gcx, &env, &s.expr))
                    .collect::<Result<Vec<_>, _>>()?
            }
            None => p
                .order_by
                .iter()
                .map(|s| eval(cx, &env, &s.expr))
                .collect::<Result<Vec<_>, _>>()?,
        };
        keyed.push((keys, r));
    }
    keyed.sort_by(|(a, _), (b, _)| {
        for ((x, y), s) in a.iter().zip(b.iter()).zip(p.order_by.iter()) {
            let o = x.order_cmp(y);
            let o = if s.descending { o.reverse() } else { o };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}

/// The value of `SKIP` / `LIMIT`: a non-negative integer.
fn count_arg(cx: &Cx<'_>, e: Option<&Expr>, what: &str) -> Result<Option<usize>, CypherError> {
    let Some(e) = e else {
        return Ok(None);
    };
    match eval(cx, &Env::empty(), e)? {
        Value::Int(i) if i >= 0 => Ok(Some(usize::try_from(i).unwrap_or(usize::MAX))),
        Value::Int(_) => Err(runtime(
            ErrorKind::SyntaxError,
            "NegativeIntegerArgument",
            format!("{what} must be a non-negative integer"),
        )),
        other => Err(runtime(
            ErrorKind::SyntaxError,
            "InvalidArgumentType",
            format!("{what} must be an integer, not a {}", other.type_name()),
        )),
    }
}
