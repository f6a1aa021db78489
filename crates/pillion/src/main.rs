//! `pillion`: the one binary. Parses flags (each also a `PILLION_*` environment variable), sets up
//! logging, and hands over to the library crates.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use pillion_server::{Config, HashCost, Keys, Subject};

// A request allocates many small, short-lived buffers (JSON, headers, pages); mimalloc serves
// them markedly faster than glibc's malloc under two busy threads (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "pillion",
    version,
    about = "Social graph and activity-feed server"
)]
struct Cli {
    /// Log format.
    #[arg(long, global = true, env = "PILLION_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Serve(ServeArgs),
    /// Print a bearer token for a rider (by handle or id), or an operator token.
    Token(TokenArgs),
    /// Bulk-load an LDBC SNB CsvBasic folder into a new data directory.
    Import(ImportArgs),
    /// Write a synthetic social network (LDBC SNB CsvBasic layout) for tests and benchmarks.
    Gen(GenArgs),
    /// Run a Cypher query: read-only over a stopped data directory, or on a running server
    /// (--url), where it may also write.
    Cypher(CypherArgs),
}

#[derive(Args)]
struct CypherArgs {
    /// The query, e.g. 'MATCH (a:Rider)-[:IS_FRIEND]-(b) WHERE id(a) = $id RETURN b.handle'.
    query: String,
    /// Data directory: read directly when no --url is given (load it like a server start);
    /// with --url, only its signing key is read, to mint an operator token.
    #[arg(long, env = "PILLION_DATA", default_value = "./pillion-data")]
    data: PathBuf,
    /// Base URL of a running server (e.g. http://127.0.0.1:8080): POST /v1/cypher there.
    #[arg(long, env = "PILLION_URL")]
    url: Option<String>,
    /// An operator token for --url (default: minted from the data directory's signing key).
    #[arg(long, env = "PILLION_TOKEN", requires = "url")]
    token: Option<String>,
    /// A parameter, NAME=VALUE with VALUE in JSON (`--param id=123 --param name='"x"'`); a
    /// VALUE that is not JSON is taken as a string.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Print the response JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Time limit, in seconds (without --url; the server applies its own).
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    /// LDBC SNB CsvBasic: static/ and dynamic/ folders of `|`-separated files.
    Ldbc,
}

#[derive(Args)]
struct ImportArgs {
    /// Input format.
    #[arg(long, value_enum, default_value_t = ImportFormat::Ldbc)]
    format: ImportFormat,
    /// The folder to import (holding static/ and dynamic/).
    dir: PathBuf,
    /// Data directory to create; it must not exist or be empty.
    #[arg(long, env = "PILLION_DATA", default_value = "./pillion-data")]
    data: PathBuf,
    /// No progress bar (for logs and scripts).
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct GenArgs {
    /// Size: 1 is 20,000 riders, 80,000 friendships, 80,000 posts, 140,000 likes and 40,000
    /// comments; N multiplies every count by N.
    #[arg(long, default_value_t = 1)]
    scale: u32,
    /// Folder to write (must not exist or be empty).
    #[arg(long)]
    out: PathBuf,
    /// Random seed: the same scale and seed give byte-identical files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// Data directory (created if missing).
    #[arg(long, env = "PILLION_DATA", default_value = "./pillion-data")]
    data: PathBuf,
    /// Address to listen on; port 0 picks a free port (the log says which).
    #[arg(long, env = "PILLION_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Requests per second allowed per token (429 beyond).
    #[arg(long, env = "PILLION_RATE_LIMIT", default_value_t = 1_000)]
    rate_limit: u32,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, env = "PILLION_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    token_ttl: u64,
    /// Seconds in-flight requests may take to finish after SIGTERM/SIGINT.
    #[arg(long, env = "PILLION_SHUTDOWN_TIMEOUT", default_value_t = 10.0)]
    shutdown_timeout: f64,
    /// Seconds to keep serving with /health/ready = 503 after SIGTERM before closing.
    #[arg(long, env = "PILLION_DRAIN_DELAY", default_value_t = 0.0)]
    drain_delay: f64,
    /// Most write commands committed in one transaction.
    #[arg(long, env = "PILLION_MAX_BATCH", default_value_t = 1_024)]
    max_batch: usize,
    /// Friends at which a rider's feed switches from merge-on-read to a materialised timeline.
    #[arg(long, env = "PILLION_HEAVY_THRESHOLD", default_value_t = 256)]
    heavy_threshold: usize,
    /// Time limit of a Cypher query (POST /v1/cypher), in seconds.
    #[arg(long, env = "PILLION_CYPHER_TIMEOUT", default_value_t = 5.0)]
    cypher_timeout: f64,
    /// Cheap password hashing, for test suites and benchmarks only. Never in production.
    #[arg(long, env = "PILLION_INSECURE_FAST_HASHING", hide = true)]
    insecure_fast_hashing: bool,
}

#[derive(Args)]
struct TokenArgs {
    /// Data directory of the server (its signing key is read, never created).
    #[arg(long, env = "PILLION_DATA", default_value = "./pillion-data")]
    data: PathBuf,
    /// An operator token instead of a rider's.
    #[arg(long, conflicts_with_all = ["rider", "sample"])]
    admin: bool,
    /// Tokens for N riders picked at random (with --seed), one `id token` line each: for
    /// benchmarks and load tests.
    #[arg(long, value_name = "N", conflicts_with = "rider")]
    sample: Option<usize>,
    /// Seed for --sample.
    #[arg(long, default_value_t = 1, requires = "sample")]
    seed: u64,
    /// The rider's handle or numeric id.
    #[arg(required_unless_present_any = ["admin", "sample"])]
    rider: Option<String>,
    /// Lifetime in seconds.
    #[arg(long, env = "PILLION_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    ttl: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let result = match cli.command {
        Cmd::Serve(args) => serve(args),
        Cmd::Token(args) => token(args),
        Cmd::Import(args) => import(args),
        Cmd::Gen(args) => generate(args),
        Cmd::Cypher(args) => cypher(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pillion: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PILLION_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn seconds(name: &str, v: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| anyhow::anyhow!("--{name} must be a number of seconds >= 0"))
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = Config::new(args.data);
    config.rate_limit = args.rate_limit;
    config.token_ttl_secs = args.token_ttl;
    config.shutdown_timeout = seconds("shutdown-timeout", args.shutdown_timeout)?;
    config.drain_delay = seconds("drain-delay", args.drain_delay)?;
    config.max_batch = args.max_batch;
    config.heavy_threshold = args.heavy_threshold;
    config.cypher_timeout = seconds("cypher-timeout", args.cypher_timeout)?;
    if args.insecure_fast_hashing {
        tracing::warn!("insecure fast password hashing is on: for tests and benchmarks only");
        config.hash_cost = HashCost::InsecureFast;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
        pillion_server::run(config, listener, shutdown_signal()).await
    })
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). As PID 1 in a container nothing else would stop us.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!(signal = "SIGTERM", "signal received"),
                    _ = int.recv() => tracing::info!(signal = "SIGINT", "signal received"),
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn token(args: TokenArgs) -> anyhow::Result<()> {
    let keys = Keys::load(&args.data).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the signing key in {} ({e}); has a server run there?",
            args.data.display()
        )
    })?;
    if let Some(n) = args.sample {
        return sample_tokens(&args, &keys, n);
    }
    let subject = match args.rider {
        None => Subject::Operator,
        Some(r) => Subject::Rider(pillion_server::find_rider(&args.data, &r)?),
    };
    println!("{}", keys.issue(subject, args.ttl));
    Ok(())
}

fn sample_tokens(args: &TokenArgs, keys: &Keys, n: usize) -> anyhow::Result<()> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    use std::io::Write;

    let ids = pillion_server::open_store(&args.data)?.rider_ids()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for id in ids.choose_multiple(&mut rng, n) {
        writeln!(out, "{id} {}", keys.issue(Subject::Rider(*id), args.ttl))?;
    }
    out.flush()?;
    Ok(())
}

/// A byte-counting progress bar on stderr, hidden when asked or when stderr is not a terminal.
fn progress_bar(quiet: bool, unit: &str) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    let template = format!(
        "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{{unit}}}/{{total_{unit}}} ({{eta}}) {{msg}}"
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let ImportFormat::Ldbc = args.format;
    let bar = progress_bar(args.quiet, "bytes");
    let (stats, took) = pillion_ldbc::import::import(&args.dir, &args.data, &mut |p| {
        bar.set_length(p.total);
        bar.set_position(p.done);
        bar.set_message(p.file.to_owned());
    })?;
    bar.finish_and_clear();
    // The signing key belongs to the data directory; make it now so `pillion token` works
    // before the first start.
    Keys::load_or_create(&args.data).context("cannot create the signing key")?;
    let secs = took.as_secs_f64().max(1e-9);
    eprintln!(
        "imported {} into {} in {secs:.2} s: {} riders, {} friendships, {} interests, {} follows, \
         {} posts, {} likes, {} comments, {} other nodes, {} other relationships; \
         {:.0} relationships/s, {:.0} nodes/s",
        args.dir.display(),
        args.data.display(),
        stats.riders,
        stats.friendships,
        stats.interests,
        stats.follows,
        stats.posts,
        stats.likes,
        stats.comments,
        stats.other_nodes,
        stats.other_rels,
        stats.relationship_rows as f64 / secs,
        stats.node_rows as f64 / secs,
    );
    Ok(())
}

fn generate(args: GenArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let bar = progress_bar(args.quiet, "pos");
    let opts = pillion_ldbc::gen::GenOptions {
        scale: args.scale,
        seed: args.seed,
    };
    let stats = pillion_ldbc::gen::generate(&opts, &args.out, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    eprintln!(
        "wrote {} in {:.2} s: {} persons, {} knows, {} posts, {} likes, {} comments, {} tags, \
         {} places, {} interests followed, {} post tags",
        args.out.display(),
        started.elapsed().as_secs_f64(),
        stats.persons,
        stats.knows,
        stats.posts,
        stats.likes,
        stats.comments,
        stats.tags,
        stats.places,
        stats.has_interest,
        stats.post_tags,
    );
    Ok(())
}

fn cypher(args: CypherArgs) -> anyhow::Result<()> {
    let mut params = serde_json::Map::new();
    for p in &args.params {
        let (name, value) = p
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--param {p}: expected NAME=VALUE"))?;
        let value = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        params.insert(name.to_owned(), value);
    }
    let answer = match &args.url {
        None => pillion_server::cypher_offline(
            &args.data,
            &args.query,
            params,
            seconds("timeout", args.timeout)?,
        )?,
        Some(url) => cypher_remote(&args, url, params)?,
    };
    let body = answer.map_err(|message| anyhow::anyhow!("{message}"))?;
    if args.json {
        println!("{body}");
    } else {
        print!("{}", table(&body));
    }
    Ok(())
}

/// POSTs the query to a running server; the error message of a refused query is its answer.
fn cypher_remote(
    args: &CypherArgs,
    url: &str,
    params: serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<Result<serde_json::Value, String>> {
    let token = match &args.token {
        Some(t) => t.clone(),
        None => Keys::load(&args.data)
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot read the signing key in {} ({e}); give --token or --data",
                    args.data.display()
                )
            })?
            .issue(Subject::Operator, 300),
    };
    let endpoint = format!("{}/v1/cypher", url.trim_end_matches('/'));
    let response = reqwest::blocking::Client::new()
        .post(&endpoint)
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": args.query, "params": params }))
        .send()
        .with_context(|| format!("cannot reach {endpoint}"))?;
    let ok = response.status().is_success();
    let body: serde_json::Value = response
        .json()
        .with_context(|| format!("{endpoint} did not answer JSON"))?;
    if ok {
        return Ok(Ok(body));
    }
    let code = body["error"]["code"].as_str().unwrap_or("error");
    let message = body["error"]["message"].as_str().unwrap_or("");
    Ok(Err(format!("{code}: {message}")))
}

/// The answer as an aligned text table, with a row count.
fn table(body: &serde_json::Value) -> String {
    let columns: Vec<String> = body["columns"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|x| x.as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = body["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    r.as_array()
                        .map(|cells| cells.iter().map(|c| c.to_string()).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(&columns);
    out.push_str(&format!(
        "|{}|\n",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    ));
    for row in &rows {
        out.push_str(&line(row));
    }
    out.push_str(&format!(
        "({} row{})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out
}
