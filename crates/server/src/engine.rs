//! The engine: the in-memory graph behind a lock, and the single writer that owns the store.
//!
//! Every write is a [`Command`] sent to the writer thread through one queue. The writer takes all
//! queued commands (up to `max_batch`), plans each against the committed graph, commits the
//! changes of the whole batch to the store in one transaction (one fsync: group commit), applies
//! them to the graph under a short write lock, and only then answers each request. So an
//! acknowledged write is durable, a refused or failed one changed nothing, and readers never see
//! an uncommitted change.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use pillion_graph::{Graph, Key, Planner};
use pillion_model::{Change, Command, Outcome};
use pillion_store::Store;
use rustc_hash::FxHashSet;
use tokio::sync::{oneshot, watch};

use crate::error::ApiError;
use crate::metrics as m;

/// One command's answer from the writer.
pub type WriteResult = Result<Outcome, ApiError>;

/// Applying a batch longer than this (lock wait included) is logged: every reader waits for it.
const SLOW_APPLY: std::time::Duration = std::time::Duration::from_millis(20);

struct Job {
    commands: Vec<Command>,
    reply: oneshot::Sender<Vec<WriteResult>>,
    enqueued: Instant,
}

enum Msg {
    Job(Job),
    Stop,
}

/// Where start-up stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadState {
    Loading,
    Ready,
    Failed(String),
}

pub struct Engine {
    graph: RwLock<Graph>,
    queue: Sender<Msg>,
    queued: AtomicUsize,
    ready: AtomicBool,
    load_state: watch::Receiver<LoadState>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Engine {
    /// Starts the writer thread, which first rebuilds the graph from `store`.
    pub fn start(
        store: Box<dyn Store>,
        max_batch: usize,
        heavy_threshold: usize,
    ) -> std::io::Result<Arc<Engine>> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (state_tx, state_rx) = watch::channel(LoadState::Loading);
        let engine = Arc::new(Engine {
            graph: RwLock::new(Graph::with_heavy_threshold(heavy_threshold)),
            queue: tx,
            queued: AtomicUsize::new(0),
            ready: AtomicBool::new(false),
            load_state: state_rx,
            writer: Mutex::new(None),
        });
        let writer = Writer {
            engine: Arc::clone(&engine),
            store,
            rx,
            max_batch: max_batch.max(1),
        };
        let handle = std::thread::Builder::new()
            .name("pillion-writer".into())
            .spawn(move || writer.run(state_tx))?;
        *engine.writer.lock() = Some(handle);
        Ok(engine)
    }

    /// Waits until the graph is rebuilt (or failed to be).
    pub async fn wait_loaded(&self) -> LoadState {
        let mut rx = self.load_state.clone();
        let state = rx
            .wait_for(|s| *s != LoadState::Loading)
            .await
            .map(|s| s.clone());
        state.unwrap_or_else(|_| LoadState::Failed("writer thread ended during start-up".into()))
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The committed graph, for reads. Hold the guard briefly and never across an `.await`.
    pub fn read(&self) -> RwLockReadGuard<'_, Graph> {
        self.graph.read()
    }

    pub fn queue_depth(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Runs one command through the writer.
    pub async fn write(&self, command: Command) -> WriteResult {
        self.write_all(vec![command])
            .await
            .pop()
            .unwrap_or_else(|| Err(ApiError::internal(&"writer returned no result")))
    }

    /// Runs commands through the writer in order; each succeeds or fails on its own.
    pub async fn write_all(&self, commands: Vec<Command>) -> Vec<WriteResult> {
        let n = commands.len();
        let unavailable = || {
            (0..n)
                .map(|_| Err(ApiError::unavailable("the server is not accepting writes")))
                .collect()
        };
        if !self.is_ready() {
            return unavailable();
        }
        let (reply, rx) = oneshot::channel();
        self.queued.fetch_add(n, Ordering::Relaxed);
        let job = Job {
            commands,
            reply,
            enqueued: Instant::now(),
        };
        if self.queue.send(Msg::Job(job)).is_err() {
            self.queued.fetch_sub(n, Ordering::Relaxed);
            return unavailable();
        }
        rx.await.unwrap_or_else(|_| unavailable())
    }

    /// Lets the writer finish every queued command, then stops it and waits for it.
    pub fn shutdown(&self) {
        let _ = self.queue.send(Msg::Stop);
        if let Some(handle) = self.writer.lock().take() {
            if handle.join().is_err() {
                tracing::error!("writer thread panicked");
            }
        }
    }
}

struct Writer {
    engine: Arc<Engine>,
    store: Box<dyn Store>,
    rx: Receiver<Msg>,
    max_batch: usize,
}

/// The commands planned since the last commit.
#[derive(Default)]
struct Batch {
    changes: Vec<Change>,
    writes: FxHashSet<Key>,
    /// (job, command, outcome) of every planned command awaiting the commit.
    members: Vec<(usize, usize, Outcome)>,
}

impl Writer {
    fn run(mut self, state: watch::Sender<LoadState>) {
        let planner = match self.load() {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "could not load the store");
                let _ = state.send(LoadState::Failed(e));
                return;
            }
        };
        self.engine.ready.store(true, Ordering::Release);
        let _ = state.send(LoadState::Ready);
        self.serve(planner);
        tracing::info!("writer stopped");
    }

    fn load(&mut self) -> Result<Planner, String> {
        let started = Instant::now();
        let mut graph = Graph::with_heavy_threshold(self.engine.graph.read().heavy_threshold());
        let info = self
            .store
            .load(&mut |change| graph.apply(&change))
            .map_err(|e| e.to_string())?;
        let stats = graph.stats();
        let floor = graph.newest_timestamp();
        *self.engine.graph.write() = graph;
        tracing::info!(
            riders = stats.riders,
            posts = stats.posts,
            friendships = stats.friendships,
            likes = stats.likes,
            comments = stats.comments,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "graph rebuilt from the store"
        );
        Ok(Planner::with_floor(info.next_id, floor))
    }

    fn serve(&mut self, mut planner: Planner) {
        loop {
            let mut jobs = Vec::new();
            let mut stop = false;
            match self.rx.recv() {
                Ok(Msg::Job(job)) => jobs.push(job),
                Ok(Msg::Stop) | Err(_) => stop = true,
            }
            let mut commands: usize = jobs.iter().map(|j| j.commands.len()).sum();
            while !stop && commands < self.max_batch {
                match self.rx.try_recv() {
                    Ok(Msg::Job(job)) => {
                        commands += job.commands.len();
                        jobs.push(job);
                    }
                    Ok(Msg::Stop) => stop = true,
                    Err(_) => break,
                }
            }
            if !jobs.is_empty() {
                self.engine.queued.fetch_sub(commands, Ordering::Relaxed);
                self.process(jobs, &mut planner);
            }
            if stop {
                // Drain what was queued behind the stop message, so nothing accepted is lost.
                let rest: Vec<Job> = self
                    .rx
                    .try_iter()
                    .filter_map(|m| match m {
                        Msg::Job(j) => Some(j),
                        Msg::Stop => None,
                    })
                    .collect();
                if !rest.is_empty() {
                    self.process(rest, &mut planner);
                }
                return;
            }
        }
    }

    fn process(&mut self, jobs: Vec<Job>, planner: &mut Planner) {
        let mut results: Vec<Vec<Option<WriteResult>>> =
            jobs.iter().map(|j| vec![None; j.commands.len()]).collect();
        let mut batch = Batch::default();
        for (j, job) in jobs.iter().enumerate() {
            for (c, command) in job.commands.iter().enumerate() {
                let (touched, writes) = self.engine.graph.read().keys(command);
                if touched.iter().any(|k| batch.writes.contains(k)) {
                    // This command must see the effect of an earlier one in the batch.
                    self.flush(&mut batch, &mut results);
                }
                let planned = self.engine.graph.read().plan(command, planner);
                match planned {
                    Ok(plan) => {
                        batch.changes.extend(plan.changes);
                        batch.writes.extend(writes);
                        batch.members.push((j, c, plan.outcome));
                    }
                    Err(e) => results[j][c] = Some(Err(e.into())),
                }
            }
        }
        self.flush(&mut batch, &mut results);
        for (job, answers) in jobs.into_iter().zip(results) {
            m::record_write_lag(job.enqueued.elapsed());
            let answers = answers
                .into_iter()
                .map(|a| a.unwrap_or_else(|| Err(ApiError::internal(&"command left unanswered"))))
                .collect();
            // The client may have gone away; the write stands either way.
            let _ = job.reply.send(answers);
        }
    }

    /// Commits the batch (one transaction, one fsync), applies it, and records the outcomes.
    fn flush(&mut self, batch: &mut Batch, results: &mut [Vec<Option<WriteResult>>]) {
        let batch = std::mem::take(batch);
        if batch.members.is_empty() {
            return;
        }
        let outcome = if batch.changes.is_empty() {
            Ok(())
        } else {
            let started = Instant::now();
            let committed = self.store.commit(&batch.changes);
            m::record_commit(started.elapsed(), batch.members.len(), batch.changes.len());
            committed
        };
        match outcome {
            Ok(()) => {
                if !batch.changes.is_empty() {
                    let waited = Instant::now();
                    let mut graph = self.engine.graph.write();
                    let applying = Instant::now();
                    for change in &batch.changes {
                        graph.apply(change);
                    }
                    drop(graph);
                    let (lock, apply) = (applying - waited, applying.elapsed());
                    m::record_apply(lock + apply);
                    if lock + apply > SLOW_APPLY {
                        tracing::warn!(
                            lock_wait_ms = lock.as_millis() as u64,
                            apply_ms = apply.as_millis() as u64,
                            changes = batch.changes.len(),
                            "slow apply: readers waited for this batch"
                        );
                    }
                }
                for (j, c, outcome) in batch.members {
                    results[j][c] = Some(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, commands = batch.members.len(), "commit failed; batch refused");
                for (j, c, _) in batch.members {
                    results[j][c] = Some(Err(ApiError::new(
                        pillion_model::ErrorCode::Internal,
                        "the write could not be stored; nothing was changed",
                    )));
                }
            }
        }
    }
}
