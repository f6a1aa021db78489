//! `pillion-tck`: runs the openCypher TCK against pillion-cypher on its in-memory graph.
//!
//! ```text
//! pillion-tck [--features DIR] [--filter SUBSTR] [--show-failures|-v] [--min-passed N]
//! ```
//! The last line of the output is always `tck: P passed, F failed, U unsupported of T scenarios`;
//! the exit code is 1 when fewer than `--min-passed` scenarios pass, 2 on bad arguments or an
//! unreadable feature file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use pillion_cypher::MemGraph;
use pillion_tck::report::{self, Record};
use pillion_tck::{driver, load_suite, Job};

const USAGE: &str = "usage: pillion-tck [--features DIR] [--filter SUBSTR] \
                     [--show-failures|-v] [--min-passed N]";

struct Args {
    features: PathBuf,
    filter: Option<String>,
    show_failures: bool,
    min_passed: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        features: pillion_tck::default_features_dir(),
        filter: None,
        show_failures: false,
        min_passed: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--features" => args.features = PathBuf::from(value("--features")?),
            "--filter" => args.filter = Some(value("--filter")?),
            "--show-failures" | "-v" => args.show_failures = true,
            "--min-passed" => {
                let n = value("--min-passed")?;
                args.min_passed = n
                    .trim()
                    .parse()
                    .map_err(|_| format!("--min-passed needs a number, not `{n}`"))?;
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("pillion-tck: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut jobs = match load_suite(&args.features) {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("pillion-tck: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(filter) = &args.filter {
        jobs.retain(|j| {
            j.file.contains(filter.as_str()) || j.scenario.name.contains(filter.as_str())
        });
    }
    let graphs_dir = args.features.join("../graphs");
    let records = run(jobs, graphs_dir);

    let mut out = std::io::stdout().lock();
    let counts = match report::write_report(&mut out, &records, args.show_failures) {
        Ok(counts) => counts,
        Err(e) => {
            eprintln!("pillion-tck: cannot write the report: {e}");
            return ExitCode::from(2);
        }
    };
    let _ = out.flush();
    if counts.passed < args.min_passed {
        eprintln!(
            "pillion-tck: {} passed, fewer than --min-passed {} (scripts/tck reads it from \
             tests/tck-passed)",
            counts.passed, args.min_passed
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Runs the jobs, with progress on stderr.
fn run(jobs: Vec<Job>, graphs_dir: PathBuf) -> Vec<Record> {
    let started = Instant::now();
    let total = jobs.len();
    let mut records: Vec<Record> = jobs
        .iter()
        .map(|j| Record {
            file: j.file.clone(),
            name: j.scenario.name.clone(),
            example: j.scenario.example.clone(),
            outcome: pillion_tck::run::Outcome::Unsupported("not run".into()),
        })
        .collect();
    driver::install_panic_hook();
    let scenarios = Arc::new(jobs.into_iter().map(|j| j.scenario).collect::<Vec<_>>());
    driver::run_all::<MemGraph>(
        scenarios,
        graphs_dir,
        driver::HANG_LIMIT,
        |index, outcome| {
            if let Some(record) = records.get_mut(index) {
                record.outcome = outcome;
            }
            if (index + 1) % 500 == 0 {
                eprintln!("tck: {}/{total} scenarios run", index + 1);
            }
        },
    );
    eprintln!(
        "tck: {total} scenarios in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    records
}
