//! Criterion benches of the Cypher engine: what a query costs before it touches data (parse,
//! semantic checks, planning) and the matching kernels on a large synthetic [`MemGraph`].
//!
//! The graph has 100,000 nodes and 1,000,000 relationships from a fixed seed, with a heavy-tailed
//! degree distribution: one end of each relationship is drawn with a strong bias towards low node
//! numbers (node 0 is a hub of several thousand relationships), the other uniformly; 80% are
//! `KNOWS`, 20% `FOLLOWS`. Nodes are `Person` (90%) or `Page`, with an integer `age`. Kernels
//! run from a fixed typical node (median degree) and from the hub.
//!
//! Run: `cargo bench -p pillion-cypher --bench engine` (building the graph takes a few seconds);
//! `-- plan` or `-- kernel` for a part. Results: `benches/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pillion_cypher::{
    execute_read, parse, Direction, GraphRead, GraphWrite, Limits, MemGraph, Params, Value,
};

const NODES: usize = 100_000;
const RELS: usize = 1_000_000;

/// The queries whose fixed cost the `plan` group measures.
const PLANNED: [(&str, &str); 4] = [
    (
        "fof",
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id RETURN c",
    ),
    (
        "fof_not_friend",
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) \
         WHERE id(a)=$id AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c",
    ),
    (
        "three_parts",
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider), (b)-[:POSTED]->(p:Post), (a)-[:LIKES]->(p) \
         WHERE id(a) = $id AND p.visibility = 'public' RETURN b.handle, p.id",
    ),
    (
        "aggregation",
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:POSTED]->(p:Post) WHERE id(a) = $id \
         RETURN b.handle AS who, count(*) AS posts ORDER BY posts DESC LIMIT 10",
    ),
];

/// SplitMix64: a seeded stream, so every run builds the same graph.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn synthetic() -> MemGraph {
    let mut rng = Rng(42);
    let mut g = MemGraph::new();
    for _ in 0..NODES {
        let label = if rng.below(10) == 0 { "Page" } else { "Person" };
        let age = Value::Int(18 + rng.below(62) as i64);
        g.create_node(&[label.to_string()], vec![("age".to_string(), age)])
            .expect("node");
    }
    for _ in 0..RELS {
        // u^3 puts a third of the mass on the first ~4% of nodes: a heavy tail of hubs.
        let hubby = (NODES as f64 * rng.unit().powi(3)) as u64;
        let any = rng.below(NODES as u64);
        let ty = if rng.below(5) == 0 {
            "FOLLOWS"
        } else {
            "KNOWS"
        };
        let (a, b) = if rng.below(2) == 0 {
            (hubby, any)
        } else {
            (any, hubby)
        };
        g.create_rel(a, b, ty, vec![]).expect("relationship");
    }
    g
}

/// A node of median degree (among `KNOWS`), and the node of highest degree.
fn starts(g: &MemGraph) -> (u64, u64) {
    let mut degrees: Vec<(usize, u64)> = (0..NODES as u64)
        .step_by(97)
        .map(|n| {
            let mut out = Vec::new();
            g.expand(n, Direction::Both, &["KNOWS"], &mut out);
            (out.len(), n)
        })
        .collect();
    degrees.sort_unstable();
    let typical = degrees[degrees.len() / 2].1;
    let mut out = Vec::new();
    g.expand(0, Direction::Both, &["KNOWS"], &mut out);
    eprintln!(
        "typical start {typical}: {} KNOWS; hub 0: {} KNOWS",
        degrees[degrees.len() / 2].0,
        out.len()
    );
    (typical, 0)
}

/// Every `c` of `(a)-[:KNOWS]-(b)-[:KNOWS]-(c)` without reusing a relationship, walked with
/// `expand` alone.
fn friends_of_friends(g: &MemGraph, a: u64) -> Vec<u64> {
    let (mut first, mut second, mut out) = (Vec::new(), Vec::new(), Vec::new());
    g.expand(a, Direction::Both, &["KNOWS"], &mut first);
    for r in &first {
        let b = if r.start == a { r.end } else { r.start };
        second.clear();
        g.expand(b, Direction::Both, &["KNOWS"], &mut second);
        for s in second.iter().filter(|s| s.id != r.id) {
            out.push(if s.start == b { s.end } else { s.start });
        }
    }
    out
}

fn params(id: u64) -> Params {
    Params::from([("id".to_string(), Value::Int(id as i64))])
}

fn plan(c: &mut Criterion) {
    let empty = MemGraph::new();
    let p = params(1);
    let mut grp = c.benchmark_group("plan");
    for (name, q) in PLANNED {
        grp.bench_with_input(BenchmarkId::new("parse_check", name), q, |b, q| {
            b.iter(|| parse(black_box(q)).unwrap())
        });
        // On an empty graph the plan's start finds nothing: what remains is the fixed cost.
        grp.bench_with_input(BenchmarkId::new("parse_check_plan", name), q, |b, q| {
            b.iter(|| execute_read(&empty, black_box(q), &p, Limits::default()).unwrap())
        });
    }
    grp.finish();
}

fn kernels(c: &mut Criterion) {
    let g = synthetic();
    let (typical, hub) = starts(&g);
    let queries = [
        (
            "expand_typed",
            "MATCH (a)-[:KNOWS]->(b) WHERE id(a) = $id RETURN b",
        ),
        (
            "fof",
            "MATCH (a)-[:KNOWS]-(b)-[:KNOWS]-(c) WHERE id(a) = $id RETURN c",
        ),
        (
            "fof_not_known",
            "MATCH (a)-[:KNOWS]-(b)-[:KNOWS]-(c) WHERE id(a) = $id AND NOT (a)-[:KNOWS]-(c) \
             RETURN c",
        ),
        (
            "fof_age_filter",
            "MATCH (a)-[:KNOWS]-(b)-[:KNOWS]-(c) WHERE id(a) = $id AND c.age > 70 RETURN c",
        ),
        (
            "fof_count",
            "MATCH (a)-[:KNOWS]-(b)-[:KNOWS]-(c) WHERE id(a) = $id RETURN count(*)",
        ),
    ];
    let mut grp = c.benchmark_group("kernel");
    for (name, q) in queries {
        for (who, id) in [("typical", typical), ("hub", hub)] {
            let p = params(id);
            let rows = execute_read(&g, q, &p, Limits::default()).unwrap().rows;
            eprintln!("{name}/{who}: {} rows", rows.len());
            grp.bench_with_input(BenchmarkId::new(name, who), q, |b, q| {
                b.iter(|| execute_read(&g, black_box(q), &p, Limits::default()).unwrap())
            });
        }
    }
    // The same walks straight through `GraphRead::expand`: what the graph itself costs.
    for (who, id) in [("typical", typical), ("hub", hub)] {
        grp.bench_with_input(BenchmarkId::new("graph_only_expand", who), &id, |b, id| {
            b.iter(|| {
                let mut out = Vec::new();
                g.expand(black_box(*id), Direction::Outgoing, &["KNOWS"], &mut out);
                out
            })
        });
        grp.bench_with_input(BenchmarkId::new("graph_only_fof", who), &id, |b, id| {
            b.iter(|| friends_of_friends(&g, black_box(*id)))
        });
    }
    // A label scan with a property predicate: every `Page` (10,000 nodes) is looked at.
    let q = "MATCH (n:Page) WHERE n.age = 30 RETURN n";
    grp.bench_function("scan_label_property", |b| {
        b.iter(|| execute_read(&g, black_box(q), &Params::new(), Limits::default()).unwrap())
    });
    grp.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = plan, kernels
}
criterion_main!(benches);
