//! One scan, as a pipeline of stages joined by bounded channels:
//!
//! ```text
//! walk ──directories──▶ compare ──files to probe──▶ probe (N at a time) ──writes──▶ store
//!                          └──────────── seen directories, absent files ──────────────┘
//! ```
//!
//! The walk lists directories; compare reads each directory's catalog rows and sorts its files
//! into new, changed, unchanged (counted, never rewritten) and absent; probe handles new and
//! changed files (recognising moved files without probing them) and reads the sidecars of
//! files whose sidecars changed, without probing those; store writes everything in
//! batches, one transaction each. Memory is bounded by the channels and the largest
//! directory, never by the library. When every stage is done, a completed scan concludes:
//! files it did not find are marked missing, unless a guard says the library looks unmounted.
//! Stages stop on the `stop` token (a user's cancel or a fatal error); what was probed is still
//! stored. Last, decisions made with profiles that changed since are made again from the
//! stored streams.

mod compare;
mod finish;
mod probe;
mod sidecars;
mod store;
mod walk;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::keeper;
use super::progress::{Change, ProgressState, ScanStatus};
use super::{ScanOptions, ScannerConfig};
use crate::media::{CatalogEntry, FileStat, MediaId, MediaRecord};
use crate::ports::{
    Absent, DirSummary, FileSource, MediaMove, MediaProbe, MediaRepository, RepoError, ScanRepository,
    SeenDir, WalkEvent, error_chain,
};

/// Everything one scan needs.
pub(crate) struct ScanJob {
    pub state: Arc<ProgressState>,
    /// Tripped by the user's cancel.
    pub cancel: CancellationToken,
    pub source: Arc<dyn FileSource>,
    pub probe: Arc<dyn MediaProbe>,
    pub repo: Arc<dyn MediaRepository>,
    pub scans: Arc<dyn ScanRepository>,
    /// The lease this scan holds (the library, or the root of a folder scan).
    pub lease_key: String,
    /// The fingerprint of `options.profiles`, stored with every decision.
    pub fingerprint: u64,
    pub options: ScanOptions,
    pub config: ScannerConfig,
}

/// The first fatal error of a scan; raising it stops every stage.
pub(crate) struct Fatal {
    stop: CancellationToken,
    message: Mutex<Option<String>>,
}

impl Fatal {
    pub(crate) fn raise(&self, message: String) {
        let mut slot = self.message.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            warn!(error = %message, "scan stopped");
            *slot = Some(message);
        }
        self.stop.cancel();
    }

    fn take(&self) -> Option<String> {
        self.message.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn raised(&self) -> bool {
        self.message.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }
}

/// Folders a scan could not read: nothing below them may be concluded missing. Kept up to a
/// bound; past it the scan concludes nothing missing at all.
const MAX_UNREADABLE: usize = 1_000;

/// What the stages share besides the job.
pub(crate) struct Shared {
    pub stop: CancellationToken,
    pub fatal: Fatal,
    unreadable: Mutex<Vec<PathBuf>>,
    unreadable_overflow: AtomicBool,
    /// Whether the catalog held anything under the root when the scan began: if not, no new
    /// file can be a moved one, and the look-up is skipped.
    pub moves_possible: bool,
    /// Catalog rows already claimed by a move in this scan (a copy must not claim one twice).
    claimed: Mutex<HashSet<MediaId>>,
}

impl Shared {
    pub fn unreadable(&self, path: PathBuf) {
        let mut list = self.unreadable.lock().unwrap_or_else(|p| p.into_inner());
        if list.len() < MAX_UNREADABLE {
            list.push(path);
        } else {
            self.unreadable_overflow.store(true, Ordering::Relaxed);
        }
    }

    /// The unreadable folders, or `None` when there were too many to list.
    pub fn unreadable_folders(&self) -> Option<Vec<PathBuf>> {
        if self.unreadable_overflow.load(Ordering::Relaxed) {
            return None;
        }
        Some(self.unreadable.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// Claims a catalog row for a move; false when another file of this scan claimed it.
    pub fn claim(&self, id: MediaId) -> bool {
        self.claimed.lock().unwrap_or_else(|p| p.into_inner()).insert(id)
    }
}

/// A file to probe, and what the catalog knew of it.
pub(crate) struct Job {
    pub file: FileStat,
    pub change: Change,
    pub known: Option<CatalogEntry>,
    /// The file's sidecars, as [`crate::sidecar::assign`] gave them.
    pub sidecars: Vec<FileStat>,
    /// False for an unchanged file whose sidecars changed: only they are read again.
    pub reprobe: bool,
}

/// A write for the store stage.
pub(crate) enum Write {
    Upsert(Box<MediaRecord>),
    SeenDir(SeenDir),
    /// A folder whose `outstanding` new and changed files are on their way to the probes: once
    /// the last of them is stored, so is the folder's summary (sent before its files).
    Awaiting {
        path: PathBuf,
        summary: DirSummary,
        outstanding: u64,
    },
    Absent(Absent),
    /// A moved file; `failed` when the row it takes over holds a failed probe, `sidecars`
    /// when sidecars sit beside it at its new place.
    Move {
        moved: Box<MediaMove>,
        failed: bool,
        sidecars: bool,
    },
    /// A file sent to the probes that produced no row (it vanished): its folder's summary is
    /// not stored, since the catalog does not match it.
    Unstored(PathBuf),
}

/// Runs `operation` until it succeeds, retrying transient database errors with back-off for
/// up to the scanner's `db_retry` budget; then (or at once for other errors) gives up with a
/// message naming `what`.
pub(crate) async fn retrying<T, F, Fut>(job: &ScanJob, what: &str, mut operation: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RepoError>>,
{
    let started = tokio::time::Instant::now();
    let mut pause = Duration::from_millis(100);
    loop {
        match operation().await {
            Ok(value) => return Ok(value),
            Err(e) if e.is_transient() && started.elapsed() + pause <= job.config.db_retry => {
                warn!(error = %error_chain(&e), retry_in_ms = pause.as_millis() as u64, "database unavailable; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            Err(e) if e.is_transient() => {
                return Err(format!(
                    "{what}: the database stayed unavailable for {:?}: {}",
                    job.config.db_retry,
                    error_chain(&e)
                ));
            }
            Err(e) => return Err(format!("{what}: {}", error_chain(&e))),
        }
    }
}

/// Runs the scan to its end and records how it ended.
pub(crate) async fn run(job: ScanJob) {
    let stop = job.cancel.child_token();
    let root = job.state.root.clone();
    // A subtree scan's new file may come from anywhere in the library.
    let library_root = job.state.library_root.clone().unwrap_or_else(|| root.clone());
    let moves_possible = !job.options.force && job.repo.any_under(library_root).await.unwrap_or(true);
    let shared = Shared {
        stop: stop.clone(),
        fatal: Fatal { stop: stop.clone(), message: Mutex::new(None) },
        unreadable: Mutex::new(Vec::new()),
        unreadable_overflow: AtomicBool::new(false),
        moves_possible,
        claimed: Mutex::new(HashSet::new()),
    };

    match job.source.walk(root.clone(), job.options.walk.clone()).await {
        Ok(walk) => {
            let concurrency = job.config.probe_concurrency.max(1);
            // Room for a full compare batch: directories are read from the catalog together.
            let (dir_tx, dir_rx) = mpsc::channel(compare::DIRS_PER_QUERY * 2);
            let (job_tx, job_rx) = mpsc::channel(concurrency * 2);
            let (write_tx, write_rx) = mpsc::channel(job.config.batch_size.max(1));
            let stages_done = CancellationToken::new();
            let stages = async {
                tokio::join!(
                    walk::walk_stage(&job, &shared, walk, dir_tx),
                    compare::compare_stage(&job, &shared, dir_rx, job_tx, write_tx.clone()),
                    probe::probe_stage(&job, &shared, job_rx, write_tx),
                    store::store_stage(&job, &shared, write_rx),
                );
                if !stop.is_cancelled() {
                    finish::conclude(&job, &shared).await;
                }
                if !stop.is_cancelled() {
                    finish::redecide(&job, &shared).await;
                }
                stages_done.cancel();
            };
            let counting = async {
                if !shared.moves_possible {
                    tokio::select! {
                        () = stages_done.cancelled() => {}
                        () = count_files(&job, &stop) => {}
                    }
                }
            };
            tokio::join!(stages, keeper::keep(&job, &shared.fatal, &stages_done), counting);
        }
        Err(e) => shared.fatal.raise(format!("cannot walk {}: {e}", root.display())),
    }

    let (status, error) = match shared.fatal.take() {
        Some(message) => (ScanStatus::Failed, Some(message)),
        None if job.cancel.is_cancelled() => (ScanStatus::Cancelled, None),
        None => (ScanStatus::Completed, None),
    };
    job.state.finish(status, error);
    keeper::conclude(&job).await;
    job.state.announce();
    let snap = job.state.snapshot();
    tracing::info!(
        status = %snap.status,
        total = snap.total_files,
        new = snap.new_files,
        changed = snap.changed_files,
        unchanged = snap.unchanged_files,
        moved = snap.moved_files,
        missing = snap.missing_files,
        failed = snap.failed,
        "scan finished"
    );
}

/// Counts the files a walk finds, without comparing or probing them, and tells the progress.
///
/// The scan's own walk runs only as fast as the probes let it (its channels are bounded), so on a
/// first scan, where every file is probed, the number of files found grows until nearly the end
/// and no honest fraction or ETA can be shown. This second walk costs about one `find` of the
/// library — nothing beside probing every file — and gives the total early. Rescans skip it:
/// their walk is not held up by probes unless many files changed, and for an unchanged library
/// it would double the cost.
async fn count_files(job: &ScanJob, stop: &CancellationToken) {
    let Ok(mut walk) = job.source.walk(job.state.root.clone(), job.options.walk.clone()).await else {
        return;
    };
    let mut files = 0u64;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            event = walk.next() => match event {
                Some(WalkEvent::Directory(listing)) => files += listing.files.len() as u64,
                Some(_) => {}
                None => break,
            },
        }
    }
    job.state.expect(files);
}

/// Default for [`ScannerConfig::batch_delay`].
pub(crate) const DEFAULT_BATCH_DELAY: Duration = Duration::from_millis(500);
