//! Progress of one scan: counters the pipeline stages bump, and snapshots readers take.
//!
//! Counters are atomics and the few non-counter fields sit behind short-held mutexes, so a
//! reader never waits for the scan and the scan never waits for a reader.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

crate::id::uuid_id!(
    /// Identity of a scan.
    ScanId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScanStatus {
    Running,
    /// The walk finished and every file found was processed (some may have failed).
    Completed,
    Cancelled,
    /// The scan could not go on (database gone, probe unavailable); `error` says why.
    Failed,
    /// The process running the scan stopped without finishing it (killed, crashed, power
    /// lost); found by a later start or by another node when the scan's lease ran out.
    Interrupted,
}

impl ScanStatus {
    pub fn is_finished(self) -> bool {
        self != Self::Running
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Completed, Self::Cancelled, Self::Failed, Self::Interrupted]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

impl fmt::Display for ScanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a running scan is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScanPhase {
    /// Finding files (probing those found so far at the same time).
    Walking,
    /// Every file is found; probing the rest.
    Probing,
    /// Concluding: marking files missing, pruning.
    Finishing,
    /// The scan has ended (see its status).
    Finished,
}

impl ScanPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Walking => "walking",
            Self::Probing => "probing",
            Self::Finishing => "finishing",
            Self::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Walking, Self::Probing, Self::Finishing, Self::Finished].into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for ScanPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recorded problem: a file that failed or a folder that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanIssue {
    /// Lossy where the path is not UTF-8.
    #[serde(serialize_with = "crate::json_path::lossy")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub path: PathBuf,
    pub message: String,
}

/// A consistent-enough picture of a scan at one moment (counters are read one by one, so a
/// snapshot taken mid-scan may be off by the file in flight; a finished scan's is exact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanProgress {
    pub scan_id: ScanId,
    pub library: Option<String>,
    #[serde(serialize_with = "crate::json_path::lossy")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub root: PathBuf,
    /// The process running the scan (`host:pid`).
    pub node: Option<String>,
    pub status: ScanStatus,
    pub phase: ScanPhase,
    /// Video files found so far; final once `walk_complete` is true.
    pub total_files: u64,
    pub walk_complete: bool,
    /// Files dealt with: probed, or found unchanged, or recognised as moved.
    pub processed: u64,
    /// Files whose catalog record is fine (probed now, or unchanged since a good probe).
    pub succeeded: u64,
    /// Files that could not be probed (now, or before and unchanged since).
    pub failed: u64,
    /// Files not in the catalog before.
    pub new_files: u64,
    /// Catalogued files whose size, modification time or inode changed: probed again.
    pub changed_files: u64,
    /// Catalogued files found as they were: not probed, not rewritten.
    pub unchanged_files: u64,
    /// Catalogued files found at a new path: kept their id, not probed.
    pub moved_files: u64,
    /// Catalogued files this scan marked missing (only a completed scan marks any).
    pub missing_files: u64,
    /// Files processed per second since the scan started.
    pub files_per_sec: f64,
    /// Seconds left at the current rate, once every file is found.
    pub eta_secs: Option<f64>,
    /// Lossy where the path is not UTF-8.
    #[serde(serialize_with = "crate::json_path::lossy_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub current_file: Option<PathBuf>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Why the scan failed, when it did.
    pub error: Option<String>,
    /// The first recorded problems (at most the scanner's `max_errors`).
    pub errors: Vec<ScanIssue>,
    /// How many problems were recorded in all, including those not kept in `errors`.
    pub errors_total: u64,
    /// Things the user should know that are not errors (why nothing was marked missing).
    pub warnings: Vec<String>,
    /// How many files each probe answered in this scan (`native`, `ffprobe`).
    #[serde(default)]
    pub probes: BTreeMap<String, u64>,
}

impl ScanProgress {
    /// Share of found files processed, 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        if self.total_files == 0 {
            if self.status.is_finished() { 1.0 } else { 0.0 }
        } else {
            self.processed as f64 / self.total_files as f64
        }
    }
}

#[derive(Debug, Default)]
struct Ending {
    ended_at: Option<DateTime<Utc>>,
    error: Option<String>,
    /// Decided by [`ProgressState::finish`], shown once [`ProgressState::announce`]d.
    status: Option<ScanStatus>,
}

/// How a processed file counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    New,
    Changed,
    Unchanged,
    Moved,
}

#[derive(Debug, Default)]
struct IssueLog {
    kept: Vec<ScanIssue>,
    total: u64,
}

/// The live state of a running scan, shared by its stages and its readers.
#[derive(Debug)]
pub(crate) struct ProgressState {
    pub id: ScanId,
    pub library: Option<String>,
    pub node: Option<String>,
    pub root: PathBuf,
    pub started_at: DateTime<Utc>,
    max_errors: usize,
    status: watch::Sender<ScanStatus>,
    started: std::time::Instant,
    total: AtomicU64,
    walk_complete: AtomicBool,
    finishing: AtomicBool,
    processed: AtomicU64,
    succeeded: AtomicU64,
    failed: AtomicU64,
    new: AtomicU64,
    changed: AtomicU64,
    unchanged: AtomicU64,
    moved: AtomicU64,
    missing: AtomicU64,
    current: Mutex<Option<PathBuf>>,
    issues: Mutex<IssueLog>,
    warnings: Mutex<Vec<String>>,
    probes: Mutex<BTreeMap<String, u64>>,
    ending: Mutex<Ending>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these short locks leaves plain data behind; keep going.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ProgressState {
    pub fn new(id: ScanId, library: Option<String>, root: PathBuf, max_errors: usize) -> Self {
        Self {
            id,
            library,
            node: None,
            root,
            started_at: crate::media::now(),
            max_errors,
            status: watch::Sender::new(ScanStatus::Running),
            started: std::time::Instant::now(),
            total: AtomicU64::new(0),
            walk_complete: AtomicBool::new(false),
            finishing: AtomicBool::new(false),
            processed: AtomicU64::new(0),
            succeeded: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            new: AtomicU64::new(0),
            changed: AtomicU64::new(0),
            unchanged: AtomicU64::new(0),
            moved: AtomicU64::new(0),
            missing: AtomicU64::new(0),
            current: Mutex::new(None),
            issues: Mutex::new(IssueLog::default()),
            warnings: Mutex::new(Vec::new()),
            probes: Mutex::new(BTreeMap::new()),
            ending: Mutex::new(Ending::default()),
        }
    }

    pub fn status(&self) -> ScanStatus {
        *self.status.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<ScanStatus> {
        self.status.subscribe()
    }

    pub fn found(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    pub fn walk_done(&self) {
        self.walk_complete.store(true, Ordering::Relaxed);
    }

    pub fn working_on(&self, path: &Path) {
        *lock(&self.current) = Some(path.to_path_buf());
    }

    fn counted(&self, change: Change) {
        let counter = match change {
            Change::New => &self.new,
            Change::Changed => &self.changed,
            Change::Unchanged => &self.unchanged,
            Change::Moved => &self.moved,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.processed.fetch_add(1, Ordering::Relaxed);
    }

    /// A file whose record is fine.
    pub fn succeeded(&self, change: Change) {
        self.succeeded.fetch_add(1, Ordering::Relaxed);
        self.counted(change);
    }

    /// A file `probe` answered for.
    pub fn probed_by(&self, probe: &str) {
        *lock(&self.probes).entry(probe.to_owned()).or_default() += 1;
    }

    /// A file that could not be probed now; `message` says why.
    pub fn failed(&self, change: Change, path: &Path, message: &str) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.counted(change);
        self.issue(path, message);
    }

    /// An unchanged (or moved) file whose earlier probe failed and is not retried: counted as
    /// failed, not reported again.
    pub fn still_failed(&self, change: Change) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.counted(change);
    }

    /// A whole folder found as the catalog has it: `files` unchanged, `failed` of which had
    /// failed to probe before.
    pub fn unchanged_as_a_whole(&self, files: u64, failed: u64) {
        self.unchanged.fetch_add(files, Ordering::Relaxed);
        self.processed.fetch_add(files, Ordering::Relaxed);
        self.failed.fetch_add(failed, Ordering::Relaxed);
        self.succeeded.fetch_add(files - failed.min(files), Ordering::Relaxed);
    }

    pub fn finishing(&self) {
        self.finishing.store(true, Ordering::Relaxed);
    }

    pub fn missing(&self, n: u64) {
        self.missing.fetch_add(n, Ordering::Relaxed);
    }

    pub fn warn(&self, warning: String) {
        tracing::warn!(%warning, "scan warning");
        lock(&self.warnings).push(warning);
    }

    /// Records a problem that is not a failed file (an unreadable folder).
    pub fn issue(&self, path: &Path, message: &str) {
        let mut log = lock(&self.issues);
        log.total += 1;
        if log.kept.len() < self.max_errors {
            log.kept.push(ScanIssue { path: path.to_path_buf(), message: message.to_owned() });
        }
    }

    /// Decides how the scan ends; only the first call has an effect. Readers go on seeing
    /// the scan running until [`Self::announce`]: the ending is saved and the lease released
    /// first, so that whoever sees the scan ended can start the next one at once.
    pub fn finish(&self, status: ScanStatus, error: Option<String>) {
        {
            let mut ending = lock(&self.ending);
            if ending.status.is_some() {
                return;
            }
            ending.ended_at = Some(crate::media::now());
            ending.error = error;
            ending.status = Some(status);
        }
        *lock(&self.current) = None;
    }

    /// Shows the ending decided by [`Self::finish`] to readers and wakes those waiting.
    pub fn announce(&self) {
        if let Some(status) = lock(&self.ending).status {
            self.status.send_replace(status);
        }
    }

    /// The progress as readers see it.
    pub fn snapshot(&self) -> ScanProgress {
        self.snapshot_as(self.status())
    }

    /// The progress with the ending decided by [`Self::finish`], announced or not: what is
    /// saved as the scan's final record.
    pub fn final_snapshot(&self) -> ScanProgress {
        let decided = lock(&self.ending).status;
        self.snapshot_as(decided.unwrap_or_else(|| self.status()))
    }

    fn snapshot_as(&self, status: ScanStatus) -> ScanProgress {
        let (kept, errors_total) = {
            let log = lock(&self.issues);
            (log.kept.clone(), log.total)
        };
        let (ended_at, error) = if status.is_finished() {
            let ending = lock(&self.ending);
            (ending.ended_at, ending.error.clone())
        } else {
            (None, None)
        };
        let total = self.total.load(Ordering::Relaxed);
        let processed = self.processed.load(Ordering::Relaxed);
        let walk_complete = self.walk_complete.load(Ordering::Relaxed);
        let phase = if status.is_finished() {
            ScanPhase::Finished
        } else if self.finishing.load(Ordering::Relaxed) {
            ScanPhase::Finishing
        } else if walk_complete {
            ScanPhase::Probing
        } else {
            ScanPhase::Walking
        };
        let elapsed = match ended_at {
            Some(end) => (end - self.started_at).num_milliseconds().max(0) as f64 / 1000.0,
            None => self.started.elapsed().as_secs_f64(),
        };
        let files_per_sec = if elapsed > 0.0 { processed as f64 / elapsed } else { 0.0 };
        let eta_secs = (walk_complete && !status.is_finished() && files_per_sec > 0.0)
            .then(|| total.saturating_sub(processed) as f64 / files_per_sec);
        ScanProgress {
            scan_id: self.id,
            library: self.library.clone(),
            root: self.root.clone(),
            node: self.node.clone(),
            status,
            phase,
            total_files: total,
            walk_complete,
            processed,
            succeeded: self.succeeded.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            new_files: self.new.load(Ordering::Relaxed),
            changed_files: self.changed.load(Ordering::Relaxed),
            unchanged_files: self.unchanged.load(Ordering::Relaxed),
            moved_files: self.moved.load(Ordering::Relaxed),
            missing_files: self.missing.load(Ordering::Relaxed),
            files_per_sec: (files_per_sec * 10.0).round() / 10.0,
            eta_secs: eta_secs.map(|s| s.round()),
            current_file: lock(&self.current).clone(),
            started_at: self.started_at,
            ended_at,
            error,
            errors: kept,
            errors_total,
            warnings: lock(&self.warnings).clone(),
            probes: lock(&self.probes).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_errors_and_counts_all() {
        let state = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        for i in 0..10 {
            state.failed(Change::New, Path::new(&format!("/r/{i}.mkv")), "bad");
        }
        let snap = state.snapshot();
        assert_eq!(snap.errors.len(), 3);
        assert_eq!(snap.errors[0].path, PathBuf::from("/r/0.mkv"));
        assert_eq!(snap.errors_total, 10);
        assert_eq!(snap.failed, 10);
        assert_eq!(snap.processed, 10);
    }

    #[test]
    fn finish_is_final_and_shown_once_announced() {
        let state = ProgressState::new(ScanId::new(), None, PathBuf::from("/r"), 3);
        let waiter = state.subscribe();
        state.finish(ScanStatus::Cancelled, None);
        state.finish(ScanStatus::Completed, Some("late".into()));
        assert_eq!(state.final_snapshot().status, ScanStatus::Cancelled);
        let shown = state.snapshot();
        assert_eq!((shown.status, shown.ended_at), (ScanStatus::Running, None), "not yet announced");
        assert!(!waiter.has_changed().unwrap());

        state.announce();
        assert!(waiter.has_changed().unwrap());
        let snap = state.snapshot();
        assert_eq!(snap.status, ScanStatus::Cancelled);
        assert_eq!(snap.error, None);
        assert!(snap.ended_at.is_some());
    }
}
