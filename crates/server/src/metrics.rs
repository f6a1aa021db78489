//! Prometheus metrics: request counts and latency per route, write-queue depth, write batches and
//! commit time, write-to-visible lag, graph sizes, and process memory.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::engine::Engine;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

const LATENCY_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Installs the process-wide recorder once (tests start several servers in one process).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// Middleware: counts and times every request by its route template, not its raw path.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    counter!("pillion_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status).increment(1);
    histogram!("pillion_http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    res
}

pub fn record_commit(elapsed: Duration, commands: usize, changes: usize) {
    histogram!("pillion_write_commit_duration_seconds").record(elapsed.as_secs_f64());
    histogram!("pillion_write_batch_commands").record(commands as f64);
    counter!("pillion_write_commands_total").increment(commands as u64);
    counter!("pillion_write_changes_total").increment(changes as u64);
}

/// How long a batch held the engine's write lock (readers wait meanwhile), lock wait included.
pub fn record_apply(elapsed: Duration) {
    histogram!("pillion_write_apply_duration_seconds").record(elapsed.as_secs_f64());
}

/// From a write's arrival in the queue to its being visible to every reader (feeds are assembled
/// on read, so this is also the fan-out lag).
pub fn record_write_lag(elapsed: Duration) {
    histogram!("pillion_write_visible_lag_seconds").record(elapsed.as_secs_f64());
}

/// Samples the gauges and renders the text exposition.
pub fn render(engine: &Engine) -> String {
    gauge!("pillion_write_queue_depth").set(engine.queue_depth() as f64);
    let stats = engine.read().stats();
    for (name, v) in [
        ("riders", stats.riders),
        ("friendships", stats.friendships),
        ("pending_requests", stats.pending_requests),
        ("interests", stats.interests),
        ("follows", stats.follows),
        ("posts", stats.posts),
        ("likes", stats.likes),
        ("comments", stats.comments),
        ("revoked_tokens", stats.revoked_tokens),
        ("heavy_riders", stats.heavy_riders),
        ("timeline_entries", stats.timeline_entries),
    ] {
        gauge!("pillion_graph_entries", "kind" => name).set(v as f64);
    }
    if let Some(rss) = resident_bytes() {
        gauge!("pillion_process_resident_memory_bytes").set(rss as f64);
    }
    handle().map(|h| h.render()).unwrap_or_default()
}

/// Resident set size from /proc (Linux); None elsewhere.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
