//! In-process latency of the two contract Cypher queries (friends of friends, and friends of
//! friends who are not friends) on the real social graph, against the same answer walked
//! directly on the engine.
//!
//! Generates the scale-1 network (`pillion gen --scale 1`), imports it into a temporary data
//! directory, loads the store into a [`Graph`] the way the server does on start, then for 2,000
//! random riders times every call of `pillion_cypher::execute_read` (parse, check, plan and run:
//! what `POST /v1/cypher` costs without HTTP and JSON): the queries with `$id`, and once more
//! with the id written into the query as the contract writes it. The direct walk over
//! `Graph::rider(..).friends()` gives the same rows (checked), so the Cypher overhead is a ratio.
//!
//! Run: `cargo bench -p pillion --bench cypher_fof` (about a minute, most of it generating and
//! importing). `CYPHER_FOF_DATA=dir` reuses (or first fills) a data directory;
//! `CYPHER_FOF_RIDERS=n` times n riders. Results: `crates/cypher/benches/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use pillion_cypher::{execute_read, Limits, Params, Value};
use pillion_graph::Graph;
use pillion_model::RiderId;
use pillion_store::{SqliteStore, Store, DB_FILE};
use rand::seq::SliceRandom;
use rand::SeedableRng;

const FOF: &str =
    "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=$id RETURN c";
const FOF_NOT_FRIEND: &str = "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) \
     WHERE id(a)=$id AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c";

fn main() -> anyhow::Result<()> {
    let riders: usize = std::env::var("CYPHER_FOF_RIDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let tmp = tempfile::tempdir()?;
    let data = match std::env::var_os("CYPHER_FOF_DATA") {
        Some(dir) => Path::new(&dir).to_path_buf(),
        None => tmp.path().join("data"),
    };
    if !data.join(DB_FILE).exists() {
        prepare(tmp.path(), &data)?;
    }
    let started = Instant::now();
    let mut store = SqliteStore::open(&data.join(DB_FILE))?;
    let mut graph = Graph::new();
    store.load(&mut |c| graph.apply(&c))?;
    eprintln!("loaded the graph in {:.1} s", started.elapsed().as_secs_f64());

    let mut ids: Vec<u64> = (1..=20_000).filter(|i| graph.rider(RiderId(*i)).is_some()).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    ids.shuffle(&mut rng);
    ids.truncate(riders);
    anyhow::ensure!(!ids.is_empty(), "no riders in the graph");

    println!(
        "{} riders; times per call in µs\n\n{:<16} {:<8} {:>8} {:>8} {:>8} {:>8} {:>10}",
        ids.len(),
        "query",
        "how",
        "p50",
        "p99",
        "p99.9",
        "max",
        "rows/call"
    );
    for (name, query, not_friends) in [
        ("fof", FOF, false),
        ("fof_not_friend", FOF_NOT_FRIEND, true),
    ] {
        // Warm caches and the allocator; checks the answers agree while at it.
        for id in ids.iter().take(200) {
            let rows = cypher(&graph, query, *id, false)?;
            anyhow::ensure!(
                rows == direct(&graph, *id, not_friends),
                "{name} for rider {id}: Cypher and the direct walk disagree"
            );
        }
        let param = time(&ids, |id| cypher(&graph, query, id, false))?;
        let literal = time(&ids, |id| cypher(&graph, query, id, true))?;
        let walk = time(&ids, |id| Ok(direct(&graph, id, not_friends)))?;
        for (how, t) in [("$id", &param), ("literal", &literal), ("direct", &walk)] {
            println!("{name:<16} {how:<8} {}", t.line());
        }
        println!(
            "{name:<16} Cypher / direct: {:.1}x at p50, {:.1}x at p99\n",
            ratio(param.at(0.5), walk.at(0.5)),
            ratio(param.at(0.99), walk.at(0.99)),
        );
    }
    Ok(())
}

/// Generates scale 1 into `work/csv` and imports it into `data`.
fn prepare(work: &Path, data: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let csv = work.join("csv");
    let opts = pillion_ldbc::gen::GenOptions { scale: 1, seed: 42 };
    pillion_ldbc::gen::generate(&opts, &csv, &mut |_, _| {}).context("generating")?;
    pillion_ldbc::import::import(&csv, data, &mut |_| {}).context("importing")?;
    std::fs::remove_dir_all(&csv)?;
    eprintln!(
        "generated and imported scale 1 in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs a contract query for rider `id`; returns how many rows it gave.
fn cypher(graph: &Graph, query: &str, id: u64, literal: bool) -> anyhow::Result<usize> {
    let result = if literal {
        let query = query.replace("$id", &id.to_string());
        execute_read(graph, &query, &Params::new(), Limits::default())
    } else {
        let params = Params::from([("id".to_string(), Value::Int(id as i64))]);
        execute_read(graph, query, &params, Limits::default())
    };
    Ok(result.map_err(|e| anyhow::anyhow!("{e}"))?.rows.len())
}

/// The same rows walked on the engine: every friend `c` of every friend `b` of `a`, except `a`
/// itself (it would reuse the friendship `a`-`b`); with `not_friends`, only the `c` who are not
/// friends of `a`.
fn direct(graph: &Graph, id: u64, not_friends: bool) -> usize {
    let a = RiderId(id);
    let Some(rider) = graph.rider(a) else {
        return 0;
    };
    let mut rows = Vec::new();
    for b in rider.friends() {
        let Some(friend) = graph.rider(*b) else {
            continue;
        };
        for c in friend.friends() {
            if *c != a && !(not_friends && rider.friends().binary_search(c).is_ok()) {
                rows.push(*c);
            }
        }
    }
    std::hint::black_box(&rows);
    rows.len()
}

/// Times `f` once per id.
fn time(ids: &[u64], mut f: impl FnMut(u64) -> anyhow::Result<usize>) -> anyhow::Result<Times> {
    let mut times = Vec::with_capacity(ids.len());
    let mut rows = 0;
    for id in ids {
        let started = Instant::now();
        rows += f(*id)?;
        times.push(started.elapsed());
    }
    times.sort_unstable();
    Ok(Times { times, rows })
}

struct Times {
    /// Ascending.
    times: Vec<Duration>,
    rows: usize,
}

impl Times {
    /// The `q`-quantile (nearest rank).
    fn at(&self, q: f64) -> Duration {
        let rank = (q * self.times.len() as f64).ceil() as usize;
        self.times
            .get(rank.saturating_sub(1).min(self.times.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    }

    fn line(&self) -> String {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        format!(
            "{:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>10.1}",
            us(self.at(0.5)),
            us(self.at(0.99)),
            us(self.at(0.999)),
            us(self.at(1.0)),
            self.rows as f64 / self.times.len().max(1) as f64
        )
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
