//! A Cypher answer written straight to JSON bytes.
//!
//! A friends-of-friends answer returns whole rider nodes, one row per path: 1,600 rows on average
//! at scale 1, 61,000 for a hub, most of them the same few hundred riders again. Building a
//! `serde_json::Value` tree per cell and reading every node's properties per row cost ~100 us a
//! row (bench/cypher). Here each cell is serialized as it is visited, and a node or relationship
//! is written once per answer: later rows copy its bytes.

use std::collections::HashMap;

use pillion_cypher::{GraphRead, NodeId, QueryResult, RelId, Value};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// The response body `{"columns": [...], "rows": [[...], ...]}` of `result`, with
/// `"stats": {...}` after the rows when given (a query that wrote).
pub fn answer(
    graph: &dyn GraphRead,
    result: &QueryResult,
    stats: Option<&serde_json::Value>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut cache = Cache::default();
    out.extend_from_slice(b"{\"columns\":");
    // Column names and the fixed keys are plain strings: serializing them cannot fail.
    let _ = serde_json::to_writer(&mut out, &result.columns);
    out.extend_from_slice(b",\"rows\":[");
    for (i, row) in result.rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        for (j, v) in row.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            cache.write(graph, v, &mut out);
        }
        out.push(b']');
    }
    out.push(b']');
    if let Some(stats) = stats {
        out.extend_from_slice(b",\"stats\":");
        let _ = serde_json::to_writer(&mut out, stats);
    }
    out.push(b'}');
    out
}

/// The JSON of every node and relationship written so far in this answer.
#[derive(Default)]
struct Cache {
    nodes: HashMap<NodeId, Vec<u8>>,
    rels: HashMap<RelId, Vec<u8>>,
}

impl Cache {
    fn write(&mut self, graph: &dyn GraphRead, v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Node(n) => {
                let bytes = self.nodes.entry(*n).or_insert_with(|| node(graph, *n));
                out.extend_from_slice(bytes);
            }
            Value::Rel(r) => {
                let bytes = self.rels.entry(*r).or_insert_with(|| rel(graph, *r));
                out.extend_from_slice(bytes);
            }
            Value::List(items) => {
                out.push(b'[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.write(graph, x, out);
                }
                out.push(b']');
            }
            Value::Path(p) => {
                out.extend_from_slice(b"{\"nodes\":[");
                for (i, n) in p.nodes.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.write(graph, &Value::Node(*n), out);
                }
                out.extend_from_slice(b"],\"relationships\":[");
                for (i, r) in p.rels.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.write(graph, &Value::Rel(*r), out);
                }
                out.extend_from_slice(b"]}");
            }
            // Maps may hold nodes too; they are rare enough to go through the serializer.
            other => {
                let _ = serde_json::to_writer(
                    &mut *out,
                    &Cell {
                        graph,
                        value: other,
                    },
                );
            }
        }
    }
}

fn node(graph: &dyn GraphRead, n: NodeId) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    let _ = serde_json::to_writer(
        &mut out,
        &Cell {
            graph,
            value: &Value::Node(n),
        },
    );
    out
}

fn rel(graph: &dyn GraphRead, r: RelId) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    let _ = serde_json::to_writer(
        &mut out,
        &Cell {
            graph,
            value: &Value::Rel(r),
        },
    );
    out
}

/// One value as the contract writes it: nodes `{id, labels, properties}`, relationships
/// `{id, type, start, end, properties}`, paths `{nodes, relationships}`, temporal values as
/// ISO-8601 text, NaN and infinities as `null` (JSON has none).
struct Cell<'a> {
    graph: &'a dyn GraphRead,
    value: &'a Value,
}

struct Props<'a> {
    graph: &'a dyn GraphRead,
    list: Vec<(String, Value)>,
}

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.list.len()))?;
        for (k, v) in &self.list {
            map.serialize_entry(
                k,
                &Cell {
                    graph: self.graph,
                    value: v,
                },
            )?;
        }
        map.end()
    }
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let graph = self.graph;
        let cell = |value| Cell { graph, value };
        match self.value {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(_) => s.serialize_unit(),
            Value::String(x) => s.serialize_str(x),
            Value::Temporal(t) => s.collect_str(t),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for x in items {
                    seq.serialize_element(&cell(x))?;
                }
                seq.end()
            }
            Value::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, x) in m {
                    map.serialize_entry(k, &cell(x))?;
                }
                map.end()
            }
            Value::Node(n) => {
                let mut map = s.serialize_map(Some(3))?;
                map.serialize_entry("id", n)?;
                map.serialize_entry("labels", &graph.labels(*n))?;
                let list = graph.node_properties(*n);
                map.serialize_entry("properties", &Props { graph, list })?;
                map.end()
            }
            Value::Rel(r) => {
                let mut map = s.serialize_map(Some(5))?;
                map.serialize_entry("id", &r.id)?;
                map.serialize_entry("type", graph.rel_type(r.ty))?;
                map.serialize_entry("start", &r.start)?;
                map.serialize_entry("end", &r.end)?;
                let list = graph.rel_properties(*r);
                map.serialize_entry("properties", &Props { graph, list })?;
                map.end()
            }
            Value::Path(p) => {
                let nodes = Value::List(p.nodes.iter().map(|n| Value::Node(*n)).collect());
                let rels = Value::List(p.rels.iter().map(|r| Value::Rel(*r)).collect());
                let mut map = s.serialize_map(Some(2))?;
                map.serialize_entry("nodes", &cell(&nodes))?;
                map.serialize_entry("relationships", &cell(&rels))?;
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use pillion_cypher::{GraphWrite, Limits, MemGraph, Params};

    /// The streaming writer gives byte for byte the JSON of the value-tree renderer.
    #[test]
    fn streams_what_the_value_tree_renders() {
        let mut g = MemGraph::new();
        let q = "CREATE (a:Rider:Admin {name: 'Ann', n: 1.5, when: date('2026-11-22')})-[:IS_FRIEND {since: 3}]->(b:Rider {tags: ['x', 'y']}) \
                 WITH a, b MATCH p = (a)-[r]->(b) \
                 UNWIND [1, 2] AS i \
                 RETURN a, r, b, p, i, {who: a, nan: 0.0 / 0.0, list: [b, null]} AS m, [a, a] AS twice";
        let result = pillion_cypher::execute(
            &mut g as &mut dyn GraphWrite,
            q,
            &Params::new(),
            Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let streamed: serde_json::Value =
            serde_json::from_slice(&super::answer(&g, &result, None)).unwrap_or_default();
        let tree = crate::routes::cypher::render(&g, result);
        assert_eq!(streamed, tree);
        assert_eq!(streamed["rows"].as_array().map(Vec::len), Some(2));
    }
}
