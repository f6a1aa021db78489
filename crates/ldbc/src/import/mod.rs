//! Bulk-loading a CsvBasic folder into a new data directory, as `../shared/API.md` ("Import
//! format: LDBC SNB") maps it: persons become riders, knows friendships, posts and comments keep
//! their ids, tags become interests; every other entity and relation becomes a graph-only node or
//! relationship, and every column is kept as a property.
//!
//! All or nothing: the store is built in a hidden sibling directory and renamed into place only
//! when every row has been read and checked; any error removes it. The first bad row stops the
//! import with `file:line: reason`. Rows go straight to the store in large transactions, never
//! through the HTTP API or the engine.

mod content;
mod csv;
mod files;
mod props;
mod social;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pillion_model::Change;
use pillion_store::{SqliteStore, Store, StoreError, DB_FILE};

use files::Folder;

/// Changes per store transaction: large enough that the per-commit cost vanishes.
const BATCH: usize = 50_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A bad row (or header): where, and why.
    #[error("{file}:{line}: {reason}")]
    Row {
        file: String,
        line: u64,
        reason: String,
    },
    /// The import cannot start (not a CsvBasic folder, data directory not empty, ...).
    #[error("{0}")]
    Refused(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl ImportError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub riders: u64,
    pub friendships: u64,
    pub interests: u64,
    pub follows: u64,
    pub posts: u64,
    pub likes: u64,
    pub comments: u64,
    /// Nodes outside the social model (places, organisations, forums, ...).
    pub other_nodes: u64,
    /// Relationships outside the social model (`IS_LOCATED_IN`, `REPLY_OF`, `HAS_MEMBER`, ...).
    pub other_rels: u64,
    /// Every row of every relation file read.
    pub relationship_rows: u64,
    /// Every row of every entity file read.
    pub node_rows: u64,
}

/// How far an import has come, in bytes of input read (the pre-scan of ids included).
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub done: u64,
    pub total: u64,
    /// The file being read.
    pub file: &'a str,
}

/// Imports the CsvBasic folder `dir` into the data directory `data`, which must not exist or
/// be empty. On error nothing is left behind.
pub fn import(
    dir: &Path,
    data: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<(ImportStats, Duration), ImportError> {
    let started = Instant::now();
    check_target(data)?;
    let folder = Folder::scan(dir)?;
    let staging = Staging::create(data)?;
    let store = SqliteStore::create_bulk(&staging.dir.join(DB_FILE))?;
    let mut importer = social::Importer::new(folder, store, progress);
    importer.run()?;
    let (stats, store) = importer.finish()?;
    store.finish_bulk()?;
    staging.publish(data)?;
    Ok((stats, started.elapsed()))
}

/// An import only fills a new data directory: merging into live data would need the engine's
/// rules, which an import deliberately skips.
fn check_target(data: &Path) -> Result<(), ImportError> {
    if !data.exists() {
        return Ok(());
    }
    if !data.is_dir() {
        return Err(ImportError::Refused(format!(
            "{} exists and is not a directory",
            data.display()
        )));
    }
    let mut entries = std::fs::read_dir(data).map_err(|e| ImportError::io(data, e))?;
    if entries.next().is_some() {
        return Err(ImportError::Refused(format!(
            "{} is not empty; an import only fills a new data directory",
            data.display()
        )));
    }
    Ok(())
}

/// The hidden directory an import fills; removed on drop unless published.
struct Staging {
    dir: PathBuf,
    published: bool,
}

impl Staging {
    fn create(data: &Path) -> Result<Staging, ImportError> {
        let name = data
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "pillion-data".to_owned());
        let parent = match data.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| ImportError::io(&parent, e))?;
        let dir = parent.join(format!(".{name}.import-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| ImportError::io(&dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| ImportError::io(&dir, e))?;
        Ok(Staging {
            dir,
            published: false,
        })
    }

    /// Renames the finished directory to `data` (replacing an empty one) and syncs the parent,
    /// so that after a crash either the whole data directory is there or none of it.
    fn publish(mut self, data: &Path) -> Result<(), ImportError> {
        if data.exists() {
            std::fs::remove_dir(data).map_err(|e| ImportError::io(data, e))?;
        }
        std::fs::rename(&self.dir, data).map_err(|e| ImportError::io(data, e))?;
        self.published = true;
        if let Some(parent) = data.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(parent)
                .and_then(|f| f.sync_all())
                .map_err(|e| ImportError::io(parent, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Collects changes and commits them in large transactions on a thread of its own, so that
/// reading and checking the files (one core) overlaps with SQLite's work (the other): the two
/// halves cost about the same.
pub(crate) struct Writer {
    batch: Vec<Change>,
    /// Full batches to the committing thread; at most two wait, which bounds memory.
    tx: Option<std::sync::mpsc::SyncSender<Vec<Change>>>,
    thread: Option<std::thread::JoinHandle<Result<SqliteStore, ImportError>>>,
}

impl Writer {
    pub fn start(mut store: SqliteStore) -> Writer {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Change>>(2);
        let thread = std::thread::spawn(move || {
            for batch in rx {
                store.commit(&batch)?;
            }
            Ok(store)
        });
        Writer {
            batch: Vec::with_capacity(BATCH),
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn push(&mut self, change: Change) -> Result<(), ImportError> {
        self.batch.push(change);
        if self.batch.len() >= BATCH {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<(), ImportError> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(batch).is_ok());
        if sent {
            Ok(())
        } else {
            // The committing thread stopped: its error says why.
            self.finish().map(|_| ())
        }
    }

    /// Commits what is left and hands the store back.
    pub fn finish(&mut self) -> Result<SqliteStore, ImportError> {
        if !self.batch.is_empty() {
            if let Some(tx) = &self.tx {
                let _ = tx.send(std::mem::take(&mut self.batch));
            }
        }
        self.tx = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ImportError::Refused("the store writer panicked".into())),
            None => Err(ImportError::Refused(
                "the store writer already stopped".into(),
            )),
        }
    }
}

impl Drop for Writer {
    /// On an error elsewhere: stop the committing thread before the staging directory goes.
    fn drop(&mut self) {
        self.batch.clear();
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
