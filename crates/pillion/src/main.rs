//! `pillion`: the one binary. Parses flags (each also a `PILLION_*` environment variable), sets up
//! logging, and hands over to the library crates.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
    #[arg(long, conflicts_with = "rider")]
    admin: bool,
    /// The rider's handle or numeric id.
    #[arg(required_unless_present = "admin")]
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
    let subject = match args.rider {
        None => Subject::Operator,
        Some(r) => Subject::Rider(pillion_server::find_rider(&args.data, &r)?),
    };
    println!("{}", keys.issue(subject, args.ttl));
    Ok(())
}
