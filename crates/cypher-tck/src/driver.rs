//! Runs many scenarios so that no single one can take the harness down: each runs under
//! `catch_unwind` (an engine panic fails that scenario), and on a worker thread watched from the
//! calling thread (an engine that ignores its deadline fails its scenario after
//! [`HANG_LIMIT`] and the run goes on with a fresh worker).

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use pillion_cypher::GraphWrite;

use crate::gherkin::Scenario;
use crate::run::{self, Outcome};

/// How long a scenario may run before the harness gives up on it. Well past the engine's own
/// deadline ([`run::SCENARIO_TIME`]), which it should have honoured.
pub const HANG_LIMIT: Duration = Duration::from_secs(30);

/// The name of worker threads (plus `-` and a number).
const WORKER_NAME: &str = "tck-worker";

thread_local! {
    /// The message and place of the last panic on this thread, set by the panic hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the panic hook with one that records a worker's panic instead of printing it (the
/// report shows it as the scenario's failure reason). Panics elsewhere print as usual.
pub fn install_panic_hook() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let on_worker = thread::current()
            .name()
            .is_some_and(|n| n.starts_with(WORKER_NAME));
        if on_worker {
            let text = info.to_string();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
        } else {
            default_hook(info);
        }
    }));
}

/// Runs one scenario, turning a panic into a failure.
pub fn run_caught<G: GraphWrite + Clone + Default>(
    scenario: &Scenario,
    graphs_dir: &std::path::Path,
) -> Outcome {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    match panic::catch_unwind(AssertUnwindSafe(|| {
        run::run_scenario::<G>(scenario, graphs_dir)
    })) {
        Ok(outcome) => outcome,
        Err(payload) => {
            let recorded = LAST_PANIC.with(|p| p.borrow_mut().take());
            let message = recorded.unwrap_or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".into())
            });
            Outcome::Failed(format!("engine panicked: {message}"))
        }
    }
}

/// Runs every scenario in order, calling `done(index, outcome)` as each finishes; a scenario
/// without an answer after `hang_limit` fails (use [`HANG_LIMIT`]).
pub fn run_all<G: GraphWrite + Clone + Default + 'static>(
    scenarios: Arc<Vec<Scenario>>,
    graphs_dir: PathBuf,
    hang_limit: Duration,
    mut done: impl FnMut(usize, Outcome),
) {
    // Bumped when a worker is abandoned; a worker stops once it sees a newer generation.
    let generation = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<(usize, usize, Outcome)>();
    let mut next = 0;
    while next < scenarios.len() {
        let my_generation = generation.load(Ordering::SeqCst);
        let spawned = spawn_worker::<G>(
            Arc::clone(&scenarios),
            graphs_dir.clone(),
            next,
            my_generation,
            Arc::clone(&generation),
            tx.clone(),
        );
        if let Err(e) = spawned {
            for index in next..scenarios.len() {
                done(
                    index,
                    Outcome::Failed(format!("harness: no worker thread: {e}")),
                );
            }
            return;
        }
        while next < scenarios.len() {
            match rx.recv_timeout(hang_limit) {
                Ok((gen, index, outcome)) if gen == my_generation && index == next => {
                    done(index, outcome);
                    next += 1;
                }
                // A late answer from an abandoned worker.
                Ok(_) => {}
                Err(_) => {
                    generation.fetch_add(1, Ordering::SeqCst);
                    done(
                        next,
                        Outcome::Failed(format!(
                            "no answer after {:.1}s: the engine does not stop at its deadline",
                            hang_limit.as_secs_f64()
                        )),
                    );
                    next += 1;
                    break;
                }
            }
        }
    }
}

fn spawn_worker<G: GraphWrite + Clone + Default + 'static>(
    scenarios: Arc<Vec<Scenario>>,
    graphs_dir: PathBuf,
    start: usize,
    my_generation: usize,
    generation: Arc<AtomicUsize>,
    tx: mpsc::Sender<(usize, usize, Outcome)>,
) -> std::io::Result<()> {
    // Deep recursion in the engine should fail a scenario, not overflow a small default stack.
    thread::Builder::new()
        .name(format!("{WORKER_NAME}-{my_generation}"))
        .stack_size(256 << 20)
        .spawn(move || {
            for (index, scenario) in scenarios.iter().enumerate().skip(start) {
                if generation.load(Ordering::SeqCst) != my_generation {
                    return;
                }
                let outcome = run_caught::<G>(scenario, &graphs_dir);
                if tx.send((my_generation, index, outcome)).is_err() {
                    return;
                }
            }
        })
        .map(drop)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::gherkin::parse_feature;
    use crate::test_graph::{StubGraph, HANG_ONCE};

    #[test]
    fn a_hung_scenario_fails_and_the_rest_still_run() {
        let text = "Feature: F\n  Scenario Outline: S <n>\n    Given an empty graph\n\n    \
                    Examples:\n      | n |\n      | 1 |\n      | 2 |\n      | 3 |\n";
        let scenarios = Arc::new(parse_feature(text).unwrap().expand());
        let mut outcomes = Vec::new();
        run_all::<StubGraph<HANG_ONCE>>(
            scenarios,
            PathBuf::new(),
            Duration::from_millis(300),
            |index, outcome| outcomes.push((index, outcome)),
        );
        assert_eq!(outcomes.len(), 3);
        assert!(matches!(&outcomes[0], (0, Outcome::Failed(r)) if r.contains("no answer")));
        assert_eq!(outcomes[1], (1, Outcome::Passed(None)));
        assert_eq!(outcomes[2], (2, Outcome::Passed(None)));
    }
}
