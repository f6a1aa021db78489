//! In-process latency of the two contract Cypher queries (friends of friends, and friends of
//! friends who are not friends) on the real social graph, against the same answer walked
//! directly on the engine.
//!
//! Generates the scale-1 network (`pillion gen --scale 1`), imports it into a temporary data
//! directory, loads the store into a [`Graph`] the way the server does on start, then for 2,000
//! random riders times every call of `pillion_cypher::execute_read` (parse, check, plan and run:
//! what `POST /v1/cypher` costs without HTTP and JSON): the queries with `$id`, and once more
//! with the id written into the query as the contract writes it. The process allocates with
//! mimalloc, as the `pillion` binary does. The direct walk over
//! `Graph::rider(..).friends()` gives the same rows (checked), so the Cypher overhead is a ratio.
//! A fourth way, `count(*)`, runs the same match ending in `RETURN count(*)`: the matching
//! without a result row per path. The ways take turns on each rider, so that a noisy neighbour
//! slows them alike and the ratios stay readable even when the absolute times do not.
//!
//! Run: `cargo bench -p pillion --bench cypher_fof` (about a minute, most of it generating and
//! importing). `CYPHER_FOF_DATA=dir` reuses (or first fills) a data directory;
//! `CYPHER_FOF_RIDERS=n` times n riders; `CYPHER_FOF_ONLY=fof_not_friend` runs one query (for a
//! profiler); `CYPHER_FOF_PASSES=3` times every call three times and keeps each rider's fastest
//! (on a busy machine, to see past preemption). Results: `crates/cypher/benches/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use pillion_cypher::{execute_read, GraphRead, Limits, Params, Value};
use pillion_graph::Graph;
use pillion_model::RiderId;
use pillion_store::{SqliteStore, Store, DB_FILE};
use rand::seq::SliceRandom;
use rand::SeedableRng;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    eprintln!(
        "loaded the graph in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut ids: Vec<u64> = (1..=20_000)
        .filter(|i| graph.rider(RiderId(*i)).is_some())
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    ids.shuffle(&mut rng);
    ids.truncate(riders);
    anyhow::ensure!(!ids.is_empty(), "no riders in the graph");

    println!(
        "{} riders; times per call in µs, rows per call\n\n{:<16} {:<9} {:>8} {:>8} {:>8} {:>8} \
         {:>10} {:>8} {:>8} {:>8}",
        ids.len(),
        "query",
        "how",
        "p50",
        "p99",
        "p99.9",
        "max",
        "rows mean",
        "p50",
        "p99",
        "max"
    );
    let only = std::env::var("CYPHER_FOF_ONLY").ok();
    let passes: usize = std::env::var("CYPHER_FOF_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for (name, query, not_friends) in [
        ("fof", FOF, false),
        ("fof_not_friend", FOF_NOT_FRIEND, true),
    ] {
        if only.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        // Warm caches and the allocator; checks the answers agree while at it.
        for id in ids.iter().take(200) {
            let rows = cypher(&graph, query, *id, false)?;
            anyhow::ensure!(
                rows == direct(&graph, *id, not_friends),
                "{name} for rider {id}: Cypher and the direct walk disagree"
            );
        }
        // The ways take turns on each rider, so that whatever else the machine is doing
        // falls on all three alike.
        let counting = query.replace("RETURN c", "RETURN count(*) AS n");
        let [param, literal, count, walk] = time(&ids, passes, |how, id| match how {
            0 => cypher(&graph, query, id, false),
            1 => cypher(&graph, query, id, true),
            2 => cypher_count(&graph, &counting, id),
            _ => Ok(direct(&graph, id, not_friends)),
        })?;
        anyhow::ensure!(
            count.rows == walk.rows,
            "{name}: count(*) and the walk disagree"
        );
        for (how, t) in [
            ("$id", &param),
            ("literal", &literal),
            ("count(*)", &count),
            ("direct", &walk),
        ] {
            println!("{name:<16} {how:<9} {}", t.line());
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
fn cypher(graph: &dyn GraphRead, query: &str, id: u64, literal: bool) -> anyhow::Result<usize> {
    let result = if literal {
        let query = query.replace("$id", &id.to_string());
        execute_read(graph, &query, &Params::new(), Limits::default())
    } else {
        let params = Params::from([("id".to_string(), Value::Int(id as i64))]);
        execute_read(graph, query, &params, Limits::default())
    };
    Ok(result.map_err(|e| anyhow::anyhow!("{e}"))?.rows.len())
}

/// Runs a contract query that ends in `RETURN count(*) AS n` for rider `id`: the same match,
/// without building a result row per path. Returns `n`.
fn cypher_count(graph: &dyn GraphRead, query: &str, id: u64) -> anyhow::Result<usize> {
    let params = Params::from([("id".to_string(), Value::Int(id as i64))]);
    let result = execute_read(graph, query, &params, Limits::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match result.rows.first().and_then(|row| row.first()) {
        Some(Value::Int(n)) => Ok(usize::try_from(*n)?),
        other => anyhow::bail!("count(*) answered {other:?}"),
    }
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

/// Times the `N` ways `f(how, id)` of answering for each id, `passes` times over, in turns
/// (way 0, 1, ... for one id, then the next id); keeps each id's fastest call per way.
fn time<const N: usize>(
    ids: &[u64],
    passes: usize,
    mut f: impl FnMut(usize, u64) -> anyhow::Result<usize>,
) -> anyhow::Result<[Times; N]> {
    let mut times = vec![[Duration::MAX; N]; ids.len()];
    let mut rows = vec![[0; N]; ids.len()];
    for _ in 0..passes.max(1) {
        for (k, id) in ids.iter().enumerate() {
            for how in 0..N {
                let started = Instant::now();
                rows[k][how] = f(how, *id)?;
                times[k][how] = times[k][how].min(started.elapsed());
            }
        }
    }
    Ok(std::array::from_fn(|how| {
        let mut t: Vec<Duration> = times.iter().map(|x| x[how]).collect();
        let mut r: Vec<usize> = rows.iter().map(|x| x[how]).collect();
        t.sort_unstable();
        r.sort_unstable();
        Times { times: t, rows: r }
    }))
}

struct Times {
    /// Ascending.
    times: Vec<Duration>,
    /// Rows per call, ascending.
    rows: Vec<usize>,
}

impl Times {
    /// The `q`-quantile (nearest rank).
    fn at(&self, q: f64) -> Duration {
        let rank = (q * self.times.len() as f64).ceil() as usize;
        self.times
            .get(
                rank.saturating_sub(1)
                    .min(self.times.len().saturating_sub(1)),
            )
            .copied()
            .unwrap_or_default()
    }

    fn line(&self) -> String {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let rows = |q: f64| {
            let rank = (q * self.rows.len() as f64).ceil() as usize;
            self.rows.get(rank.saturating_sub(1)).copied().unwrap_or(0)
        };
        format!(
            "{:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>10.1} {:>8} {:>8} {:>8}",
            us(self.at(0.5)),
            us(self.at(0.99)),
            us(self.at(0.999)),
            us(self.at(1.0)),
            self.rows.iter().sum::<usize>() as f64 / self.rows.len().max(1) as f64,
            rows(0.5),
            rows(0.99),
            rows(1.0),
        )
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
