//! The engine: the in-memory graph behind a lock, and the single writer that owns the store.
//!
//! Every write is a [`Command`] sent to the writer thread through one queue. The writer takes all
//! queued commands (up to `max_batch`), plans each against the committed graph, commits the
//! changes of the whole batch to the store in one transaction (one fsync: group commit), applies
//! them to the graph under a short write lock, and only then answers each request. So an
//! acknowledged write is durable, a refused or failed one changed nothing, and readers never see
//! an uncommitted change. Exclusive work (a Cypher write query) runs between batches, on the same
//! thread, against the committed graph; its changes are committed and applied the same way.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use pillion_graph::{Graph, Key, Planner};
use pillion_model::{Change, Command, Outcome};
use pillion_store::{LoadInfo, Store, StoreError};
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

/// Work that needs the writer to itself (a Cypher write): it reads the committed graph, with
/// nothing changing under it, and returns the changes to commit — in one transaction, then
/// applied under one write lock — and its answer (a JSON body). On `Err` nothing is written.
pub type ExclusiveWork =
    Box<dyn FnOnce(&Graph, &mut Planner) -> Result<(Vec<Change>, Vec<u8>), ApiError> + Send>;

struct Exclusive {
    work: ExclusiveWork,
    reply: oneshot::Sender<Result<Vec<u8>, ApiError>>,
    enqueued: Instant,
}

enum Msg {
    Job(Job),
    Exclusive(Exclusive),
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

    /// Runs `work` on the writer between two batches, commits its changes and applies them.
    pub async fn write_exclusive(&self, work: ExclusiveWork) -> Result<Vec<u8>, ApiError> {
        let unavailable = || ApiError::unavailable("the server is not accepting writes");
        if !self.is_ready() {
            return Err(unavailable());
        }
        let (reply, rx) = oneshot::channel();
        self.queued.fetch_add(1, Ordering::Relaxed);
        let job = Exclusive {
            work,
            reply,
            enqueued: Instant::now(),
        };
        if self.queue.send(Msg::Exclusive(job)).is_err() {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(unavailable());
        }
        rx.await.unwrap_or_else(|_| Err(unavailable()))
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
        let info = replay(&mut *self.store, &mut graph).map_err(|e| e.to_string())?;
        graph.reserve_rel_ids(info.next_rel_id);
        let stats = graph.stats();
        let floor = graph.newest_timestamp();
        *self.engine.graph.write() = graph;
        tracing::info!(
            riders = stats.riders,
            posts = stats.posts,
            friendships = stats.friendships,
            likes = stats.likes,
            comments = stats.comments,
            graph_only_nodes = stats.graph_only_nodes,
            graph_only_rels = stats.graph_only_rels,
            extra_prop_bytes = stats.extra_prop_bytes,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "graph rebuilt from the store"
        );
        Ok(Planner::with_floor(info.next_id, floor))
    }

    fn serve(&mut self, mut planner: Planner) {
        loop {
            let mut msgs = Vec::new();
            let mut stop = false;
            match self.rx.recv() {
                Ok(Msg::Stop) | Err(_) => stop = true,
                Ok(msg) => msgs.push(msg),
            }
            let mut commands: usize = msgs.iter().map(weight).sum();
            while !stop && commands < self.max_batch {
                match self.rx.try_recv() {
                    Ok(Msg::Stop) => stop = true,
                    Ok(msg) => {
                        commands += weight(&msg);
                        msgs.push(msg);
                    }
                    Err(_) => break,
                }
            }
            self.handle(msgs, &mut planner);
            if stop {
                // Drain what was queued behind the stop message, so nothing accepted is lost.
                let rest: Vec<Msg> = self.rx.try_iter().collect();
                self.handle(rest, &mut planner);
                return;
            }
        }
    }

    /// Runs messages in order: consecutive commands as batches, exclusive work on its own.
    fn handle(&mut self, msgs: Vec<Msg>, planner: &mut Planner) {
        let mut jobs = Vec::new();
        for msg in msgs {
            self.engine
                .queued
                .fetch_sub(weight(&msg), Ordering::Relaxed);
            match msg {
                Msg::Job(job) => jobs.push(job),
                Msg::Exclusive(x) => {
                    if !jobs.is_empty() {
                        self.process(std::mem::take(&mut jobs), planner);
                    }
                    self.exclusive(x, planner);
                }
                Msg::Stop => {}
            }
        }
        if !jobs.is_empty() {
            self.process(jobs, planner);
        }
    }

    fn exclusive(&mut self, x: Exclusive, planner: &mut Planner) {
        let outcome = {
            let graph = self.engine.graph.read();
            // A bug in the work (the Cypher engine) must not take the only writer down with it.
            std::panic::catch_unwind(AssertUnwindSafe(|| (x.work)(&graph, planner)))
                .unwrap_or_else(|_| Err(ApiError::internal(&"exclusive work panicked")))
        };
        let answer = outcome.and_then(|(changes, answer)| {
            self.commit_and_apply(&changes, 1)
                .map(|()| answer)
                .map_err(|e| {
                    tracing::error!(error = %e, "commit failed; exclusive write refused");
                    commit_failed()
                })
        });
        m::record_write_lag(x.enqueued.elapsed());
        let _ = x.reply.send(answer);
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
        match self.commit_and_apply(&batch.changes, batch.members.len()) {
            Ok(()) => {
                for (j, c, outcome) in batch.members {
                    results[j][c] = Some(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, commands = batch.members.len(), "commit failed; batch refused");
                for (j, c, _) in batch.members {
                    results[j][c] = Some(Err(commit_failed()));
                }
            }
        }
    }

    /// Commits `changes` in one transaction, then applies them under one write lock. On a failed
    /// commit nothing is applied.
    fn commit_and_apply(
        &mut self,
        changes: &[Change],
        commands: usize,
    ) -> Result<(), pillion_store::StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let committed = self.store.commit(changes);
        m::record_commit(started.elapsed(), commands, changes.len());
        committed?;
        let waited = Instant::now();
        let mut graph = self.engine.graph.write();
        let applying = Instant::now();
        for change in changes {
            graph.apply(change);
        }
        drop(graph);
        let (lock, apply) = (applying - waited, applying.elapsed());
        m::record_apply(lock + apply);
        if lock + apply > SLOW_APPLY {
            tracing::warn!(
                lock_wait_ms = lock.as_millis() as u64,
                apply_ms = apply.as_millis() as u64,
                changes = changes.len(),
                "slow apply: readers waited for this batch"
            );
        }
        Ok(())
    }
}

/// Replays `store` into `graph`, reading and applying on two threads: the store reads rows and
/// parses their JSON while the graph applies the changes read before, so a load takes about the
/// longer of the two rather than their sum.
pub fn replay(store: &mut dyn Store, graph: &mut Graph) -> Result<LoadInfo, StoreError> {
    const CHUNK: usize = 4_096;
    let (tx, rx) = crossbeam_channel::bounded::<Vec<Change>>(16);
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("pillion-load".into())
            .spawn_scoped(scope, move || {
                let mut chunk = Vec::with_capacity(CHUNK);
                let info = store.load(&mut |change| {
                    chunk.push(change);
                    if chunk.len() == CHUNK {
                        // A closed channel means the applying side failed; it reports that.
                        let _ = tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
                    }
                });
                if !chunk.is_empty() {
                    let _ = tx.send(chunk);
                }
                info
            })?;
        for chunk in rx {
            for change in &chunk {
                graph.apply(change);
            }
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(StoreError::Corrupt("the load thread panicked".into())))
    })
}

/// How much of the queue a message is: its commands, or one for exclusive work.
fn weight(msg: &Msg) -> usize {
    match msg {
        Msg::Job(job) => job.commands.len(),
        Msg::Exclusive(_) => 1,
        Msg::Stop => 0,
    }
}

fn commit_failed() -> ApiError {
    ApiError::new(
        pillion_model::ErrorCode::Internal,
        "the write could not be stored; nothing was changed",
    )
}
