//! Comparing an engine result with an expected table. Engine values are first rendered through
//! [`GraphRead`] into [`TckValue`]s, so nodes compare by labels and properties (never by
//! identity), relationships by type and properties, and paths element by element.

use std::collections::BTreeMap;

use pillion_cypher::{GraphRead, QueryResult, RelId, Value};

use crate::tck_value::{PathDir, TckNode, TckPath, TckRel, TckValue};

/// How lists inside values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lists {
    Ordered,
    /// `ignoring element order for lists`: lists compare as multisets.
    AnyOrder,
}

/// How the rows of a result compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    InOrder,
    AnyOrder,
}

/// What the TCK expects: column names and rows of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<TckValue>>,
}

/// Renders an engine value; nodes and relationships are looked up in `graph`.
pub fn render(graph: &dyn GraphRead, value: &Value) -> TckValue {
    match value {
        Value::Null => TckValue::Null,
        Value::Bool(b) => TckValue::Bool(*b),
        Value::Int(i) => TckValue::Int(*i),
        Value::Float(f) => TckValue::Float(*f),
        Value::String(s) => TckValue::String(s.clone()),
        Value::List(items) => TckValue::List(items.iter().map(|v| render(graph, v)).collect()),
        Value::Map(map) => TckValue::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), render(graph, v)))
                .collect(),
        ),
        // The TCK writes temporal values as their ISO-8601 strings.
        Value::Temporal(t) => TckValue::String(t.to_string()),
        Value::Node(id) => TckValue::Node(render_node(graph, *id)),
        Value::Rel(rel) => TckValue::Rel(render_rel(graph, *rel)),
        Value::Path(path) => {
            let mut nodes = path.nodes.iter();
            let Some(&first) = nodes.next() else {
                // Not a valid path (it has no start node); show it as an empty list.
                return TckValue::List(Vec::new());
            };
            let mut previous = first;
            let mut steps = Vec::new();
            for (rel, &node) in path.rels.iter().zip(nodes) {
                let dir = if rel.start == rel.end {
                    PathDir::Loop
                } else if rel.start == previous {
                    PathDir::Forward
                } else {
                    PathDir::Backward
                };
                steps.push((dir, render_rel(graph, *rel), render_node(graph, node)));
                previous = node;
            }
            TckValue::Path(TckPath {
                start: render_node(graph, first),
                steps,
            })
        }
    }
}

fn render_props(props: Vec<(String, Value)>, graph: &dyn GraphRead) -> BTreeMap<String, TckValue> {
    props
        .into_iter()
        .map(|(k, v)| {
            let v = render(graph, &v);
            (k, v)
        })
        .collect()
}

fn render_node(graph: &dyn GraphRead, id: u64) -> TckNode {
    TckNode {
        labels: graph.labels(id).into_iter().collect(),
        props: render_props(graph.node_properties(id), graph),
    }
}

fn render_rel(graph: &dyn GraphRead, rel: RelId) -> TckRel {
    TckRel {
        ty: graph.rel_type(rel.ty).to_owned(),
        props: render_props(graph.rel_properties(rel), graph),
    }
}

/// Renders every row of an engine result.
pub fn render_rows(graph: &dyn GraphRead, result: &QueryResult) -> Vec<Vec<TckValue>> {
    result
        .rows
        .iter()
        .map(|row| row.iter().map(|v| render(graph, v)).collect())
        .collect()
}

/// Floats are equal when equal, both NaN, or within a relative 1e-9 of each other.
fn floats_equal(a: f64, b: f64) -> bool {
    if a == b || (a.is_nan() && b.is_nan()) {
        return true;
    }
    if !a.is_finite() || !b.is_finite() {
        return false;
    }
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Whether two values are the same TCK value. An integer never equals a float.
pub fn values_equal(a: &TckValue, b: &TckValue, lists: Lists) -> bool {
    use TckValue as V;
    match (a, b) {
        (V::Null, V::Null) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Float(x), V::Float(y)) => floats_equal(*x, *y),
        (V::String(x), V::String(y)) => x == y,
        (V::List(x), V::List(y)) => match lists {
            Lists::Ordered => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b, lists))
            }
            Lists::AnyOrder => multiset_equal(x, y, |a, b| values_equal(a, b, lists)),
        },
        (V::Map(x), V::Map(y)) => maps_equal(x, y, lists),
        (V::Node(x), V::Node(y)) => nodes_equal(x, y, lists),
        (V::Rel(x), V::Rel(y)) => rels_equal(x, y, lists),
        (V::Path(x), V::Path(y)) => {
            nodes_equal(&x.start, &y.start, lists)
                && x.steps.len() == y.steps.len()
                && x.steps
                    .iter()
                    .zip(&y.steps)
                    .all(|((d1, r1, n1), (d2, r2, n2))| {
                        dirs_equal(*d1, *d2)
                            && rels_equal(r1, r2, lists)
                            && nodes_equal(n1, n2, lists)
                    })
        }
        _ => false,
    }
}

fn dirs_equal(a: PathDir, b: PathDir) -> bool {
    a == b || a == PathDir::Loop || b == PathDir::Loop
}

fn maps_equal(x: &BTreeMap<String, TckValue>, y: &BTreeMap<String, TckValue>, l: Lists) -> bool {
    x.len() == y.len()
        && x.iter()
            .zip(y)
            .all(|((k1, v1), (k2, v2))| k1 == k2 && values_equal(v1, v2, l))
}

fn nodes_equal(x: &TckNode, y: &TckNode, lists: Lists) -> bool {
    x.labels == y.labels && maps_equal(&x.props, &y.props, lists)
}

fn rels_equal(x: &TckRel, y: &TckRel, lists: Lists) -> bool {
    x.ty == y.ty && maps_equal(&x.props, &y.props, lists)
}

/// Whether `x` and `y` hold the same items with the same multiplicities under `eq`.
fn multiset_equal<T>(x: &[T], y: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    x.len() == y.len() && unmatched(x, y, eq).0.is_empty()
}

/// Greedily pairs each item of `expected` with an equal, not yet used item of `actual`; returns
/// the indexes left over on each side.
fn unmatched<T>(
    expected: &[T],
    actual: &[T],
    eq: impl Fn(&T, &T) -> bool,
) -> (Vec<usize>, Vec<usize>) {
    let mut used = vec![false; actual.len()];
    let mut missing = Vec::new();
    for (i, e) in expected.iter().enumerate() {
        let found = (0..actual.len()).find(|&j| !used[j] && eq(e, &actual[j]));
        match found {
            Some(j) => used[j] = true,
            None => missing.push(i),
        }
    }
    let extra = (0..actual.len()).filter(|&j| !used[j]).collect();
    (missing, extra)
}

fn row_text(row: &[TckValue]) -> String {
    let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
    format!("| {} |", cells.join(" | "))
}

fn rows_equal(a: &[TckValue], b: &[TckValue], lists: Lists) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| values_equal(x, y, lists))
}

/// Compares a rendered result with the expected table; `Err` says how they differ.
pub fn compare_result(
    expected: &Expected,
    columns: &[String],
    actual: &[Vec<TckValue>],
    rows: Rows,
    lists: Lists,
) -> Result<(), String> {
    if expected.columns != columns {
        return Err(format!(
            "columns differ: expected {:?}, got {:?}",
            expected.columns, columns
        ));
    }
    match rows {
        Rows::InOrder => {
            for (i, (e, a)) in expected.rows.iter().zip(actual).enumerate() {
                if !rows_equal(e, a, lists) {
                    return Err(format!(
                        "row {} differs: expected {}, got {}",
                        i + 1,
                        row_text(e),
                        row_text(a)
                    ));
                }
            }
        }
        Rows::AnyOrder => {
            let (missing, extra) =
                unmatched(&expected.rows, actual, |e, a| rows_equal(e, a, lists));
            if !missing.is_empty() || !extra.is_empty() {
                let mut msg = format!(
                    "{} expected rows missing, {} unexpected rows",
                    missing.len(),
                    extra.len()
                );
                if let Some(&i) = missing.first() {
                    msg.push_str(&format!("; missing {}", row_text(&expected.rows[i])));
                }
                if let Some(&j) = extra.first() {
                    msg.push_str(&format!("; unexpected {}", row_text(&actual[j])));
                }
                return Err(msg);
            }
        }
    }
    if expected.rows.len() != actual.len() {
        return Err(format!(
            "expected {} rows, got {}",
            expected.rows.len(),
            actual.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
